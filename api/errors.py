"""Error bodies the API promises: always JSON, always the same shape, never a 500 for bad input.

    {"error": {"status": 400, "code": "invalid_parameter", "parameter": "page_size",
               "message": "At most 200."}}

`parameter` is there when one parameter is at fault; `retry_after` on 429 and 503.
"""

from django.db import InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

RETRY_AFTER_UNAVAILABLE = 30


class BadParameter(exceptions.APIException):
    """A query parameter that is unknown, repeated or not a value this endpoint can take."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_parameter"

    def __init__(self, parameter, message):
        # Hostile names reach this: cut to what a person needs to recognise their parameter.
        self.parameter = parameter[:50]
        super().__init__(message)


class Unavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "unavailable"
    default_detail = "This part of the API is unavailable for a moment; try again shortly."
    wait = RETRY_AFTER_UNAVAILABLE


CODES = {
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.Throttled: "rate_limited",
}


def body(status_code, code, message, **extra):
    return {"error": {"status": status_code, "code": code, "message": message, **extra}}


def exception_handler(exc, context):
    """DRF's handler (status, Retry-After, Allow headers), with the API's one error shape."""
    if isinstance(exc, OperationalError | InterfaceError):
        exc = Unavailable()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a bug: Django's 500, logged as such
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    code = next((c for kind, c in CODES.items() if isinstance(exc, kind)), None)
    code = code or getattr(exc, "default_code", "error")
    detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    extra = {}
    if isinstance(exc, BadParameter):
        extra["parameter"] = exc.parameter
    wait = getattr(exc, "wait", None)
    if wait is not None:
        response["Retry-After"] = str(max(1, int(wait + 0.999)))
        extra["retry_after"] = int(response["Retry-After"])
    response.data = body(response.status_code, code, str(detail), **extra)
    return response


def response_for(exc):
    """The API's error response for `exc` outside a DRF view (api.views.company_detail)."""
    drf_response = exception_handler(exc, {})
    response = JsonResponse(drf_response.data, status=drf_response.status_code)
    if "Retry-After" in drf_response:
        response["Retry-After"] = drf_response["Retry-After"]
    if isinstance(exc, exceptions.MethodNotAllowed):
        response["Allow"] = "GET, HEAD, OPTIONS"
    return response


def not_found(request, *args, **kwargs):
    """Any other address under /api/v1/: a JSON 404, not the site's HTML page."""
    return JsonResponse(body(404, "not_found", "No such API endpoint; see /api/."), status=404)
