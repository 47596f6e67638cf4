"""Paging that keeps the body a bare JSON array, as the original's clients expect.

`?limit=&offset=` pick the page; the `Link` header (rel="next"/"prev") and `X-Total-Count` say where
the rest is, GitHub-style.
"""

from django.db.models import QuerySet
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response

MAX_LIMIT = 1000


def _whole_number(request: Request, name: str, minimum: int) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or value < minimum:
        raise ValidationError({name: [f"Must be a whole number of at least {minimum}."]})
    return value


class HeaderLimitOffsetPagination(LimitOffsetPagination):
    """Pages only when ?limit= is given (default_limit None): a plain GET returns every row."""

    default_limit = None
    max_limit = MAX_LIMIT

    def get_limit(self, request: Request) -> int | None:
        limit = _whole_number(request, self.limit_query_param, minimum=1)
        if limit is None:
            return self.default_limit
        return min(limit, self.max_limit)

    def get_offset(self, request: Request) -> int:
        return _whole_number(request, self.offset_query_param, minimum=0) or 0

    def page_of(self, queryset: QuerySet, request: Request) -> QuerySet | None:
        """As paginate_queryset, but the page stays a queryset (sliced, not yet read), for an
        answer the database writes; None without ?limit=. page_headers() then describe it."""
        self.request = request
        self.limit = self.get_limit(request)
        if self.limit is None:
            return None
        self.count = self.get_count(queryset)
        self.offset = self.get_offset(request)
        return queryset[self.offset : self.offset + self.limit]  # past the end: no rows

    def page_headers(self) -> dict[str, str]:
        links = [
            f'<{url}>; rel="{rel}"'
            for url, rel in ((self.get_next_link(), "next"), (self.get_previous_link(), "prev"))
            if url is not None
        ]
        headers = {"X-Total-Count": str(self.count)}
        if links:
            headers["Link"] = ", ".join(links)
        return headers

    def get_paginated_response(self, data: list) -> Response:
        return Response(data, headers=self.page_headers())

    def get_paginated_response_schema(self, schema: dict) -> dict:
        return schema

    def get_schema_operation_parameters(self, view: object) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        # The same bounds get_limit and get_offset enforce, so the schema does not promise limit=0.
        minimums = {self.limit_query_param: 1, self.offset_query_param: 0}
        for parameter in parameters:
            parameter["schema"]["minimum"] = minimums[parameter["name"]]
            parameter["description"] += (
                " The body stays a bare array; the Link header (rel=next/prev) and X-Total-Count"
                " give the rest."
            )
        return parameters
