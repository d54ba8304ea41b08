from django.http import HttpResponse


def trivial(request):
    """The load test's baseline: the same server and middleware, no database, no template."""
    return HttpResponse("ok", content_type="text/plain")
