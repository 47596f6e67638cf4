from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "tasks"
    verbose_name = "Tasks"

    def ready(self) -> None:
        from boards.signals import member_removed
        from tasks.services import on_member_removed

        # Assignees are members of the task's board: one who leaves it leaves its tasks.
        member_removed.connect(on_member_removed, dispatch_uid="tasks.on_member_removed")
