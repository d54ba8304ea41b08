"""The public pages: home, company page, category, A–Z, and the pages for machines."""

import json
import logging
from itertools import groupby

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from core.caching import cached, cached_response, shared_page
from core.countries import (
    ANYWHERE,
    COUNTRY_COOKIE,
    country_name,
    country_names,
    known_country,
    visitor_country,
)
from core.redirects import safe_next
from directory import view_counts
from directory.models import CANCEL_DEPARTMENTS, Category, Company
from freshness import feedback, grading
from guides.models import CANCEL_GUIDE_KINDS, Guide, GuideRevision
from guides.rendering import render_markdown
from opendata.attribution import attach_provenance
from search import queries

from . import dumps, page_cache
from .badge import BADGE_CACHE_SECONDS, badge_svg
from .forms import CountryForm
from .structured_data import organization_json_ld

log = logging.getLogger(__name__)


@require_GET
def home(request):
    key = page_cache.home_key() if shared_page(request) else None
    return cached_response(key, lambda: render_home(request))


def render_home(request):
    return render(
        request,
        "pages/home.html",
        {
            # Counting every category's companies scans the whole table; a few minutes old is fine.
            "categories": cached(
                "home:categories", 300, lambda: list(Category.objects.with_company_counts().order_by("name"))
            ),
            "most_viewed": Company.objects.with_best_channel().order_by("-view_count", "name")[:12],
        },
    )


def company_for_page(slug):
    """The company with everything its page shows, in a fixed number of queries; or None."""
    published_guides = Guide.objects.published().order_by("kind", "title")
    return (
        Company.objects.with_best_channel()
        .prefetch_related(Prefetch("guides", queryset=published_guides))
        .filter(slug=slug)
        .first()
    )


@require_GET
def company_detail(request, slug):
    cacheable, country = shared_page(request), visitor_country(request)
    stamp, html = page_cache.get_page(slug, country) if cacheable else (None, None)  # a stamp: counted
    if html is None:
        company = company_for_page(slug)
        if company is None:
            if stamp is not None:
                view_counts.forget(slug)
            raise Http404("No such company")
        if stamp is None:
            view_counts.record(slug)
        company.prefer_country(country)
        response = render_company_page(request, company, cacheable)
        if not cacheable:
            return response
        html = response.content
        page_cache.set_page(slug, stamp, html, country)
    return HttpResponse(page_cache.with_csrf_token(html, get_token(request)))


def render_company_page(request, company, cacheable):
    now = timezone.now()
    feedback.attach_freshness(company, now)
    attach_provenance(company.active_channels)
    best = feedback.best_working_channel(company)
    json_ld = json_for_script(organization_json_ld(company))
    context = {
        "company": company,
        "best": best,
        "usual_best": company.best_channel,
        "departments": company.channels_by_department(),
        **country_line(company),
        "guides": list(company.guides.all()),
        "now": now,
        "json_ld": json_ld,
        **best_time_to_call(best, now),
        **cancel_box(company),
        "messages": answers_in_place(request, company),
        "grade": grading.for_company(company),
        "own_pending": own_pending_work(request.user, company),
        "watching": request.user.is_authenticated and company.watches.filter(user=request.user).exists(),
    }
    if cacheable:
        context["csrf_token"] = page_cache.CSRF_PLACEHOLDER  # filled in per visitor
    return render(request, "pages/company_detail.html", context)


def country_line(company):
    """What the page says about the visitor's country, whose channels it lists first."""
    country = company.preferred_country
    return {
        "country": country,
        "country_name": country_name(country),
        "coverage": company.country_coverage(country),
    }


def best_time_to_call(best, now):
    """The heat map of waits by weekday and hour for the best channel, from enough reports only."""
    wait_cells = feedback.wait_by_hour(best, now) if best else {}
    wait_reports = sum(count for _, count in wait_cells.values())
    if wait_reports < settings.FEEDBACK_MIN_REPORTS_TO_SHOW:
        wait_cells = {}  # a "best time" from two reports would mislead
    return {
        "wait_chart": feedback.wait_chart_svg(wait_cells),
        "best_times": feedback.best_times(wait_cells),
        "wait_reports": wait_reports,
    }


def answers_in_place(request, company):
    """Shows each "Did this work?" answer in the channel it was given for, where a visitor without
    JavaScript comes back to; returns the other messages, for the top of the page."""
    channels = {f"channel-{channel.pk}": channel for channel in company.active_channels}
    others = []
    for message in get_messages(request):
        tags = message.extra_tags.split()
        channel = channels.get(tags[0]) if tags else None
        if channel is None:
            others.append(message)
        else:
            channel.report_answer = message.message
            channel.report_answer_level = message.level_tag
            channel.report_ask_more = "ask-more" in tags
    return others


def guide_opening(body):
    """The guide's first few lines; when they only lead into a list ("Cancel online:"), the
    first lines of that list too."""
    blocks = [block.strip() for block in body.strip().split("\n\n") if block.strip()]
    if not blocks:
        return ""
    opening = "\n".join(blocks[0].splitlines()[:3])
    if opening.endswith(":") and len(blocks) > 1:
        opening += "\n\n" + "\n".join(blocks[1].splitlines()[:3])
    return opening


def cancel_box(company):
    """What the Cancel box shows: the cancel guide and its first steps, else the cancellations line."""
    guides = [g for g in company.guides.all() if g.kind in CANCEL_GUIDE_KINDS]
    guide = min(guides, key=lambda g: CANCEL_GUIDE_KINDS.index(g.kind)) if guides else None
    channels = [c for c in company.active_channels if c.department in CANCEL_DEPARTMENTS]
    channel = (
        min(channels, key=lambda c: (CANCEL_DEPARTMENTS.index(c.department), c.human_rank))
        if channels
        else None
    )
    first_steps = guide_opening(guide.body) if guide else ""
    return {"cancel_guide": guide, "cancel_channel": channel, "cancel_steps": render_markdown(first_steps)}


@require_GET
def how_we_grade(request):
    context = {
        "rules": grading.rules(),
        "letters": grading.letter_rows(),
        "examples": grading.worked_examples(),
        "window": settings.FEEDBACK_WINDOW_DAYS,
        "min_reports": settings.FEEDBACK_MIN_REPORTS_TO_SHOW,
    }
    return render(request, "pages/how_we_grade.html", context)


def own_pending_work(user, company):
    """How many of this person's edits of the company's guides and channels wait for review."""
    if not user.is_authenticated:
        return 0
    revisions = GuideRevision.objects.filter(guide__company=company, author=user, status="pending")
    return revisions.count() + company.corrections.filter(author=user, status="pending").count()


# As Django's json_script: no <, > or & can end the script element or open a comment in it.
SCRIPT_SAFE = str.maketrans({"<": "\\u003C", ">": "\\u003E", "&": "\\u0026"})


def json_for_script(data):
    return json.dumps(data, ensure_ascii=False).translate(SCRIPT_SAFE)


@require_GET
def company_index(request):
    companies = (
        Company.objects.select_related("category")
        .order_by("name")
        .only("name", "slug", "category__name", "category__slug")
    )
    letters = [(letter, list(group)) for letter, group in groupby(companies, key=lambda c: c.index_letter)]
    return render(request, "pages/company_index.html", {"letters": letters})


@require_GET
def category_detail(request, slug):
    category = get_object_or_404(Category, slug=slug)
    country = known_country(request.GET.get("country", ""))
    companies = category.companies.with_best_channel().order_by("name")
    if country:
        companies = companies.serving(country)
    page = Paginator(companies, settings.COMPANIES_PER_PAGE).get_page(request.GET.get("page"))
    context = {"category": category, "page": page, "country": country, "countries": country_names()}
    suggested = visitor_country(request)
    context.update(
        country_name=country_name(country),
        suggested_country=suggested,
        suggested_name=country_name(suggested),
    )
    return render(request, "pages/category_detail.html", context)


@require_GET
def open_data(request):
    """The nightly dumps with their sizes, counts and checksums, the licence and how to cite."""
    context = {"dumps": dumps.read_manifest(), "licence": dumps.LICENCE, "licence_url": dumps.LICENCE_URL}
    return render(request, "pages/open_data.html", context)


@require_GET
def dump_download(request, name):
    path = dumps.dump_file(name)
    if path is None or not path.is_file():
        raise Http404("No such dump")
    return FileResponse(path.open("rb"), as_attachment=True, filename=name)


@require_GET
def company_badge(request, slug):
    """The company's best way to reach a human as an SVG badge, for others to embed."""
    company = company_for_page(slug)
    if company is None:
        raise Http404("No such company")
    feedback.attach_freshness(company)
    response = HttpResponse(badge_svg(company, feedback.best_working_channel(company)), "image/svg+xml")
    # Embedded anywhere as an image; opened on its own it must never run anything.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response["Cache-Control"] = f"public, max-age={BADGE_CACHE_SECONDS}"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_http_methods(["GET", "POST"])
def choose_country(request):
    """The visitor's country, kept in a cookie: company pages list its channels first."""
    form = CountryForm(request.POST or None, initial={"country": visitor_country(request) or ANYWHERE})
    back = safe_next(request) or "/"
    if request.method == "POST" and form.is_valid():
        response = redirect(back)
        response.set_cookie(
            COUNTRY_COOKIE, form.cleaned_data["country"], max_age=365 * 24 * 3600, samesite="Lax",
            secure=not settings.DEBUG, httponly=True,
        )  # fmt: skip
        return response
    status = 400 if form.errors else 200
    return render(request, "pages/choose_country.html", {"form": form, "next": back}, status=status)


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


def favicon(request):
    """Browsers and crawlers ask for /favicon.ico whatever the page says."""
    return redirect(static("img/favicon.svg"), permanent=True)


def page_not_found(request, exception):
    """The 404 page, with the companies whose names are closest to the address that was asked for."""
    words = request.path.strip("/").rsplit("/", 1)[-1].replace("-", " ")[:100]
    try:
        did_you_mean = queries.suggest(words, limit=5)
    except Exception as exc:  # the 404 page must not fail because search does
        log.warning("404 suggestions unavailable: %s", exc.__class__.__name__)
        did_you_mean = []
    return render(request, "404.html", {"did_you_mean": did_you_mean}, status=404)


def trivial(request):
    """The load test's baseline: the same server and middleware, no database, no template."""
    return HttpResponse("ok", content_type="text/plain")
