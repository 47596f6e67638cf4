"""Password reset by email (Django's views, mail through EMAIL_URL), to a real SMTP server."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from notifications.tests.receivers import smtp_server

pytestmark = pytest.mark.django_db


def test_a_reset_link_by_mail_sets_a_new_password(settings):
    rita = get_user_model().objects.create_user("rita", "rita@example.com", "old-password-1")
    client = Client()
    with smtp_server() as (port, messages):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        response = client.post("/accounts/password_reset/", {"email": "rita@example.com"})
    assert response.status_code == 302
    assert messages[0].rcpt_tos == ["rita@example.com"]
    link = re.search(rb"http://testserver(/accounts/reset/\S+/)", messages[0].content).group(1)
    form = client.get(link.decode(), follow=True)
    client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "brand-new-secret-42", "new_password2": "brand-new-secret-42"},
    )
    rita.refresh_from_db()
    assert rita.check_password("brand-new-secret-42")


def test_the_login_page_links_to_the_reset(client):
    assert b"/accounts/password_reset/" in Client().get("/accounts/login/").content
