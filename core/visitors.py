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
    return _salted_hash(client_address(request))


def network_hash(request):
    """A salted hash of the visitor's network: the /24 of an IPv4 address, the /48 of an IPv6 one.

    One household, office or attacker's subnet gets one network; addresses that do not
    parse get their own.
    """
    address = client_address(request)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return _salted_hash(f"unknown:{address}")
    prefix = 24 if ip.version == 4 else 48
    return _salted_hash(str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False)))


def _salted_hash(text):
    return hashlib.sha256(f"{settings.SECRET_KEY}:{text}".encode()).hexdigest()
