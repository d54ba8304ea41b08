import json
from itertools import groupby

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from gethelp.ratelimit import too_many

from . import feedback, page_cache, view_counts
from .forms import CompanySuggestionForm, ReportForm
from .models import Category, Company, ContactChannel
from .structured_data import organization_json_ld
from .visitors import ip_hash


@require_GET
def home(request):
    key = page_cache.home_key() if page_cache.shared_page(request) else None
    return page_cache.cached_response(key, lambda: render_home(request))


def render_home(request):
    return render(
        request,
        "directory/home.html",
        {
            # Counting every category's companies scans the whole table; a few minutes old is fine.
            "categories": page_cache.cached(
                "home:categories", 300, lambda: list(Category.objects.with_company_counts().order_by("name"))
            ),
            "most_viewed": Company.objects.with_best_channel().order_by("-view_count", "name")[:12],
        },
    )


@require_GET
def company_detail(request, slug):
    cacheable = page_cache.shared_page(request)
    stamp, html = page_cache.get_page(slug) if cacheable else (None, None)  # a stamp: the view is counted
    if html is None:
        company = Company.objects.for_page().filter(slug=slug).first()
        if company is None:
            if stamp is not None:
                view_counts.forget(slug)
            raise Http404("No such company")
        if stamp is None:
            view_counts.record(slug)
        response = render_company_page(request, company, cacheable)
        if not cacheable:
            return response
        html = response.content
        page_cache.set_page(slug, stamp, html)
    return HttpResponse(page_cache.with_csrf_token(html, get_token(request)))


def render_company_page(request, company, cacheable):
    now = timezone.now()
    feedback.attach_freshness(company, now)
    best = company.best_channel
    wait_cells = feedback.wait_by_hour(best, now) if best else {}
    json_ld = json.dumps(organization_json_ld(company), ensure_ascii=False).replace("</", "<\\/")
    context = {
        "company": company,
        "best": best,
        "departments": company.channels_by_department(),
        "guides": list(company.guides.all()),
        "now": now,
        "json_ld": json_ld,
        "wait_chart": feedback.wait_chart_svg(wait_cells),
        "best_times": feedback.best_times(wait_cells),
    }
    if cacheable:
        context["csrf_token"] = page_cache.CSRF_PLACEHOLDER  # filled in per visitor
    return render(request, "directory/company_detail.html", context)


@require_GET
def company_index(request):
    companies = (
        Company.objects.select_related("category")
        .order_by("name")
        .only("name", "slug", "category__name", "category__slug")
    )
    letters = [(letter, list(group)) for letter, group in groupby(companies, key=lambda c: c.index_letter)]
    return render(request, "directory/company_index.html", {"letters": letters})


@require_GET
def category_detail(request, slug):
    category = get_object_or_404(Category, slug=slug)
    paginator = Paginator(
        category.companies.with_best_channel().order_by("name"),
        settings.COMPANIES_PER_PAGE,
    )
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "directory/category_detail.html", {"category": category, "page": page})


@require_http_methods(["GET", "POST"])
def report_channel(request, pk):
    """Records "did this work?" for a channel; on bad input shows the form again with what was sent."""
    channel = get_object_or_404(ContactChannel.objects.active().select_related("company"), pk=pk)
    form = ReportForm(request.POST or None, initial={"worked": request.GET.get("worked", "no")})
    visitor = feedback.visitor_id(request)
    if request.method == "POST" and form.is_valid():
        try:
            feedback.record_report(
                request,
                channel,
                visitor,
                worked=form.worked_value,
                reason=form.cleaned_data["reason"],
                minutes_waited=form.cleaned_data["minutes_waited"],
            )
        except feedback.AlreadyReported:
            messages.info(request, "You already told us about this channel today. Thank you!")
        except feedback.TooManyReports:
            messages.error(
                request, "We have many reports from your network today; please try again tomorrow."
            )
        else:
            messages.success(request, "Thank you! Your report helps keep this page right.")
        response = redirect(f"{channel.company.get_absolute_url()}#channel-{channel.pk}")
        feedback.remember_visitor(response, visitor)
        return response
    return render(
        request,
        "directory/report_channel.html",
        {"form": form, "channel": channel},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def suggest_company(request):
    if request.method == "POST":
        form = CompanySuggestionForm(request.POST)
        visitor = ip_hash(request)
        if too_many(f"suggest-company:{visitor}", settings.COMPANY_SUGGESTIONS_PER_HOUR, 3600):
            form.add_error(None, "You have sent many suggestions in the last hour. Please try again later.")
        elif form.is_valid():
            if not form.is_spam():
                suggestion = form.save(commit=False)
                suggestion.ip_hash = visitor
                suggestion.save()
            messages.success(
                request, "Thank you. We will look into it and add the company if we can verify it."
            )
            return redirect("directory:home")
    else:
        form = CompanySuggestionForm(initial={"name": request.GET.get("name", "")[:200]})
    return render(request, "directory/suggest_company.html", {"form": form})


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@require_GET
def healthz(request):
    checks = {
        "database": _check_database(),
        "cache": _check_cache(),
        "search": _check_search(),
    }
    healthy = all(status == "ok" for status in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks},
        status=200 if healthy else 503,
    )


def _check_database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # health checks report every failure instead of raising
        return f"error: {exc.__class__.__name__}"
    return "ok"


def _check_cache():
    try:
        cache.set("healthz", "ok", 5)
        ok = cache.get("healthz") == "ok"
    except Exception as exc:
        return f"error: {exc.__class__.__name__}"
    return "ok" if ok else "error: cache did not keep a value"


def _check_search():
    from haystack import connections

    try:
        connections["default"].get_backend().search("healthz", result_class=None)
    except Exception as exc:
        return f"error: {exc.__class__.__name__}"
    return "ok"
