"""Give each request an id, log with it, and return it as X-Request-ID (see tracker.logs)."""

from asgiref.sync import iscoroutinefunction, markcoroutinefunction

from tracker.logs import REQUEST_ID_HEADER, end_request_id, request_id_from_header, start_request_id


class RequestIdMiddleware:
    """Give each request an id (request.request_id), log with it, and return it as X-Request-ID."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request):
        if iscoroutinefunction(self):
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
        request.request_id = request_id_from_header(request.headers.get(REQUEST_ID_HEADER))
        return start_request_id(request.request_id)
