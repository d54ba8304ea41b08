import logging

from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string

log = logging.getLogger(__name__)


def reject_nul_in_path(get_response):
    """A path with a NUL byte names no page; the database would refuse it in a lookup (a 500)."""

    def middleware(request):
        if "\x00" in request.path:
            raise Http404("No such page")
        return get_response(request)

    return middleware


class DatabaseUnavailable:
    """While the database cannot be reached, a page that needs it says so with a 503 and
    Retry-After, instead of the 500 page; pages served from the cache keep working."""

    RETRY_AFTER_SECONDS = 30

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        log.error("database unavailable: %s", exception.__class__.__name__)
        # Rendered without the request: its context processors would ask the database again.
        html = render_to_string("503.html", {"retry_after": self.RETRY_AFTER_SECONDS})
        response = HttpResponse(html, status=503)
        response["Retry-After"] = str(self.RETRY_AFTER_SECONDS)
        return response
