from django.db import models

from accounts.models import can_publish

from .signals import guides_changed


class RevisionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Revisions a person may read: published ones, their own, and all of them for reviewers."""
        if can_publish(user):
            return self
        own = models.Q(author=user.pk) if user.is_authenticated else models.Q(pk__in=[])
        return self.filter(models.Q(was_published=True) | own)


class GuideQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def reverify(self, now):
        """Marks these guides as verified at `now`; sends guides_changed."""
        return self._changed(last_verified_at=now, modified=now)

    def unpublish(self, now):
        """Takes these guides off the site; sends guides_changed."""
        return self._changed(is_published=False, modified=now)

    def _changed(self, **values):
        company_ids = set(self.values_list("company_id", flat=True))
        count = self.update(**values)
        if company_ids:
            guides_changed.send(sender=self.model, company_ids=company_ids)
        return count
