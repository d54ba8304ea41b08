"""Opaque cursors: where a page ended, as base64 of JSON, checked before any of it reaches a query.

A cursor names its endpoint and the sort key of the last row a page gave ([id] for
companies and categories; [time, type, id] for the changes feed). A client passes it back
unchanged; one that is cut, made up, or taken from another endpoint is a 400 naming
`cursor`, never a 404 or a 500.
"""

import base64
import binascii
import json
from datetime import datetime

MAX_LENGTH = 200


class BadCursor(ValueError):
    pass


def encode(endpoint, keys):
    text = json.dumps([endpoint, *keys], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()


def decode(endpoint, cursor, kinds):
    """The keys in `cursor` if it is one this endpoint gave, each checked against `kinds`
    (int: an id; datetime: an aware ISO 8601 time; a tuple: one of its strings)."""
    if len(cursor) > MAX_LENGTH or not cursor.isascii():
        raise BadCursor("not a cursor this API gave")
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        items = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadCursor("not a cursor this API gave") from None
    if not isinstance(items, list) or len(items) != len(kinds) + 1 or items[0] != endpoint:
        raise BadCursor("not a cursor of this endpoint")
    return [_checked(value, kind) for value, kind in zip(items[1:], kinds, strict=True)]


def _checked(value, kind):
    if kind is int and type(value) is int and 0 <= value < 2**63:
        return value
    if kind is datetime and isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            moment = None
        if moment is not None and moment.tzinfo is not None:
            return moment
    if isinstance(kind, tuple) and value in kind:
        return value
    raise BadCursor("not a cursor this API gave")
