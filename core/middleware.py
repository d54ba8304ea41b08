from django.http import Http404


def reject_nul_in_path(get_response):
    """A path with a NUL byte names no page; the database would refuse it in a lookup (a 500)."""

    def middleware(request):
        if "\x00" in request.path:
            raise Http404("No such page")
        return get_response(request)

    return middleware
