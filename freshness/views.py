"""Consumers' "did this work?" reports and the admins' review queue of flagged entries."""

from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from directory.models import Category, ContactChannel

from . import feedback
from .forms import QueueFilterForm, ReportForm, ResolutionForm
from .models import Flag, restore_channel

FLAGS_PER_PAGE = 50


@require_http_methods(["GET", "POST"])
def report_channel(request, pk):
    """Records "did this work?" for a channel; on bad input shows the form again with what was sent."""
    channel = get_object_or_404(ContactChannel.objects.active().select_related("company"), pk=pk)
    form = ReportForm(request.POST or None, initial={"worked": request.GET.get("worked", "no")})
    visitor = feedback.visitor_id(request)
    if request.method == "POST" and form.is_valid():
        level, text = form.save(request, channel, visitor)
        ask_more = level == messages.SUCCESS and form.cleaned_data["worked"] != "more"
        if "application/json" in request.headers.get("Accept", ""):  # the page answers in place (report.js)
            response = JsonResponse({"message": text, "ok": level != messages.ERROR, "ask_more": ask_more})
        else:  # the company page shows the answer in the channel (gethelp.views.answers_in_place)
            tags = f"channel-{channel.pk}" + (" ask-more" if ask_more else "")
            messages.add_message(request, level, text, extra_tags=tags)
            response = redirect(f"{channel.company.get_absolute_url()}#channel-{channel.pk}")
        feedback.remember_visitor(response, visitor)
        return response
    if form.errors and "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"message": form.first_error(), "ok": False}, status=400)
    return render(
        request,
        "freshness/report_channel.html",
        {"form": form, "channel": channel},
        status=400 if form.errors else 200,
    )


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
    reason, category = QueueFilterForm(request.GET).filters()
    flag_ids = Flag.objects.for_queue(reason, category).values_list("pk", flat=True)
    page = Paginator(flag_ids, FLAGS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = Flag.objects.queue_rows(list(page.object_list))
    counts = dict(
        Flag.objects.open().values_list("reason").annotate(n=Count("id")).values_list("reason", "n")
    )
    return render(
        request,
        "freshness/review/queue.html",
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
    form = ResolutionForm(request.POST)
    filters = request.POST.get("filters")
    back = reverse("freshness:review_queue") + ("?" + filters if filters else "")
    if not form.is_valid():
        messages.error(request, form.non_field_errors()[0])
        return redirect(back)
    ids, status = form.cleaned_data["ids"], form.cleaned_data["status"]
    if status == Flag.Status.RETIRED and not request.POST.get("confirmed"):
        return confirm_retirement(request, form, back)
    resolved = Flag.objects.filter(pk__in=ids).resolve(status, request.user, form.cleaned_data["note"])
    if resolved:
        plural = "s" if len(resolved) != 1 else ""
        messages.success(request, f"{len(resolved)} flag{plural} marked “{Flag.Status(status).label}”.")
    already = set(ids) - set(resolved)
    if already:
        who = Flag.objects.filter(pk__in=already).describe_resolutions()
        messages.info(request, f"Already resolved a moment ago, nothing done: {who}.")
    return redirect(back)


def confirm_retirement(request, form, back):
    """Retiring hides a channel from readers: say what will go, and ask once more."""
    flags = Flag.objects.filter(pk__in=form.cleaned_data["ids"]).select_related(
        "channel__company", "guide__company"
    )
    hidden = [
        (key, value)
        for key, values in request.POST.lists()
        if key != "csrfmiddlewaretoken"
        for value in values
    ]
    return render(
        request, "freshness/review/confirm_retire.html", {"flags": flags, "hidden": hidden, "back": back}
    )


@require_POST
@staff_required
def review_restore(request, pk):
    """Undoes a retirement: the channel shows again (not as primary), and its history says who restored it."""
    channel = get_object_or_404(ContactChannel.objects.select_related("company"), pk=pk)
    if restore_channel(channel, request.user):
        messages.success(request, "The channel is back on the company page.")
    else:
        messages.info(request, "This channel is not retired.")
    return redirect("guides:channel_history", channel.company.slug, channel.pk)


@require_GET
@staff_required
def review_channel(request, pk):
    channel = get_object_or_404(ContactChannel.objects.select_related("company"), pk=pk)
    return render(
        request,
        "freshness/review/channel.html",
        {
            "channel": channel,
            "flags": channel.flags.select_related("resolved_by").order_by("-created"),
            "checks": channel.link_checks.order_by("-checked_at")[:10],
        },
    )
