import hashlib

from django.conf import settings


def ip_hash(request):
    """A salted hash of the visitor's address: enough to count, not to identify."""
    address = request.META.get("REMOTE_ADDR", "")
    return hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()
