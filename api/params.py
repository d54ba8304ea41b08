"""The query parameters of every endpoint, read in one place and bounded.

Each endpoint declares its parameters as a DRF serializer. A parameter that the endpoint
does not take, one given twice, and every value that is not one it can use (odd digits
such as "²" or "٣", NUL and other control characters, text that was not UTF-8, a huge
number, a date that is no date) is refused with a 400 naming the parameter
(api/errors.py), before anything reaches a query.
"""

from datetime import UTC, datetime, time

from django.conf import settings
from django.utils.dateparse import parse_date, parse_datetime
from rest_framework import serializers

from core.countries import known_country
from core.domains import registrable_domain, web_host
from directory.models import Category
from guides.published import EVENT_TYPES

from . import cursors
from .errors import BadParameter

REPLACEMENT_CHARACTER = "\ufffd"  # what Django makes of bytes that are not UTF-8


def clean_text(value, max_length):
    if not isinstance(value, str):
        raise serializers.ValidationError("Must be text.")
    if REPLACEMENT_CHARACTER in value:
        raise serializers.ValidationError("Must be UTF-8 text, percent-encoded.")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise serializers.ValidationError("Must not hold control characters.")
    value = value.strip()
    if not value:
        raise serializers.ValidationError("Must not be empty.")
    if len(value) > max_length:
        raise serializers.ValidationError(f"At most {max_length} characters.")
    return value


class Text(serializers.Field):
    def __init__(self, max_length, **kwargs):
        self.max_length = max_length
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        return clean_text(data, self.max_length)


class Count(serializers.Field):
    """A whole number from ASCII digits only: int() would read "٣" and "²"-free Unicode digits."""

    def __init__(self, minimum, maximum, **kwargs):
        self.minimum, self.maximum = minimum, maximum
        super().__init__(required=False, **kwargs)

    def to_internal_value(self, data):
        text = clean_text(data, 20)
        if not (text.isascii() and text.isdigit()):
            raise serializers.ValidationError("Must be a whole number written with the digits 0-9.")
        number = int(text)
        if not self.minimum <= number <= self.maximum:
            raise serializers.ValidationError(f"Must be from {self.minimum} to {self.maximum}.")
        return number


class Moment(serializers.Field):
    """An ISO 8601 date-time ("2026-11-01T10:00:00Z", "…+02:00") or date (midnight UTC);
    one without a zone is read as UTC."""

    def to_internal_value(self, data):
        text = clean_text(data, 40)
        if not text.isascii():
            raise serializers.ValidationError("Must be an ISO 8601 date-time, e.g. 2026-11-01T10:00:00Z.")
        try:
            moment = parse_datetime(text)
            if moment is None and parse_date(text) is not None:
                moment = datetime.combine(parse_date(text), time())
        except ValueError:
            moment = None
        if moment is None:
            hint = " (a '+' in a URL reads as a space: write %2B or Z)" if " " in text else ""
            raise serializers.ValidationError(
                f"Must be an ISO 8601 date-time, e.g. 2026-11-01T10:00:00Z{hint}."
            )
        try:
            return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
        except (OverflowError, ValueError):
            raise serializers.ValidationError("Must be a date-time between the years 1 and 9999.") from None


class Cursor(serializers.Field):
    def __init__(self, endpoint, kinds, **kwargs):
        self.endpoint, self.kinds = endpoint, kinds
        super().__init__(required=False, **kwargs)

    def to_internal_value(self, data):
        text = clean_text(data, cursors.MAX_LENGTH)
        try:
            return cursors.decode(self.endpoint, text, self.kinds)
        except cursors.BadCursor as exc:
            raise serializers.ValidationError(
                f"{exc.args[0].capitalize()}: pass back the one a page gave."
            ) from None


class Params(serializers.Serializer):
    """Base class: the endpoint's parameters are its fields."""

    @classmethod
    def read(cls, query):
        """The validated parameters of a request's query (a QueryDict) as a dict, or BadParameter."""
        fields = cls().fields
        for name in query:
            if name not in fields:
                takes = ", ".join(fields) or "no parameters"
                raise BadParameter(name, f"Unknown parameter; this endpoint takes {takes}.")
            if len(query.getlist(name)) > 1:
                raise BadParameter(name, "Given more than once.")
        serializer = cls(data={name: query[name] for name in query})
        if not serializer.is_valid():
            name, messages = next(iter(serializer.errors.items()))
            raise BadParameter(name, str(messages[0]))
        return serializer.validated_data


class Paged(Params):
    page_size = Count(1, settings.API_MAX_PAGE_SIZE)


class CompanyListParams(Paged):
    cursor = Cursor("companies", [int])
    q = Text(100)
    category = Text(100)
    country = Text(2)
    domain = Text(253)
    updated_since = Moment(required=False)

    def validate_category(self, value):
        category = Category.objects.filter(slug=value).first() if value.isascii() else None
        if category is None:
            raise serializers.ValidationError("No such category; /api/v1/categories lists them.")
        return category

    def validate_country(self, value):
        code = known_country(value) if value.isascii() and value.isalpha() else ""
        if not code:
            raise serializers.ValidationError("Must be a two-letter country code, e.g. GB.")
        return code

    def validate_domain(self, value):
        return checked_domain(value)


def checked_domain(value):
    """(host, registrable domain) of a bare domain or link; a ValidationError when it has none."""
    domain = registrable_domain(value)
    if not domain:
        raise serializers.ValidationError("Must be a domain name, e.g. example.com.")
    return web_host(value) or domain, domain


class CategoryListParams(Paged):
    cursor = Cursor("categories", [int])


class LookupParams(Params):
    domain = Text(253, required=True)

    def validate_domain(self, value):
        return checked_domain(value)


class ChangesParams(Paged):
    since = Moment(required=False)
    cursor = Cursor("changes", [datetime, ("", *EVENT_TYPES), int])

    def validate(self, data):
        if "since" in data and "cursor" in data:
            raise BadParameter(
                "cursor", "Give either since or cursor: the cursor already says where to go on."
            )
        return data


class NoParams(Params):
    pass
