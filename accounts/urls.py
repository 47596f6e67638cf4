"""Login, logout and password pages (Django's own views) that the board links to; the API's
tokens (/tokens/) and bots (/boards/{id}/bots/)."""

from django.contrib.auth import views as auth_views
from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from accounts.api import BotViewSet, NotificationPreferencesView, TokenViewSet

router = SimpleRouter()
# With and without the trailing slash, as every API path (see tasks.urls).
router.trailing_slash = "/?"
router.register("tokens", TokenViewSet, basename="token")

urlpatterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Django's password reset by email (EMAIL_URL; admin-styled pages) and password change pages.
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
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
    re_path(
        r"^boards/(?P<id>[^/]+)/bots/?$",
        BotViewSet.as_view({"get": "list", "post": "create"}),
        name="board-bots",
    ),
    re_path(
        r"^boards/(?P<id>[^/]+)/bots/(?P<name>[^/]+?)/?$",
        BotViewSet.as_view({"delete": "destroy"}),
        name="board-bot",
    ),
    re_path(
        r"^notification-preferences/?$",
        NotificationPreferencesView.as_view(),
        name="notification-preferences",
    ),
    *router.urls,
]
