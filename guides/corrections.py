"""Channel fields in words, for people correcting a channel and for reviewers.

What people type, read back into the stored form:
hours:  "Mon-Fri 08:00-20:00; Sat 09:00-17:00"
steps:  "press 2, say agent, wait"
and what reviewers and the channel history show: describe(), describe_changes().
"""

import re

from django.core.exceptions import ValidationError

from directory.models import (
    WEEKDAYS,
    ChannelKind,
    ChannelStatus,
    Department,
    SocialPlatform,
    describe_ivr_step,
    format_phone,
)

DAY_NAMES = {day: i for i, day in enumerate(WEEKDAYS)}
HOURS_PART = re.compile(
    r"^\s*([a-z]{3})(?:\s*-\s*([a-z]{3}))?\s+(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*$", re.I
)


def parse_hours(text):
    periods = []
    for part in filter(str.strip, re.split(r"[;\n]", text or "")):
        match = HOURS_PART.match(part)
        if not match:
            raise ValidationError(f"Could not read “{part.strip()}”; write it like “Mon-Fri 08:00-20:00”.")
        first, last, opens, closes = match.groups()
        first, last = first.lower(), (last or first).lower()
        if first not in DAY_NAMES or last not in DAY_NAMES:
            raise ValidationError(f"Use day names Mon, Tue, Wed, Thu, Fri, Sat, Sun in “{part.strip()}”.")
        for day in WEEKDAYS[DAY_NAMES[first] : DAY_NAMES[last] + 1]:
            periods.append({"day": day, "opens": opens.zfill(5), "closes": closes.zfill(5)})
    return periods


def format_hours(periods):
    return "; ".join(f"{p['day'].title()} {p['opens']}-{p['closes']}" for p in periods or [])


def parse_steps(text):
    steps = []
    for part in filter(str.strip, re.split(r"[,\n]", text or "")):
        words = part.strip().split(None, 1)
        action = words[0].lower()
        value = words[1].strip(" '\"“”") if len(words) > 1 else ""
        if action not in ("press", "say", "wait"):
            raise ValidationError(f"Start each step with press, say or wait: “{part.strip()}”.")
        steps.append({"action": action, "value": value} if value else {"action": action})
    return steps


def format_steps(steps):
    """The plain-text form of menu steps, as parse_steps reads it back: "press 2, say agent"."""
    return ", ".join(
        f"{step['action']} {step['value']}" if step.get("value") else step["action"] for step in steps
    )


FIELD_LABELS = {
    "kind": "Kind",
    "value": "Number or address",
    "social_platform": "Platform",
    "department": "Department",
    "hours": "Opening hours",
    "time_zone": "Time zone",
    "ivr_steps": "Menu",
    "typical_wait_minutes": "Typical wait",
    "notes": "Notes",
    "label": "Label",
    "status": "Status",
}
CHOICES = {
    "kind": ChannelKind,
    "department": Department,
    "social_platform": SocialPlatform,
    "status": ChannelStatus,
}


def describe(field, value):
    """A channel field's value as lines a person reads: "Press 2 → Press 0", "Mon–Fri 08:00–20:00"."""
    if value in (None, "", []):
        return ["—"]
    if field == "hours":
        return weekly_hours(value)
    if field == "ivr_steps":
        return [" → ".join(describe_ivr_step(step) for step in value)]
    if field == "typical_wait_minutes":
        return [f"{value} min"]
    if field == "value" and str(value).startswith("+"):
        return [format_phone(value)]
    if field in CHOICES and value in CHOICES[field].values:
        return [str(CHOICES[field](value).label)]
    return [str(value)]


def weekly_hours(periods):
    """One line per run of days with the same opening times: ["Mon–Fri 08:00–20:00", "Sat 09:00–13:00"]."""
    by_day = {
        day: ", ".join(f"{p['opens']}–{p['closes']}" for p in periods if p["day"] == day) for day in WEEKDAYS
    }
    lines, run = [], []
    for day in [*WEEKDAYS, None]:
        if run and (day is None or by_day[day] != by_day[run[0]]):
            if by_day[run[0]]:
                days = run[0].title() if len(run) == 1 else f"{run[0].title()}–{run[-1].title()}"
                lines.append(f"{days} {by_day[run[0]]}")
            run = []
        if day is not None:
            run.append(day)
    return lines or ["—"]


def describe_changes(pairs):
    """[(label, lines before, lines after)] for {field: (before, after)}, in the channel's field order."""
    order = list(FIELD_LABELS)
    return [
        (FIELD_LABELS.get(field, field), describe(field, before), describe(field, after))
        for field, (before, after) in sorted(
            pairs.items(), key=lambda item: order.index(item[0]) if item[0] in order else 99
        )
    ]
