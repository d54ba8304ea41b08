"""The daily e-mail to readers who watch companies: what was published since the last one."""

import logging
from datetime import timedelta
from itertools import groupby

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from guides.published import published_events

from .models import Watch, unsubscribe_token

log = logging.getLogger(__name__)

# The job runs daily; a second run the same day (a retry, a duplicate beat) sends nothing.
MIN_HOURS_BETWEEN = 20


def send_digests(now=None):
    """Sends each reader one e-mail with the published changes of every company they watch since
    their last one; returns how many were sent. A reader's watches are marked in the same
    transaction as their e-mail is sent, so a failed send is tried again on the next run."""
    now = now or timezone.now()
    watches = list(
        Watch.objects.filter(user__is_active=True)
        .exclude(user__email="")
        .select_related("user", "company")
        .order_by("user_id", "company__name")
    )
    events = changes_by_company(watches, now)
    sent = 0
    for user, group in groupby(watches, key=lambda watch: watch.user):
        with transaction.atomic():
            sent += send_one(user, list(group), events, now)
    return sent


def changes_by_company(watches, now):
    """{company id: its published changes, oldest first} since the earliest watch's last e-mail,
    read once for the whole run (three queries, not three a reader)."""
    if not watches:
        return {}
    since = min(w.notified_until or w.created for w in watches)
    events = published_events(company_ids=sorted({w.company_id for w in watches}), since=since, until=now)
    by_company = {}
    for event in reversed(events):
        by_company.setdefault(event.company.pk, []).append(event)
    return by_company


def send_one(user, watches, events, now):
    if any(w.notified_until and w.notified_until > now - timedelta(hours=MIN_HOURS_BETWEEN) for w in watches):
        return 0
    sections = []
    for watch in watches:
        since = watch.notified_until or watch.created
        mine = [e for e in events.get(watch.company_id, ()) if e.at > since]
        if mine:
            sections.append((watch, mine))
    Watch.objects.filter(pk__in=[w.pk for w in watches]).update(notified_until=now)
    if not sections:
        return 0
    message = digest_message(user, sections)
    message.send()
    changes = sum(len(mine) for _, mine in sections)
    log.info("watch digest: %s changes at %s companies to user %s", changes, len(sections), user.pk)
    return 1


def digest_message(user, sections):
    site = settings.SITE_URL
    stop_all = site + reverse("watching:stop", args=[unsubscribe_token(user.pk)])
    names = [watch.company.name for watch, _ in sections]
    subject = f"Changes at {names[0]}" if len(names) == 1 else f"Changes at {len(names)} companies you watch"
    body = render_to_string(
        "watching/digest.txt",
        {
            "user": user,
            "sections": [
                (watch, events, site + reverse("watching:stop", args=[watch.unsubscribe_token()]))
                for watch, events in sections
            ],
            "site": site,
            "stop_all": stop_all,
            "profile": site + reverse("accounts:profile", args=[user.username]),
        },
    )
    return EmailMessage(
        f"{settings.SITE_NAME}: {subject}",
        body,
        to=[user.email],
        headers={"List-Unsubscribe": f"<{stop_all}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
