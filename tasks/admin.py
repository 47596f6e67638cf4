from datetime import datetime

from django.contrib import admin, messages
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from boards.admin import RefusalsAsMessages
from tasks import services
from tasks.intervals import interval_label
from tasks.models import DEFAULT_GRACE_MINUTES, Task, TaskPriority, TaskStatus
from tasks.serializers import ANSWER_FIELDS, NESTED_FIELDS


def excerpt(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def short_time(moment: datetime | None, now: datetime | None = None) -> str:
    """'1 Dec, 21:05' in the viewer's time zone (accounts.time_zones activates it), with the year
    only when it is not this one; '-' for none, as the admin shows empty values."""
    if moment is None:
        return "-"
    local = timezone.localtime(moment)
    same_year = local.year == timezone.localtime(now or timezone.now()).year
    return date_format(local, "j M, H:i" if same_year else "j M Y, H:i")


def _move_action(status: TaskStatus):
    @admin.action(description=f"Move selected tasks to {status.label}")
    def move(modeladmin, request, queryset):
        # Through the service, one task at a time, so every status side effect happens.
        with transaction.atomic():
            for task in queryset.filter(archived_at__isnull=True):  # archived: restore first
                services.task_update(task=task, status=status, actor=request.user)
        modeladmin.message_user(
            request, f"{queryset.count()} task(s) moved to {status.label}.", messages.SUCCESS
        )

    move.__name__ = f"move_to_{status.value}"
    return move


class ArchivedFilter(admin.SimpleListFilter):
    title = "archive"
    parameter_name = "archived"

    def lookups(self, request, model_admin):
        return (("no", "In use"), ("yes", "Archived"))

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(archived_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(archived_at__isnull=False)
        return queryset


@admin.action(description="Restore selected archived tasks")
def restore(modeladmin, request, queryset):
    # Through the service, as the board's Restore: its place, history row and live event.
    restored = 0
    with transaction.atomic():
        for task in queryset.filter(archived_at__isnull=False):
            services.task_restore(task=task, actor=request.user)
            restored += 1
    modeladmin.message_user(request, f"{restored} task(s) restored.", messages.SUCCESS)


@admin.register(Task)
class TaskAdmin(RefusalsAsMessages, admin.ModelAdmin):
    # Fits a 1366 px laptop beside the admin's navigation and filters (browser_tests/test_admin_tasks.py):
    # the name is the link (no id column), intervals and times in words (tasks/static/tasks/admin.css
    # keeps the name from wrapping over more than two lines). Archived tasks: the archive filter.
    list_display = ("title", "board", "status", "every", "next_reminder", "pinged")
    list_display_links = ("title",)
    list_filter = (ArchivedFilter, "board", "status")
    list_select_related = ("board",)
    search_fields = ("name", "description")
    date_hierarchy = "created_at"
    ordering = ("-id",)
    # The API's fields (tasks.serializers), less the id and the rank (the board orders the cards)
    # and the nested rows (phases, todos and comments change through the API and the board).
    fields = tuple(name for name in ANSWER_FIELDS if name not in ("id", "rank", *NESTED_FIELDS))
    readonly_fields = (
        "last_ping",
        "next_reminder_at",
        "created_by",
        "created_at",
        "updated_at",
        "progress_percent",
        # Set by pings and claims alone (tasks.heartbeats, tasks.claims).
        "stalled",
        "failed",
        "last_exit_status",
        "claimed_by",
        "lease_until",
    )
    filter_horizontal = ("assignees",)
    actions = [*(_move_action(status) for status in TaskStatus), restore]

    def get_queryset(self, request):
        # Archived tasks too (Task.objects hides them), to find and restore them.
        return Task.all_objects.select_related("board")

    def has_change_permission(self, request, obj=None):
        # An archived task is read-only until restored (the services write tasks in use only).
        if obj is not None and obj.archived_at is not None:
            return False
        return super().has_change_permission(request, obj)

    class Media:
        css = {"all": ["tasks/admin.css"]}

    @admin.display(description="Interval", ordering="interval_minutes")
    def every(self, task: Task) -> str:
        return f"Every {interval_label(task.interval_minutes)}"

    @admin.display(description="Next reminder", ordering="next_reminder_at")
    def next_reminder(self, task: Task) -> str:
        return short_time(task.next_reminder_at)

    @admin.display(description="Last ping", ordering="last_ping")
    def pinged(self, task: Task) -> str:
        return short_time(task.last_ping)

    @admin.display(description="Name", ordering="name")
    def title(self, task: Task) -> str:
        # Two lines at most beside the other columns; the task's page shows all of it.
        return excerpt(task.name, 64)

    def get_readonly_fields(self, request, obj=None):
        # A task stays on the board it was created on (as in the API).
        return (*self.readonly_fields, "board") if obj is not None else self.readonly_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if "board" in form.base_fields:
            # As in the API: a task naming no board goes on the default board.
            form.base_fields["board"].required = False
            form.base_fields["board"].help_text = "Empty: the default board."
        if "priority" in form.base_fields:
            # As in the API: a task naming no priority is medium.
            form.base_fields["priority"].required = False
        if "grace_minutes" in form.base_fields:
            # Forms of before heartbeats send none: the default (add) or unchanged (edit).
            form.base_fields["grace_minutes"].required = False
        if obj is not None and "assignees" in form.base_fields:  # not on a read-only page
            # Assignees are members of the task's board (tasks.services checks it on add).
            form.base_fields["assignees"].queryset = form.base_fields["assignees"].queryset.filter(
                board_memberships__board_id=obj.board_id
            )
        return form

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            created = services.task_create(
                name=data["name"],
                description=data.get("description", ""),
                interval_minutes=data["interval_minutes"],
                grace_minutes=(
                    DEFAULT_GRACE_MINUTES
                    if data.get("grace_minutes") is None
                    else data["grace_minutes"]
                ),
                status=data["status"],
                board=data.get("board"),
                assignees=[user.get_username() for user in data.get("assignees", [])],
                priority=data.get("priority") or TaskPriority.MEDIUM,
                due_date=data.get("due_date"),
                context_tags=data.get("context_tags") or None,
                definition_of_done=data.get("definition_of_done") or None,
                actor=request.user,
            )
            obj.pk = created.pk
            return
        # Only what the form changed goes to the service, so an untouched status is not a "change".
        changed = {field: data[field] for field in form.changed_data}
        if changed.get("priority") == "":
            del changed["priority"]
        if "assignees" in changed:
            changed["assignees"] = [user.get_username() for user in changed["assignees"]]
        services.task_update(task=obj, actor=request.user, **changed)

    def save_related(self, request, form, formsets, change):
        # The assignees were saved by the service (history row, membership check), not the form.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
