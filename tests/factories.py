"""Small builders for test data: each makes one valid object, overrides as keyword arguments."""

import itertools

from django.utils import timezone

from directory.models import Category, Company, ContactChannel
from guides.models import Guide

_seq = itertools.count(1)


def make_category(**kwargs):
    n = next(_seq)
    kwargs.setdefault("name", f"Category {n}")
    kwargs.setdefault("slug", f"category-{n}")
    return Category.objects.create(**kwargs)


def make_company(**kwargs):
    n = next(_seq)
    kwargs.setdefault("name", f"Company {n}")
    kwargs.setdefault("slug", f"company-{n}")
    kwargs.setdefault("website", f"https://www.company{n}.example/")
    if "category" not in kwargs:
        kwargs["category"] = make_category()
    company = Company(**kwargs)
    company.full_clean()
    company.save()
    return company


def fictional_us_number(n):
    """A number in the US range reserved for fiction: (202) 555-0100 to 555-0199, cycling area codes."""
    areas = ["202", "212", "312", "415", "617", "213", "305", "206", "512", "303"]
    return f"+1{areas[(n // 100) % len(areas)]}5550{100 + n % 100}"


def make_channel(company=None, **kwargs):
    n = next(_seq)
    kwargs.setdefault("kind", ContactChannel.Kind.PHONE)
    if "value" not in kwargs:
        kwargs["value"] = {
            ContactChannel.Kind.PHONE: fictional_us_number(n),
            ContactChannel.Kind.EMAIL: f"help{n}@company.example",
        }.get(kwargs["kind"], f"https://www.company.example/contact/{n}")
    if kwargs["kind"] == ContactChannel.Kind.SOCIAL:
        kwargs.setdefault("social_platform", "x")
        if kwargs["value"].startswith("https://"):
            kwargs["value"] = f"@company{n}"
    kwargs.setdefault("last_verified_at", timezone.now())
    channel = ContactChannel(company=company or make_company(), **kwargs)
    channel.full_clean()
    channel.save()
    return channel


def make_guide(company=None, **kwargs):
    n = next(_seq)
    kwargs.setdefault("kind", Guide.Kind.CANCEL)
    kwargs.setdefault("title", f"How to cancel {n}")
    kwargs.setdefault("slug", f"guide-{n}")
    kwargs.setdefault("body", "Call the cancellations line and **ask for a reference**.")
    return Guide.objects.create(company=company or make_company(), **kwargs)


def make_report(channel, worked=True, visitor=None, day=None, **kwargs):
    from freshness.models import ChannelReport

    n = next(_seq)
    return ChannelReport.objects.create(
        channel=channel,
        worked=worked,
        visitor=visitor or f"visitor-{n}",
        ip_hash=kwargs.pop("ip_hash", f"ip-{n}"),
        day=day or timezone.now().date(),
        **kwargs,
    )


def make_staff(username="admin", **kwargs):
    from django.contrib.auth.models import User

    return User.objects.create_user(username=username, password="pw-for-tests", is_staff=True, **kwargs)


def make_user(username="editor", trusted=False, **kwargs):
    from django.contrib.auth.models import User

    from accounts.models import Profile

    user = User.objects.create_user(
        username=username, password="pw-for-tests", email=f"{username}@example.org", **kwargs
    )
    if trusted:
        Profile.objects.filter(user=user).update(role=Profile.Role.TRUSTED)
        user.refresh_from_db()
    return user


def make_published_guide(company=None, author=None, **kwargs):
    """A guide with revision 1 published, as the editing flow leaves it."""
    guide = make_guide(company, **kwargs)
    content = {field: getattr(guide, field) for field in guide.CONTENT_FIELDS}
    guide.save_revision(author, content, "First version", publish=True)
    guide.refresh_from_db()
    return guide
