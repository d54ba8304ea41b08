"""Forward-only keyset ("cursor") pages.

A page asks for the rows after the last one the previous page gave, in a unique order
(the primary key), so rows written or deleted meanwhile never shift a page: nothing is
skipped or repeated, and a deep page costs one index range scan like the first.
"""

from django.conf import settings
from django.http import QueryDict
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

from . import cursors


def page_size(params):
    return params.get("page_size") or settings.API_PAGE_SIZE


def link(request, **changes):
    """This request's address on the site (SITE_URL), its parameters changed by `changes`
    (None drops one)."""
    query = request.GET.copy() if request.GET else QueryDict(mutable=True)
    for name, value in changes.items():
        query.pop(name, None)
        if value is not None:
            query[name] = value
    return settings.SITE_URL + request.path + ("?" + query.urlencode() if query else "")


def page(request, results, cursor):
    """The page's body: {"results", "next", "next_cursor"}; `next` is None on the last page."""
    return {
        "results": results,
        "next": link(request, cursor=cursor) if cursor else None,
        "next_cursor": cursor,
    }


class KeysetPagination(BasePagination):
    """Pages of a queryset by primary key; the view validated `cursor` and `page_size`
    (api/params.py) and names its cursors with `cursor_endpoint`."""

    def paginate_queryset(self, queryset, request, view=None):
        size, after = page_size(view.params), view.params.get("cursor")
        if after is not None:
            queryset = queryset.filter(pk__gt=after[0])
        rows = list(queryset.order_by("pk")[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
        self.request = request
        self.cursor = cursors.encode(view.cursor_endpoint, [rows[-1].pk]) if more else None
        return rows

    def get_paginated_response(self, data):
        return Response(page(self.request, data, self.cursor))
