import hashlib
import ipaddress

from django.conf import settings


def client_address(request):
    """The visitor's address. Behind proxies listed in TRUSTED_PROXIES, the last address in
    X-Forwarded-For that none of them added; anything else in that header could be forged."""
    address = request.META.get("REMOTE_ADDR", "")
    if address not in settings.TRUSTED_PROXIES:
        return address
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if hop not in settings.TRUSTED_PROXIES:
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return address  # not an address: the header was made up
    return address


def ip_hash(request):
    """A salted hash of the visitor's address: enough to count, not to identify."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{client_address(request)}".encode()).hexdigest()
