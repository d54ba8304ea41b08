import logging

from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.caching import cached_response, shared_page
from directory.models import Category

from .generation import cache_key
from .queries import (
    load_companies,
    search_companies_cached,
    suggest_cached,
    task_answer,
    which_company_question,
)

log = logging.getLogger(__name__)
RESULTS_PER_PAGE = 20


@require_GET
def search(request):
    raw = request.GET.get("q", "")
    category = request.GET.get("category", "")
    page_number = request.GET.get("page", "")
    # The page shows what was typed, so the key holds the text itself, not the cleaned query.
    key = cache_key("page", raw.strip()[:200], category, page_number[:20]) if shared_page(request) else None
    return cached_response(key, lambda: render_results(request, raw, category, page_number))


def render_results(request, raw, category, page_number):
    outcome = search_companies_cached(raw, category=category)
    page = Paginator(outcome.pks, RESULTS_PER_PAGE).get_page(page_number)
    results = load_companies(list(page.object_list), outcome.reasons)
    top = results[0] if results and page.number == 1 else None
    guides, channels = task_answer(outcome, top)
    which_company, popular_for_intent = which_company_question(outcome)
    return render(
        request,
        "search/results.html",
        {
            "query": raw.strip()[:200],
            "outcome": outcome,
            "page": page,
            "results": results,
            "task_company": top if (guides or channels) else None,
            "task_guides": guides,
            "task_channels": channels,
            "which_company": which_company,
            "popular_for_intent": popular_for_intent,
            "categories": Category.objects.order_by("name"),
            "category": category,
        },
    )


@require_GET
def suggestions(request):
    query = request.GET.get("q", "")
    return JsonResponse({"query": query[:200], "suggestions": suggest_cached(query)})
