"""A person's time zone: the one they chose (NotificationPreferences.time_zone, also the zone of
their quiet hours), else their browser's.

Chosen means saved: a person gets a NotificationPreferences row when they save their time zone or
quiet hours (the settings page or PATCH /notification-preferences). Until then the board's scripts
use the browser's zone (board/static/board/js/times.js), which they also send in the `tz` cookie so
server-rendered pages (the admin) can show local times.
"""

from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

BROWSER_ZONE_COOKIE = "tz"


@cache
def known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def is_known_zone(name: str) -> bool:
    return name in known_zones()


def chosen_time_zone(user) -> str:
    """The zone `user` chose, or "" when they have not (anonymous visitors included).

    No query for a person logged in through accounts.backends.PeopleBackend, which loads their
    preferences with them.
    """
    if user is None or not user.is_authenticated:
        return ""
    try:
        preferences = user.notification_preferences
    except ObjectDoesNotExist:
        return ""
    return preferences.time_zone


def browser_time_zone(request: HttpRequest) -> str:
    """The zone the board's script found in the browser (the `tz` cookie), if it is a real one."""
    name = request.COOKIES.get(BROWSER_ZONE_COOKIE, "")
    return name if is_known_zone(name) else ""


def request_time_zone(request: HttpRequest) -> str:
    """The zone to show this request's times in: chosen, else the browser's, else ""."""
    return chosen_time_zone(getattr(request, "user", None)) or browser_time_zone(request)


def time_zone_context(request: HttpRequest) -> dict:
    """`person_time_zone` for base.html's <meta name="time-zone"> (read by times.js): lazy, so pages
    that never show it never look."""
    return {"person_time_zone": SimpleLazyObject(lambda: chosen_time_zone(request.user))}


class TimeZoneMiddleware:
    """Server-rendered times (the admin's lists and forms) in the person's zone.

    Activated for Django's TemplateResponse only (the admin's pages), just before they render, so
    requests that render no times (the API, whose answers are DRF's SimpleTemplateResponse, and the
    event stream) never read the user for it.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

    def process_template_response(self, request: HttpRequest, response):
        if not isinstance(response, TemplateResponse):
            return response
        name = request_time_zone(request)
        if name:
            try:
                timezone.activate(ZoneInfo(name))
            except (ZoneInfoNotFoundError, ValueError):  # a zone this system no longer knows
                pass
        return response
