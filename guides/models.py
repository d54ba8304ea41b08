from django.db import models
from django.db.models import Q
from django.urls import reverse

from directory.models import Company, ContactChannel, TimeStamped

from .querysets import GuideQuerySet


class GuideKind(models.TextChoices):
    REACH_HUMAN = "reach_human", "Reach a human"
    CANCEL = "cancel", "Cancel"
    DISPUTE_CHARGE = "dispute_charge", "Dispute a charge"
    COMPLAIN = "complain", "Complain"
    CLOSE_ACCOUNT = "close_account", "Close an account"
    OTHER = "other", "Other"


class Difficulty(models.TextChoices):
    EASY = "easy", "Easy"
    MEDIUM = "medium", "Medium"
    HARD = "hard", "Hard"
    IMPOSSIBLE = "impossible", "Impossible"


class Guide(TimeStamped):
    Kind = GuideKind
    Difficulty = Difficulty

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="guides")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    slug = models.SlugField(max_length=200)
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown.")
    difficulty = models.CharField(max_length=12, choices=Difficulty.choices, default=Difficulty.MEDIUM)
    estimated_minutes = models.PositiveIntegerField(null=True, blank=True)
    channels = models.ManyToManyField(ContactChannel, blank=True, related_name="guides")
    is_published = models.BooleanField(default=True)
    last_verified_at = models.DateTimeField(null=True, blank=True)

    objects = GuideQuerySet.as_manager()

    class Meta:
        ordering = ["company", "kind", "title"]
        constraints = [
            models.UniqueConstraint(fields=["company", "slug"], name="guide_unique_slug_per_company"),
            models.CheckConstraint(condition=Q(kind__in=GuideKind.values), name="guide_kind_valid"),
            models.CheckConstraint(
                condition=Q(difficulty__in=Difficulty.values),
                name="guide_difficulty_valid",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("guides:detail", args=[self.company.slug, self.slug])
