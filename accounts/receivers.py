"""Accounts listens to Django's auth; connected in AccountsConfig.ready()."""

from django.conf import settings
from django.db.models.signals import post_save

from .models import Profile


def create_profile(sender, instance, created, **kwargs):
    """Every signed-up person is an editor from the start."""
    if created:
        Profile.objects.get_or_create(user=instance)


def connect():
    post_save.connect(create_profile, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts-create-profile")
