"""Give each request an id, log with it, and return it as X-Request-ID (see tracker.logs)."""

from asgiref.sync import iscoroutinefunction, markcoroutinefunction

from tracker.logs import REQUEST_ID_HEADER, end_request_id, request_id_from_header, start_request_id

_REQUEST_ID_META = "HTTP_" + REQUEST_ID_HEADER.upper().replace("-", "_")


class RequestIdMiddleware:
    """Give each request an id (request.request_id), log with it, and return it as X-Request-ID."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        # Decided once: asking inspect on every request costs more than the rest of this class.
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request):
        if self.is_async:
            return self._acall(request)
        token = self._start(request)
        try:
            response = self.get_response(request)
        finally:
            end_request_id(token)
        response[REQUEST_ID_HEADER] = request.request_id
        return response

    async def _acall(self, request):
        token = self._start(request)
        try:
            response = await self.get_response(request)
        finally:
            end_request_id(token)
        response[REQUEST_ID_HEADER] = request.request_id
        return response

    @staticmethod
    def _start(request):
        # META rather than request.headers, which would copy every header for this one.
        request.request_id = request_id_from_header(request.META.get(_REQUEST_ID_META))
        return start_request_id(request.request_id)
