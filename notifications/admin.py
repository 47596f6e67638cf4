from django.contrib import admin, messages

from notifications.models import Notification
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
