from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
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
from .merge import MINE_MARK, THEIRS_MARK
from .models import ChannelCorrection, EditConflict, Guide, GuideRevision, promote_if_earned
from .rendering import render_markdown


def visible_guide(request, company_slug, slug):
    """The guide, or a 404 unless it is published or the visitor wrote or may review it."""
    guide = get_object_or_404(
        Guide.objects.select_related("company", "current_revision__author"),
        company__slug=company_slug,
        slug=slug,
    )
    if not guide.is_visible_to(request.user):
        raise Http404
    return guide


def revision_number(value):
    """A revision number from a query string, or None."""
    value = str(value or "")
    return int(value) if value.isdecimal() and len(value) < 10 else None


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
    guide = visible_guide(request, company_slug, slug)
    shown = guide if guide.is_published else guide.preview_for(request.user)
    return render(
        request,
        "guides/guide_detail.html",
        {
            "guide": guide,
            "shown": shown,
            "company": guide.company,
            "body_html": render_markdown(shown.body),
            "flagged": guide.flags.filter(status="open").exists(),
            "channels": guide.channels.filter(status="active").order_by("human_rank", "id"),
            "own_pending": guide.pending_revisions().filter(author=request.user.pk).exists(),
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
    guide = visible_guide(request, company_slug, slug)
    start = guide.starting_revision(request.user, revision_number(request.GET.get("continue")))
    form = GuideEditForm.for_revision(guide, start, request.POST or None)
    if request.method == "POST" and form.is_valid() and not edits_too_fast(request):
        try:
            revision = guide.save_revision(
                request.user, form.content(), form.cleaned_data["summary"],
                base_revision_number=form.cleaned_data["base_revision"], ip_hash=ip_hash(request),
                publish=can_publish(request.user),
            )  # fmt: skip
        except EditConflict as conflict:
            return render_conflict(request, guide, form.cleaned_data, conflict)
        merged_by_hand(request, revision, form.cleaned_data["resolves"])
        return after_save(request, guide, revision)
    pending = guide.pending_revisions().exclude(pk=getattr(start, "pk", None))
    context = {"form": form, "guide": guide, "company": guide.company, "start": start}
    context["own_pending"] = pending.filter(author=request.user).order_by("-revision_number").first()
    context["others_pending"] = pending.exclude(author=request.user)
    return render(request, "guides/guide_form.html", context)


RESOLVES_SALT = "guides.merged-by-hand"


def merged_by_hand(request, revision, resolves):
    """A reviewer saved the merge of a pending edit that overlapped: that edit is approved into it.

    `resolves` is signed for this reviewer and that edit by the conflict page, so
    no other save can mark an edit as merged.
    """
    try:
        pk, reviewer = (
            signing.TimestampSigner(salt=RESOLVES_SALT).unsign(resolves or "", max_age=86400).split(":")
        )
    except (signing.BadSignature, ValueError):
        return
    pending = GuideRevision.objects.filter(pk=pk, guide=revision.guide_id).first()
    if pending and reviewer == str(request.user.pk) and revision.status == GuideRevision.Status.APPROVED:
        pending.mark_merged(request.user, revision)


def render_conflict(request, guide, typed, conflict, resolves=None):
    """The merged draft (overlaps marked) in a form based on the published revision, and both versions."""
    published, draft = conflict.latest, conflict.merge.content if conflict.merge else typed
    initial = {**typed, **draft, "channels": draft.get("channel_ids", typed.get("channels"))}
    if resolves is not None:
        resolves = signing.TimestampSigner(salt=RESOLVES_SALT).sign(f"{resolves}:{request.user.pk}")
    initial.update(base_revision=published.revision_number if published else None, resolves=resolves)
    return render(
        request,
        "guides/conflict.html",
        {
            "form": GuideEditForm(company=guide.company, initial=initial),
            "guide": guide,
            "latest": published,
            "for_reviewer": resolves is not None,
            "mine_mark": MINE_MARK,
            "theirs_mark": THEIRS_MARK,
            "title_diff": word_diff(published.title if published else "", typed["title"]),
            "body_diff": word_diff(published.body if published else "", typed["body"]),
        },
        status=409,
    )


@require_GET
def guide_history(request, company_slug, slug):
    guide = visible_guide(request, company_slug, slug)
    revisions = guide.revisions.visible_to(request.user).select_related("author", "reviewed_by")
    revisions = revisions.order_by("-revision_number")
    return render(
        request,
        "guides/history.html",
        {"guide": guide, "revisions": revisions, "can_publish": can_publish(request.user)},
    )


@require_GET
def guide_diff(request, company_slug, slug):
    guide = visible_guide(request, company_slug, slug)
    numbers = [revision_number(request.GET.get("from")), revision_number(request.GET.get("to"))]
    visible = guide.revisions.visible_to(request.user)
    found = {r.revision_number: r for r in visible.filter(revision_number__in=numbers)}
    old, new = found.get(numbers[0]), found.get(numbers[1])
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
    guide = visible_guide(request, company_slug, slug)
    # Only text that was once published can be published again this way.
    target = get_object_or_404(guide.revisions, revision_number=number, was_published=True)
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
        .select_related("guide__company", "guide__current_revision", "author", "previous_revision")
        .prefetch_related("guide__company__channels")
        .order_by("created", "id")
    )
    corrections = (
        ChannelCorrection.objects.filter(status=ChannelCorrection.Status.PENDING)
        .select_related("company", "channel", "author")
        .prefetch_related("company__channels")
        .order_by("created", "id")
    )
    for correction in corrections:
        correction.unfamiliar = correction.company.unfamiliar_contacts(correction.proposed_text())
    return render(
        request,
        "guides/pending.html",
        {"revisions": [review_preview(r) for r in revisions], "corrections": corrections},
    )


def review_preview(revision):
    """The revision with what a reviewer needs: its rendered text and its word diff from the published one."""
    published = revision.guide.current_revision
    revision.preview_html = render_markdown(revision.body)
    company = revision.guide.company
    already = set(company.unfamiliar_contacts(published.body)) if published else set()
    revision.unfamiliar = [c for c in company.unfamiliar_contacts(revision.body) if c not in already]
    revision.title_diff = word_diff(published.title if published else "", revision.title)
    revision.body_diff = word_diff(published.body if published else "", revision.body)
    return revision


def review_note(request):
    """The reviewer's note for the author, as typed (bounded, without NUL bytes)."""
    return request.POST.get("note", "").replace("\x00", "").strip()[:500]


APPROVED_MESSAGES = {
    "published": "Published revision {n} of “{title}”.",
    "merged": "Revision {n} of “{title}” merged with the published text and published.",
    "included": "Revision {n} of “{title}” was already part of the published text; nothing changed.",
    None: "Someone already reviewed this edit.",
}


@login_required
@require_POST
def review_revision(request, pk):
    if not can_publish(request.user):
        raise PermissionDenied
    revision = get_object_or_404(GuideRevision.objects.select_related("guide__company", "author"), pk=pk)
    if revision.author_id == request.user.pk:
        messages.error(request, "You cannot review your own edit; another trusted editor will.")
    elif request.POST.get("decision") != "approve":
        rejected = revision.reject(request.user, review_note(request))
        messages.success(request, "Edit rejected." if rejected else APPROVED_MESSAGES[None])
    else:
        try:
            outcome = revision.approve(request.user)
        except EditConflict as conflict:
            typed = {**revision.content(), "summary": f"Merge of revision {revision.revision_number}"}
            return render_conflict(request, revision.guide, typed, conflict, resolves=revision.pk)
        if outcome and revision.author:
            promote_if_earned(revision.author)
        text = APPROVED_MESSAGES[outcome].format(n=revision.revision_number, title=revision.guide.title)
        messages.success(request, text)
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
            return apply_now(request, correction)
    return render(
        request,
        "guides/suggest_correction.html",
        {"form": form, "company": company, "flag": form.open_flag(), "current": form.current_values()},
    )


def apply_now(request, correction):
    """A trusted editor's correction is applied at once; if it no longer fits, it waits for review."""
    try:
        correction.apply(request.user)
    except ValidationError as exc:
        messages.error(
            request, f"Saved for review: it does not fit the channel now ({' '.join(exc.messages)})."
        )
        return redirect(correction.company)
    messages.success(request, "Correction applied. Thank you!")
    # Opened from the review queue's "Edit": back to the queue.
    return redirect("freshness:review_queue" if correction.flag_id else correction.company)


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
        rejected = correction.reject(request.user, review_note(request))
        messages.success(request, "Correction rejected." if rejected else "Someone already reviewed it.")
    return redirect("guides:pending")
