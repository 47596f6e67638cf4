"""The board's pages and its live endpoints."""

from django.urls import path

from board import views

urlpatterns = [
    path("", views.board, name="board"),
    path("board/columns", views.board_columns, name="board-columns"),
    path("board/notifications", views.board_notifications, name="board-notifications"),
    path("board/state", views.board_state, name="board-state"),
    path("board/<int:board_id>/settings", views.board_settings, name="board-settings"),
    path("inbox", views.inbox, name="inbox"),
    path("settings/notifications", views.notification_settings, name="notification-settings"),
    path("events/", views.board_events, name="board-events"),
]
