from django.contrib import admin, messages

from notifications.models import BoardWebhook, Channel, Delivery, DeliveryAttempt, Notification
from notifications.services import notifications_mark_read


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("id", "task_name", "notification_type", "message", "is_read", "created_at")
    list_filter = ("notification_type", "is_read")
    search_fields = ("task_name", "message")
    date_hierarchy = "created_at"
    raw_id_fields = ("task",)
    list_select_related = ("task",)
    actions = ["mark_read"]

    @admin.action(description="Mark selected notifications as read")
    def mark_read(self, request, queryset):
        count = notifications_mark_read(notifications=queryset)
        self.message_user(request, f"{count} notification(s) marked as read.", messages.SUCCESS)


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "kind", "target", "enabled", "consecutive_failures", "created_at")
    list_filter = ("kind", "enabled")
    search_fields = ("target", "user__username")
    raw_id_fields = ("user",)
    list_select_related = ("user",)
    # The secret is shown once, to its owner; never here.
    exclude = ("secret",)


@admin.register(BoardWebhook)
class BoardWebhookAdmin(admin.ModelAdmin):
    list_display = ("id", "board", "url", "enabled", "consecutive_failures", "created_at")
    list_filter = ("enabled",)
    search_fields = ("url", "board__name")
    raw_id_fields = ("board", "created_by")
    list_select_related = ("board",)
    # The secret is shown once, to the owner who added it; never here.
    exclude = ("secret",)

    def has_add_permission(self, request) -> bool:
        # A new hook needs a secret shown to someone: owners add them on the board's settings page.
        return False


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    readonly_fields = ("started_at", "duration_ms", "status_code", "error", "succeeded")


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "notification",
        "channel",
        "board_webhook",
        "event",
        "status",
        "attempts",
        "next_attempt_at",
    )
    list_filter = ("status",)
    raw_id_fields = ("notification", "channel", "board_webhook")
    list_select_related = ("notification", "channel", "board_webhook")
    readonly_fields = ("claim_token", "claimed_until")
    inlines = [DeliveryAttemptInline]
