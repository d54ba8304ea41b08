from django.conf import settings
from django.core import signing
from django.db import models

from directory.models import Company

UNSUBSCRIBE_SALT = "watching.unsubscribe"


class Watch(models.Model):
    """A signed-in reader who gets an e-mail, at most once a day, when a company's published
    contact details or guides change."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watches")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="watches")
    created = models.DateTimeField(auto_now_add=True)
    notified_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Changes up to this moment have been e-mailed (or predate the watch).",
    )

    class Meta:
        ordering = ["company__name"]
        constraints = [models.UniqueConstraint(fields=["user", "company"], name="watch_once_per_company")]

    def __str__(self):
        return f"{self.user} watches {self.company}"

    def unsubscribe_token(self):
        return unsubscribe_token(self.user_id, self.company_id)


def unsubscribe_token(user_id, company_id=None):
    """Signed, so an e-mail's link stops a watch (or, without a company, every watch of the
    reader) with no login, and cannot stop anyone else's."""
    return signing.dumps([user_id, company_id], salt=UNSUBSCRIBE_SALT, compress=True)


def watches_for_token(token):
    """(the watches a token names, the company or None for all) or None for a bad token."""
    try:
        user_id, company_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(user_id, int) or not (company_id is None or isinstance(company_id, int)):
        return None
    watches = Watch.objects.filter(user_id=user_id)
    if company_id is not None:
        watches = watches.filter(company_id=company_id)
    return watches, Company.objects.filter(pk=company_id).first() if company_id else None
