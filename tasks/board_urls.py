"""The board's pages and live endpoints, and the login pages it links to."""

from django.contrib.auth import views as auth_views
from django.urls import path

from tasks import views
from tasks.csp import content_security_policy

urlpatterns = [
    path("", views.board, name="board"),
    path("board/columns", views.board_columns, name="board-columns"),
    path("board/state", views.board_state, name="board-state"),
    path("events/", views.board_events, name="board-events"),
    path(
        "accounts/login/",
        content_security_policy(auth_views.LoginView.as_view(redirect_authenticated_user=True)),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Django's password change pages (admin-styled). No password reset: it needs outgoing email.
    path(
        "accounts/password_change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]
