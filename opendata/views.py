from django.db.models import Count, Max
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .models import ImportRun, Provenance
from .sources import SOURCES


@require_GET
def about_data(request):
    """Every open dataset we import, its licence, the attribution it asks for, and what we took from it."""
    facts = dict(
        Provenance.objects.filter(vanished_at=None)
        .values("source")
        .annotate(n=Count("id"))
        .values_list("source", "n")
    )
    runs = dict(
        ImportRun.objects.exclude(finished=None)
        .values("source")
        .annotate(at=Max("retrieved"))
        .values_list("source", "at")
    )
    sources = [(source, facts.get(key, 0), runs.get(key)) for key, source in SOURCES.items()]
    return render(request, "opendata/about_data.html", {"sources": sources})
