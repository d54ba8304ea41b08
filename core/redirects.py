from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request):
    """The request's `next` (posted, else in the query) if it is a page of this site, else ""."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure())
    return target if target and allowed and "\x00" not in target else ""
