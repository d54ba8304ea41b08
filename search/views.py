from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from directory.models import Company


@require_GET
def search(request):
    query = request.GET.get("q", "").strip()[:200]
    results = Company.objects.with_best_channel().search_simple(query).order_by("name") if query else []
    page = Paginator(results, 20).get_page(request.GET.get("page")) if query else None
    return render(request, "search/results.html", {"query": query, "page": page})
