"""Content-Security-Policy on every response: django-csp's middleware with the site-wide policy
(settings.CONTENT_SECURITY_POLICY: no inline script or style, nothing from another host).

Pages we render ourselves (the board, its fragments, the login and password pages) and Django's
admin need nothing more. Views that do are decorated where they are routed (csp.decorators; the API
docs in tracker.api.urls). Third-party pages that no decorator reaches get their allowance here.
"""

import base64
import hashlib

from csp.constants import UNSAFE_HASHES, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.http import HttpRequest, HttpResponseBase
from rest_framework.renderers import BrowsableAPIRenderer

# DRF's "Log out" link (its optional_logout template tag) posts the form from an onclick attribute.
DRF_LOGOUT_ONCLICK = 'document.getElementById("logoutForm").submit()'


def _source_hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"


# Inline style only, never inline script: these templates set style="..." on their elements.
INLINE_STYLE = {"style-src": [UNSAFE_INLINE]}
# DRF's browsable API: its templates' inline style, and that one handler, allowed by its hash.
BROWSABLE_API = {**INLINE_STYLE, "script-src": [UNSAFE_HASHES, _source_hash(DRF_LOGOUT_ONCLICK)]}
# django-rq's dashboard in the admin and DRF's login page: <style> blocks and style attributes.
INLINE_STYLE_PREFIXES = ("/admin/django_rq/", "/api-auth/")


def third_party_allowance(request: HttpRequest, response: HttpResponseBase) -> dict | None:
    # The API views answer JSON (which needs nothing) or, to a browser, the browsable API's page.
    if isinstance(getattr(response, "accepted_renderer", None), BrowsableAPIRenderer):
        return BROWSABLE_API
    if request.path_info.startswith(INLINE_STYLE_PREFIXES):
        return INLINE_STYLE
    return None


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if parts.update is None:
            parts.update = third_party_allowance(request, response)
        return parts
