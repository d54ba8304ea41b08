from django.conf import settings

from accounts.models import can_publish


def site(request):
    user = getattr(request, "user", None)
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "CAN_PUBLISH": bool(user and can_publish(user)),
    }
