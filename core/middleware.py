"""One place that refuses a NUL byte anywhere in a request's path, query string or form fields.

PostgreSQL cannot store or compare text holding NUL (it raises), so such a request would answer 500 from
whichever view first used the value. It is never legitimate in this service's addresses or forms."""

from django.http import HttpResponseBadRequest


class RefuseNulBytesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_nul(request):
            return HttpResponseBadRequest("The request holds a NUL character, which is never valid here.")
        return self.get_response(request)

    @staticmethod
    def _has_nul(request) -> bool:
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "%00" in query or "\x00" in query:
            return True
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            return any("\x00" in value for values in request.POST.lists() for value in values[1])
        return False
