from django.http import HttpRequest, HttpResponse
from django.urls import path

from tracker.urls import urlpatterns as app_urlpatterns


def hello(request: HttpRequest) -> HttpResponse:
    """The baseline: a plain Django view through the same middleware, server and workers."""
    return HttpResponse("Hello, world", content_type="text/plain")


urlpatterns = [path("bench/hello", hello), *app_urlpatterns]
