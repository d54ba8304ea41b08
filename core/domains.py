"""Registrable domains: the one key a company is known by across datasets, links and pasted URLs."""

from functools import cache
from urllib.parse import urlsplit

from publicsuffixlist import PublicSuffixList


@cache
def _suffixes():
    return PublicSuffixList()  # the list shipped with the package: no network


def _host(text):
    """The host named by a URL, a bare domain or an e-mail address, lower case; "" when none parses."""
    text = (text or "").strip().lower()
    if "@" in text and "/" not in text.split("@", 1)[1]:
        text = text.split("@", 1)[1]
    try:
        return (urlsplit(text if "://" in text else "//" + text).hostname or "").rstrip(".")
    except ValueError:
        return ""


def registrable_domain(text):
    """ "example.co.uk" from "https://www.help.example.co.uk/contact", "Example.co.uk" or
    "mailto:privacy@example.co.uk"; "" when there is none (an IP address, a bare suffix)."""
    host = _host(text)
    if not host or host.replace(".", "").isdigit() or ":" in host:
        return ""
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return ""
    return _suffixes().privatesuffix(host) or ""


def web_host(text):
    """ "help.example.co.uk" from "https://www.help.example.co.uk/contact": the host without "www."."""
    return _host(text).removeprefix("www.")
