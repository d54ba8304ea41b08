"""Bulk writes as one batch, so work done per changed row can be done once at the end.

A bulk writer (an import, the sample data) wraps its writes in `batch()`. A
receiver that would otherwise act on every saved row asks for its `collector()`:
inside a batch it gets a set to add to, and its flush function runs once with
everything collected when the outermost batch ends; outside a batch it gets None
and acts at once. The writer knows nothing about who collects.
"""

import threading
from contextlib import contextmanager

_local = threading.local()


@contextmanager
def batch():
    if getattr(_local, "collectors", None) is not None:
        yield  # nested: the outermost batch flushes
        return
    _local.collectors = {}
    try:
        yield
    finally:
        collectors, _local.collectors = _local.collectors, None
        for items, flush in collectors.values():
            flush(items)


def collector(name, flush):
    """The set collecting `name`'s items in the open batch, or None outside a batch."""
    collectors = getattr(_local, "collectors", None)
    if collectors is None:
        return None
    return collectors.setdefault(name, (set(), flush))[0]
