import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def highlight(text, terms):
    """Escapes `text`, then wraps the words that start with a search term in <mark>."""
    escaped = escape(text)
    words = [re.escape(escape(t)) for t in terms or [] if t]
    if not words:
        return mark_safe(escaped)
    pattern = re.compile(r"\b(" + "|".join(sorted(words, key=len, reverse=True)) + r")", re.IGNORECASE)
    return mark_safe(pattern.sub(r"<mark>\1</mark>", escaped))
