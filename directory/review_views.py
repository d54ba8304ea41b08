"""The admins' review queue of flagged entries."""

from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from .models import Category, ContactChannel, Flag
from .models.freshness import RESOLUTIONS

FLAGS_PER_PAGE = 50


def staff_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        if not request.user.is_staff:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@require_GET
@staff_required
def review_queue(request):
    reason = request.GET.get("reason", "")
    category = request.GET.get("category", "")
    flag_ids = Flag.objects.for_queue(reason, category).values_list("pk", flat=True)
    page = Paginator(flag_ids, FLAGS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = Flag.objects.queue_rows(list(page.object_list))
    counts = dict(
        Flag.objects.open().values_list("reason").annotate(n=Count("id")).values_list("reason", "n")
    )
    return render(
        request,
        "directory/review/queue.html",
        {
            "page": page,
            "reason": reason,
            "category": category,
            "reasons": [(value, label, counts.get(value, 0)) for value, label in Flag.Reason.choices],
            "categories": Category.objects.order_by("name"),
            "total_open": sum(counts.values()),
            "filters": urlencode({k: v for k, v in (("reason", reason), ("category", category)) if v}),
        },
    )


@require_POST
@staff_required
def review_resolve(request):
    """Resolves one flag (a row's button, value "status:id") or the ticked ones (bulk)."""
    one = request.POST.get("one", "")
    if one:
        status, _, flag_id = one.partition(":")
        ids = [flag_id]
        note = request.POST.get(f"note-{flag_id}", "")
    else:
        status = request.POST.get("action", "")
        ids = request.POST.getlist("ids")
        note = request.POST.get("bulk_note", "")
    ids = [int(i) for i in ids if str(i).isdigit()]
    back = reverse("directory:review_queue") + (
        "?" + request.POST["filters"] if request.POST.get("filters") else ""
    )
    if status not in RESOLUTIONS or not ids:
        messages.error(request, "Choose an action and at least one flag.")
        return redirect(back)
    if status == Flag.Status.DISMISSED and not note.strip():
        messages.error(request, "Say why you dismiss it: the note is kept with the flag.")
        return redirect(back)
    resolved = Flag.objects.filter(pk__in=ids).resolve(status, request.user, note.strip()[:2000])
    if resolved:
        messages.success(
            request,
            f"{len(resolved)} flag{'s' if len(resolved) != 1 else ''} marked “{Flag.Status(status).label}”.",
        )
    already = sorted(set(ids) - set(resolved))
    if already:
        done = Flag.objects.filter(pk__in=already).select_related("resolved_by")
        who = ", ".join(
            f"#{f.pk} ({f.get_status_display().lower()} by {f.resolved_by or 'someone'})" for f in done
        )
        messages.info(request, f"Already resolved a moment ago, nothing done: {who}.")
    return redirect(back)


@require_GET
@staff_required
def review_channel(request, pk):
    channel = get_object_or_404(ContactChannel.objects.select_related("company"), pk=pk)
    return render(
        request,
        "directory/review/channel.html",
        {
            "channel": channel,
            "flags": channel.flags.select_related("resolved_by").order_by("-created"),
            "checks": channel.link_checks.order_by("-checked_at")[:10],
        },
    )
