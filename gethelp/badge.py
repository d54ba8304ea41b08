"""An embeddable SVG badge: a company's best way to reach a human and when it was last verified."""

from django.utils.html import format_html

# Text is measured at about 6 px a character in 11 px Verdana-like type; the badge errs wide.
CHAR_WIDTH = 6.0
PADDING = 10
LABEL = "Reach a human"
BADGE_CACHE_SECONDS = 3600  # freshness is counted in days


def badge_text(company, best):
    """The right-hand text: the best channel with its menu path and freshness, or why there is none."""
    if best is None:
        return f"{company.name}: no way to reach a human known yet"
    parts = [best.display_value.replace("\n", ", ")]
    if best.ivr_steps:
        parts.append(" → ".join(best.ivr_summary))
    parts.append(best.freshness_label.lower())
    return " · ".join(parts)[:160]


def badge_colour(best):
    """Green when verified within a month, amber within six, grey when older, unknown or failing."""
    days = best.verified_days_ago() if best is not None else None
    if days is None or getattr(best, "failing", ""):
        return "#555b62"
    return "#1d6b36" if days <= 30 else "#8a4b00" if days <= 180 else "#555b62"


def badge_svg(company, best):
    text = badge_text(company, best)
    left = round(len(LABEL) * CHAR_WIDTH) + 2 * PADDING
    right = round(len(text) * CHAR_WIDTH) + 2 * PADDING
    width = left + right
    title = f"{company.name} — {LABEL.lower()}: {text}"
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="20" role="img" aria-label="{}">'
        "<title>{}</title>"
        '<rect width="{}" height="20" rx="3" fill="#0b2f57"/>'
        '<rect x="{}" width="{}" height="20" rx="3" fill="{}"/>'
        '<rect x="{}" width="4" height="20" fill="{}"/>'
        '<g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">'
        '<text x="{}" y="14">{}</text><text x="{}" y="14">{}</text></g></svg>',
        width, title, title, width, left, right, badge_colour(best), left, badge_colour(best),
        PADDING, LABEL, left + PADDING, text,
    )  # fmt: skip
