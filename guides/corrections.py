"""Plain-text forms of opening hours and menu steps, for people correcting a channel.

hours:  "Mon-Fri 08:00-20:00; Sat 09:00-17:00"
steps:  "press 2, say agent, wait"
"""

import re

from django.core.exceptions import ValidationError

from directory.models import WEEKDAYS

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
