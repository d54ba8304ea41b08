from django.db import models
from django.db.models import Count, Prefetch


class CategoryQuerySet(models.QuerySet):
    def with_company_counts(self):
        return self.annotate(company_count=Count("companies"))


class CompanyQuerySet(models.QuerySet):
    def most_viewed(self):
        return self.select_related("category").order_by("-view_count", "name")

    def for_page(self):
        """Everything the company page shows, in a fixed number of queries."""
        from guides.models import Guide

        from .models import ContactChannel

        return self.select_related("category").prefetch_related(
            Prefetch(
                "channels",
                queryset=ContactChannel.objects.active().order_by("human_rank", "id"),
            ),
            Prefetch("guides", queryset=Guide.objects.published().order_by("kind", "title")),
        )

    def with_best_channel(self):
        """Adds the active channels so `best_channel` needs no further query."""
        from .models import ContactChannel

        return self.select_related("category").prefetch_related(
            Prefetch(
                "channels",
                queryset=ContactChannel.objects.active().order_by("human_rank", "id"),
            )
        )


class ContactChannelQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status="active")
