from django.contrib import admin, messages
from django.db import transaction

from tasks import services
from tasks.models import Task, TaskStatus
from tasks.serializers import ANSWER_FIELDS


def _move_action(status: TaskStatus):
    @admin.action(description=f"Move selected tasks to {status.label}")
    def move(modeladmin, request, queryset):
        # Through the service, one task at a time, so every status side effect happens.
        with transaction.atomic():
            for task in queryset:
                services.task_update(task=task, status=status)
        modeladmin.message_user(
            request, f"{queryset.count()} task(s) moved to {status.label}.", messages.SUCCESS
        )

    move.__name__ = f"move_to_{status.value}"
    return move


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "name",
        "status",
        "interval_minutes",
        "next_reminder_at",
        "last_ping",
        "updated_at",
    )
    list_display_links = ("id", "name")
    list_filter = ("status",)
    search_fields = ("name", "description")
    date_hierarchy = "created_at"
    ordering = ("-id",)
    # The API's fields (tasks.serializers), less the id and the rank (the board orders the cards).
    fields = tuple(name for name in ANSWER_FIELDS if name not in ("id", "rank"))
    readonly_fields = ("last_ping", "next_reminder_at", "created_at", "updated_at")
    actions = [_move_action(status) for status in TaskStatus]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            created = services.task_create(
                name=data["name"],
                description=data.get("description", ""),
                interval_minutes=data["interval_minutes"],
                status=data["status"],
            )
            obj.pk = created.pk
            return
        # Only what the form changed goes to the service, so an untouched status is not a "change".
        changed = {field: data[field] for field in form.changed_data}
        services.task_update(task=obj, **changed)
