from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .models import Guide
from .rendering import render_markdown


@require_GET
def guide_detail(request, company_slug, slug):
    guide = get_object_or_404(
        Guide.objects.published().select_related("company"),
        company__slug=company_slug,
        slug=slug,
    )
    return render(
        request,
        "guides/guide_detail.html",
        {
            "guide": guide,
            "company": guide.company,
            "body_html": render_markdown(guide.body),
            "flagged": guide.flags.filter(status="open").exists(),
        },
    )
