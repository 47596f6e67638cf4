"""tracker.db.compiled: a hot read's SQL compiled once per key, run again with a new value."""

from django.contrib.auth.models import User

from tracker.db import compiled
from tracker.db.compiled import MARKER, compiled_sql


def by_id(marker: int) -> tuple[str, tuple]:
    return User.objects.filter(pk=marker).values_list("username").query.sql_with_params()


def test_the_value_takes_the_markers_place(db):
    sql, params = compiled_sql(("test", "by_id"), by_id, 42)
    assert params == [42]
    assert sql == by_id(42)[0]


def test_a_key_is_compiled_once(db):
    builds = []

    def counted(marker: int) -> tuple[str, tuple]:
        builds.append(marker)
        return by_id(marker)

    assert compiled_sql(("test", "once"), counted, 1)[1] == [1]
    assert compiled_sql(("test", "once"), counted, 2)[1] == [2]
    assert builds == [MARKER]


def test_a_read_without_a_value_keeps_its_own_parameters(db):
    def named(marker: int) -> tuple[str, tuple]:
        return User.objects.filter(username="x").values_list("pk").query.sql_with_params()

    assert compiled_sql(("test", "named"), named) == (named(0)[0], ["x"])


def test_a_value_that_is_not_one_parameter_is_not_cached(db):
    def twice(marker: int) -> tuple[str, tuple]:
        return (
            User.objects.filter(pk=marker, username=marker)
            .values_list("pk")
            .query.sql_with_params()
        )

    # username is text: the ORM turned the second marker into "-725031301".
    assert list(compiled_sql(("test", "twice"), twice, 7)[1]) == [7, "7"]
    assert not any(key[2] == ("test", "twice") for key in compiled._compiled)


def test_a_changed_setting_forgets_everything(db, settings):
    compiled_sql(("test", "forget"), by_id, 1)
    settings.PUBLIC_READ = not settings.PUBLIC_READ
    assert compiled._compiled == {}


def test_a_read_that_can_match_nothing_is_none(db):
    def nothing(marker: int) -> tuple[str, tuple]:
        return User.objects.filter(pk__in=[]).values_list("pk").query.sql_with_params()

    assert compiled_sql(("test", "nothing"), nothing, 3) is None
