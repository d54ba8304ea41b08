from django.db import models
from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from .signals import channels_changed


class CategoryQuerySet(models.QuerySet):
    def with_company_counts(self):
        return self.annotate(company_count=Count("companies"))


class CompanyQuerySet(models.QuerySet):
    def most_viewed(self):
        return self.select_related("category").order_by("-view_count", "name")

    def with_best_channel(self):
        """Adds the active channels, best first, so `best_channel` needs no further query."""
        from .models import ContactChannel

        return self.select_related("category").prefetch_related(
            Prefetch("channels", queryset=ContactChannel.objects.active().order_by("human_rank", "id"))
        )

    def serving(self, country):
        """Companies that say they serve `country` (a checked two-letter code) or have a channel for it."""
        from .models import ContactChannel

        for_country = ContactChannel.objects.active().filter(company=OuterRef("pk"), country=country)
        # The JSON list as text holds '"GB"': one query that SQLite and PostgreSQL both answer.
        return self.filter(Q(countries__icontains=f'"{country}"') | Exists(for_country))


class ContactChannelQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status="active")

    def reverify(self, now, by=None):
        """Marks these channels as verified at `now` by `by`; sends channels_changed."""
        # Not `modified`: a verification changes nothing a guide using the channel says.
        return self._changed(last_verified_at=now, last_verified_by=by)

    def retire(self, now):
        """Retires these channels (a retired channel is never primary); sends channels_changed."""
        return self._changed(status="retired", is_primary=False, modified=now)

    def restore(self, now):
        """Brings retired channels back (not as primary: another may have taken that place)."""
        return self.filter(status="retired")._changed(status="active", modified=now)

    def _changed(self, **values):
        company_ids = set(self.values_list("company_id", flat=True))
        count = self.update(**values)
        if company_ids:
            channels_changed.send(sender=self.model, company_ids=company_ids)
        return count
