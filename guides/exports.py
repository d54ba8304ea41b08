"""Published guides in the directory's export and the nightly dump (directory.exports)."""

from guides.models import Guide
from guides.rendering import render_markdown


def export_guides(companies):
    """({company pk: [its published guides]}, {}) in one query; never a pending or rejected text."""
    guides = Guide.objects.published().filter(company__in=companies).order_by("company_id", "kind", "slug")
    by_company = {}
    for guide in guides:
        by_company.setdefault(guide.company_id, []).append(
            {
                "slug": guide.slug,
                "kind": guide.kind,
                "title": guide.title,
                "difficulty": guide.difficulty,
                "estimated_minutes": guide.estimated_minutes,
                "markdown": guide.body,
                "html": render_markdown(guide.body),
                "last_verified_at": guide.last_verified_at.isoformat() if guide.last_verified_at else None,
                "modified": guide.modified.isoformat(),
            }
        )
    return by_company, {}
