"""The visitor's country: chosen once and kept in a cookie, else read from the browser's language."""

from functools import cache

import pycountry
from django.utils.translation.trans_real import parse_accept_lang_header

COUNTRY_COOKIE = "gh_country"
ANYWHERE = "any"  # the cookie's value when the visitor chose no country


@cache
def country_names():
    """{two-letter code: common name}, in the order of the names."""
    names = {c.alpha_2: getattr(c, "common_name", c.name) for c in pycountry.countries}
    return dict(sorted(names.items(), key=lambda item: item[1]))


def country_name(code):
    return country_names().get(code, code)


def known_country(value):
    """The two-letter code in `value` if it names a country, else ""."""
    code = (value or "").strip().upper()
    return code if len(code) == 2 and code in country_names() else ""


def visitor_country(request):
    """The visitor's country code, or "" for none: what they chose, else the region of the
    language their browser asks for first ("en-GB" is GB; a bare "en" says nothing)."""
    chosen = request.COOKIES.get(COUNTRY_COOKIE)
    if chosen is not None:
        return known_country(chosen)
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")[:500]
    languages = parse_accept_lang_header(header) if header else ()
    if not languages:
        return ""
    subtags = languages[0][0].split("-")[1:]  # "zh-hant-tw": script, then region
    return next((known_country(tag) for tag in subtags if len(tag) == 2 and known_country(tag)), "")
