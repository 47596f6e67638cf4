from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "tasks"
    verbose_name = "Tasks"

    def ready(self) -> None:
        from boards.signals import member_removed
        from notifications.signals import reminder_acknowledged
        from tasks.reminder_pause import on_reminder_acknowledged
        from tasks.services import on_member_removed

        # Assignees are members of the task's board: one who leaves it leaves its tasks.
        member_removed.connect(on_member_removed, dispatch_uid="tasks.on_member_removed")
        # Acknowledging a reminder ("I'm on it") pauses its task's reminders.
        reminder_acknowledged.connect(
            on_reminder_acknowledged, dispatch_uid="tasks.on_reminder_acknowledged"
        )
