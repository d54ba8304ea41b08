from django.conf import settings
from django.db import connection, models
from django.db.models import Q

from core.models import TimeStamped


class Profile(TimeStamped):
    """An editor's role. Every signed-up person is an editor; trusted editors publish directly."""

    class Role(models.TextChoices):
        EDITOR = "editor", "Editor"
        TRUSTED = "trusted", "Trusted editor"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.EDITOR)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(role__in=["editor", "trusted"]), name="profile_role_valid")
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()})"


def can_publish(user):
    """Admins (staff) and trusted editors publish without review."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    profile = getattr(user, "profile", None)
    return profile is not None and profile.role == Profile.Role.TRUSTED


class RateCounter(models.Model):
    """Hits per key and time window, for rate limits that hold across processes without Redis."""

    bucket = models.CharField(max_length=200)
    window_start = models.BigIntegerField(help_text="Start of the window, in seconds since the epoch.")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bucket", "window_start"], name="ratecounter_one_per_window")
        ]

    def __str__(self):
        return f"{self.bucket}@{self.window_start}: {self.count}"

    @classmethod
    def hit(cls, key, window):
        """Adds one hit and returns the new count, in one atomic upsert."""
        table = connection.ops.quote_name(cls._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (bucket, window_start, count) VALUES (%s, %s, 1) "
                f"ON CONFLICT (bucket, window_start) DO UPDATE SET count = {table}.count + 1 RETURNING count",
                [key, window],
            )
            return cursor.fetchone()[0]
