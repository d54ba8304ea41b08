"""The read API (README, API): thin views over api/queries.py, api/documents.py and api/changes.py.

Every view validates its parameters first (api/params.py), is rate-limited per address
(api/throttling.py), and answers JSON with a weak ETag; If-None-Match and If-Modified-Since
get a 304 when nothing changed.
"""

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.views.decorators.http import require_GET
from rest_framework import exceptions, generics
from rest_framework.response import Response
from rest_framework.views import APIView

from . import changes, cursors, documents, errors, params, queries, throttling
from .pagination import link, page_size
from .serializers import CategorySerializer, CompanySerializer, EventSerializer, LookupSerializer


def conditional(request, response, etag, last_modified=None):
    """The response with its validators, or a 304 when the client's copy is current."""
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    patch_cache_control(response, public=True, max_age=settings.API_MAX_AGE_SECONDS)
    return get_conditional_response(request, etag=etag, last_modified=last_modified, response=response)


class ApiView(APIView):
    """Reads the query's parameters once the request passed the rate limit; a body it
    answers gets a weak ETag from its bytes."""

    params_class = params.NoParams

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.params = self.params_class.read(request.query_params)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response) and response.status_code == 200:
            response.render()
            return conditional(request, response, documents.weak_etag(response.content))
        return response


class CompanyList(ApiView, generics.ListAPIView):
    params_class = params.CompanyListParams
    serializer_class = CompanySerializer
    cursor_endpoint = "companies"

    def get_queryset(self):
        return queries.companies(self.params)


ALLOWED = "GET, HEAD, OPTIONS"


def company_detail(request, slug):
    """A company's document: the API's busiest address, so it skips DRF's per-request machinery
    (negotiation, throttle and parser objects: half its time) and answers from the one Redis
    round trip that also counts the request; errors keep the API's shape (errors.response_for)."""
    if request.method == "OPTIONS":
        response = HttpResponse()
        response["Allow"] = ALLOWED
        return response
    try:
        if request.method not in ("GET", "HEAD"):
            raise exceptions.MethodNotAllowed(request.method)
        params.NoParams.read(request.GET)
        hit = throttling.Hit(request)
        if not settings.REDIS_URL:
            hit.check_in_the_database()
        document, counted = documents.company_document(slug, hit)
        hit.check(counted)
        if document is None:
            raise exceptions.NotFound("No such company.")
    except (exceptions.APIException, OperationalError, InterfaceError) as exc:
        return errors.response_for(exc)
    response = HttpResponse(document.body, content_type="application/json")
    return conditional(request, response, document.etag, document.last_modified)


class Lookup(ApiView):
    params_class = params.LookupParams

    def get(self, request):
        host, domain = self.params["domain"]
        found = LookupSerializer(queries.lookup(host, domain), many=True).data
        return Response({"domain": domain, "host": host, "companies": found})


class CategoryList(ApiView, generics.ListAPIView):
    params_class = params.CategoryListParams
    serializer_class = CategorySerializer
    cursor_endpoint = "categories"

    def get_queryset(self):
        return queries.categories()


class Changes(ApiView):
    params_class = params.ChangesParams

    def get(self, request):
        position = self.params.get("cursor")
        if "since" in self.params:
            position = changes.since(self.params["since"])
        events, last = changes.events_after(position, page_size(self.params))
        after = last or position
        cursor = cursors.encode("changes", changes.cursor_keys(after)) if after else None
        results = EventSerializer(events, many=True).data
        # Never None: the last page's `next` is where to ask again for what is published later.
        return Response(
            {"results": results, "next": link(request, since=None, cursor=cursor), "next_cursor": cursor}
        )


@require_GET
def docs(request):
    """The API's documentation page, with examples against this site."""
    return render(
        request,
        "api/docs.html",
        {
            "api": settings.SITE_URL + "/api/v1",
            "page_size": settings.API_PAGE_SIZE,
            "max_page_size": settings.API_MAX_PAGE_SIZE,
            "rate": settings.API_RATE_LIMIT[0],
            "max_age": settings.API_MAX_AGE_SECONDS,
            "settle": settings.API_CHANGES_SETTLE_SECONDS,
        },
    )
