from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import can_publish
from accounts.ratelimit import too_many
from core.visitors import ip_hash
from directory.models import Company, ContactChannel

from .diff import word_diff
from .forms import CorrectionForm, GuideEditForm, NewGuideForm
from .models import ChannelCorrection, EditConflict, Guide, GuideRevision, promote_if_earned
from .rendering import render_markdown


def published_guide(company_slug, slug):
    return get_object_or_404(
        Guide.objects.published().select_related("company", "current_revision__author"),
        company__slug=company_slug,
        slug=slug,
    )


def any_guide(company_slug, slug):
    return get_object_or_404(Guide.objects.select_related("company"), company__slug=company_slug, slug=slug)


def edits_too_fast(request):
    """True (with a message for the page) when this person or address edits faster than the limits allow."""
    per_user, per_ip, window = settings.EDIT_RATE_LIMIT
    if too_many(f"edit:user:{request.user.pk}", per_user, window) or too_many(
        f"edit:ip:{ip_hash(request)}", per_ip, window
    ):
        messages.error(request, "You are editing very quickly. Please wait a few minutes, then save again.")
        return True
    return False


def corrections_too_fast(request):
    """True when this address, or this signed-in person, sends corrections faster than the limits allow."""
    per_ip = settings.CORRECTIONS_PER_IP_PER_HOUR
    return too_many(f"correction:ip:{ip_hash(request)}", per_ip, 3600) or (
        request.user.is_authenticated and edits_too_fast(request)
    )


@require_GET
def guide_detail(request, company_slug, slug):
    guide = published_guide(company_slug, slug)
    return render(
        request,
        "guides/guide_detail.html",
        {
            "guide": guide,
            "company": guide.company,
            "body_html": render_markdown(guide.body),
            "flagged": guide.flags.filter(status="open").exists(),
            "channels": guide.channels.filter(status="active").order_by("human_rank", "id"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def guide_new(request, company_slug):
    company = get_object_or_404(Company, slug=company_slug)
    form = NewGuideForm(
        request.POST or None, company=company, initial={"kind": request.GET.get("kind", "reach_human")}
    )
    if request.method == "POST" and form.is_valid() and not edits_too_fast(request):
        content = form.content()
        guide = Guide.objects.create(
            company=company,
            kind=form.cleaned_data["kind"],
            slug=unique_slug(company, form.cleaned_data["title"]),
            is_published=False,
            **{field: content[field] for field in Guide.CONTENT_FIELDS},
        )
        revision = guide.save_revision(
            request.user, content, form.cleaned_data["summary"] or "New guide", ip_hash=ip_hash(request),
            publish=can_publish(request.user),
        )  # fmt: skip
        return after_save(request, guide, revision)
    return render(request, "guides/guide_form.html", {"form": form, "company": company, "new": True})


def unique_slug(company, title):
    base = slugify(title)[:60] or "guide"
    slug, n = base, 1
    while Guide.objects.filter(company=company, slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def after_save(request, guide, revision):
    if revision.status == GuideRevision.Status.APPROVED:
        messages.success(request, "Saved and published.")
        return redirect(guide)
    messages.success(request, "Saved. Your edit waits for a trusted editor to review it; thank you!")
    return redirect("guides:history", guide.company.slug, guide.slug)


@login_required
@require_http_methods(["GET", "POST"])
def guide_edit(request, company_slug, slug):
    guide = any_guide(company_slug, slug)
    form = GuideEditForm.for_guide(guide, request.POST or None)
    if request.method == "POST" and form.is_valid() and not edits_too_fast(request):
        try:
            revision = guide.save_revision(
                request.user, form.content(), form.cleaned_data["summary"],
                base_revision_number=form.cleaned_data["base_revision"], ip_hash=ip_hash(request),
                publish=can_publish(request.user),
            )  # fmt: skip
        except EditConflict as conflict:
            return render_conflict(request, guide, form, conflict.latest)
        return after_save(request, guide, revision)
    return render(request, "guides/guide_form.html", {"form": form, "guide": guide, "company": guide.company})


def render_conflict(request, guide, form, latest):
    """The editor's text kept in a form based on the newer revision, and what changed meanwhile."""
    return render(
        request,
        "guides/conflict.html",
        {
            "form": GuideEditForm(
                company=guide.company, initial={**form.cleaned_data, "base_revision": latest.revision_number}
            ),
            "guide": guide,
            "latest": latest,
            "title_diff": word_diff(latest.title, form.cleaned_data["title"]),
            "body_diff": word_diff(latest.body, form.cleaned_data["body"]),
        },
        status=409,
    )


@require_GET
def guide_history(request, company_slug, slug):
    guide = any_guide(company_slug, slug)
    if not guide.is_published and not request.user.is_authenticated:
        raise Http404
    revisions = guide.revisions.select_related("author", "reviewed_by").order_by("-revision_number")
    return render(
        request,
        "guides/history.html",
        {"guide": guide, "revisions": revisions, "can_publish": can_publish(request.user)},
    )


@require_GET
def guide_diff(request, company_slug, slug):
    guide = any_guide(company_slug, slug)
    if not guide.is_published and not request.user.is_authenticated:
        raise Http404
    numbers = [request.GET.get("from", ""), request.GET.get("to", "")]
    if not all(n.isdigit() for n in numbers):
        raise Http404
    found = {r.revision_number: r for r in guide.revisions.filter(revision_number__in=numbers)}
    old, new = found.get(int(numbers[0])), found.get(int(numbers[1]))
    if not old or not new:
        raise Http404
    return render(
        request,
        "guides/diff.html",
        {
            "guide": guide,
            "old": old,
            "new": new,
            "title_diff": word_diff(old.title, new.title),
            "body_diff": word_diff(old.body, new.body),
        },
    )


@login_required
@require_POST
def guide_revert(request, company_slug, slug, number):
    if not can_publish(request.user):
        raise PermissionDenied
    guide = any_guide(company_slug, slug)
    target = get_object_or_404(guide.revisions, revision_number=number)
    guide.save_revision(
        request.user, target.content(), f"Revert to revision {number}", ip_hash=ip_hash(request), publish=True
    )
    messages.success(request, f"Reverted to revision {number}.")
    return redirect("guides:history", company_slug, slug)


@login_required
@require_GET
def pending(request):
    if not can_publish(request.user):
        raise PermissionDenied
    revisions = (
        GuideRevision.objects.filter(status=GuideRevision.Status.PENDING)
        .select_related("guide__company", "author", "previous_revision")
        .order_by("created", "id")
    )
    corrections = (
        ChannelCorrection.objects.filter(status=ChannelCorrection.Status.PENDING)
        .select_related("company", "channel", "author")
        .order_by("created", "id")
    )
    return render(request, "guides/pending.html", {"revisions": revisions, "corrections": corrections})


@login_required
@require_POST
def review_revision(request, pk):
    if not can_publish(request.user):
        raise PermissionDenied
    revision = get_object_or_404(GuideRevision.objects.select_related("guide__company", "author"), pk=pk)
    if revision.author_id == request.user.pk:
        messages.error(request, "You cannot review your own edit; another trusted editor will.")
        return redirect("guides:pending")
    if revision.status != GuideRevision.Status.PENDING:
        messages.info(request, "Someone already reviewed this edit.")
        return redirect("guides:pending")
    if request.POST.get("decision") == "approve":
        revision.approve(request.user)
        if revision.author:
            promote_if_earned(revision.author)
        messages.success(
            request, f"Published revision {revision.revision_number} of “{revision.guide.title}”."
        )
    else:
        revision.reject(request.user)
        messages.success(request, "Edit rejected.")
    return redirect("guides:pending")


@require_http_methods(["GET", "POST"])
def suggest_correction(request, company_slug):
    """Anyone can propose a correction; trusted editors' corrections apply at once, others wait for review."""
    company = get_object_or_404(Company, slug=company_slug)
    initial = CorrectionForm.initial_from(request.GET)
    form = CorrectionForm(request.POST or None, company=company, initial=initial)
    if request.method == "POST":
        if corrections_too_fast(request):
            form.add_error(None, "You have sent many corrections in the last hour. Please try again later.")
        elif form.is_valid():
            if form.is_spam():
                messages.success(request, "Thank you! We will check your correction.")
                return redirect(company)
            correction = form.save(request.user, ip_hash(request))
            if not can_publish(request.user):
                messages.success(
                    request, "Thank you! A trusted editor will check your correction before it appears."
                )
                return redirect(company)
            correction.apply(request.user)
            messages.success(request, "Correction applied. Thank you!")
            # Opened from the review queue's "Edit": back to the queue.
            return redirect("freshness:review_queue" if correction.flag_id else company)
    return render(
        request,
        "guides/suggest_correction.html",
        {"form": form, "company": company, "flag": form.open_flag()},
    )


@require_GET
def channel_history(request, company_slug, pk):
    channel = get_object_or_404(
        ContactChannel.objects.select_related("company"), pk=pk, company__slug=company_slug
    )
    changes = channel.changes.select_related("author", "reviewer")
    resolutions = channel.flags.exclude(status="open").select_related("resolved_by").order_by("-resolved_at")
    return render(
        request,
        "guides/channel_history.html",
        {"channel": channel, "changes": changes, "resolutions": resolutions},
    )


@login_required
@require_POST
def review_correction(request, pk):
    if not can_publish(request.user):
        raise PermissionDenied
    correction = get_object_or_404(ChannelCorrection, pk=pk)
    if correction.author_id == request.user.pk:
        messages.error(request, "You cannot review your own correction; another trusted editor will.")
    elif request.POST.get("decision") == "approve":
        try:
            applied = correction.apply(request.user)
        except ValidationError as exc:
            messages.error(request, f"This correction no longer fits the channel: {' '.join(exc.messages)}")
        else:
            messages.success(request, "Correction applied." if applied else "Someone already reviewed it.")
    else:
        correction.reject(request.user)
        messages.success(request, "Correction rejected.")
    return redirect("guides:pending")
