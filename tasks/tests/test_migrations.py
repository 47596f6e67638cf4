"""0003_card_rank turns each column's integer positions into ranks in the same order."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE, AFTER = [("tasks", "0001_initial")], [("tasks", "0003_card_rank")]


def migrate(targets) -> object:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_positions_become_ranks_in_the_same_order_per_column():
    old_apps = migrate(BEFORE)
    Task = old_apps.get_model("tasks", "Task")
    # Gaps and ties, as deletes and the old shifting left them: (position, id) decided the order.
    for name, status, position in [
        ("third", "todo", 7),
        ("first", "todo", 0),
        ("second a", "todo", 3),
        ("second b", "todo", 3),
        ("done", "done", 0),
    ]:
        Task.objects.create(name=name, status=status, position=position)
    try:
        new_apps = migrate(AFTER)
        Task = new_apps.get_model("tasks", "Task")
        todo = list(
            Task.objects.filter(status="todo").order_by("rank").values_list("name", flat=True)
        )
        assert todo == ["first", "second a", "second b", "third"]
        assert Task.objects.get(name="done").rank
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
