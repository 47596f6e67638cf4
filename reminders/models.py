from django.db import models


class LastPass(models.Model):
    """The last reminder pass, for /healthz: one row, overwritten by every pass (reminders.sweep).

    In the database rather than Redis or a file, so every process (web, loop, RQ workers, in any
    container) reads the same record, and it is there whenever the database is.
    """

    ONLY_ROW = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=ONLY_ROW, editable=False)
    at = models.DateTimeField()
    sent = models.PositiveIntegerField()
    duration_ms = models.FloatField()

    class Meta:
        db_table = "reminders_last_pass"
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="reminders_last_pass_one_row")
        ]

    def __str__(self) -> str:
        return f"last reminder pass at {self.at:%Y-%m-%d %H:%M:%S}"
