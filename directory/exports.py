"""What the export carries besides the directory's own fields, filled in by the apps above it.

The directory cannot know what an upper app keeps about its rows (open data keeps where
each fact came from and under which licence). Such an app registers an export extra in
its AppConfig.ready(): a name and a function that, given a batch of companies with their
channels prefetched, returns ({company pk: value}, {channel pk: value}) in a fixed number
of queries. The export writes the value under that name in the company's record and in
each channel's record that has one; rows without a value carry nothing.

An import of the directory's own format accepts these names and ignores them: they
describe where rows came from, which a file cannot vouch for, so a file exported and
imported again round-trips without a rejection.
"""

_extras = {}
_not_in_csv = set()


def register_export_extra(name, values_for, in_csv=True):
    """Adds `name` to every export; `values_for(companies)` returns ({company pk: value}, {channel pk: value}).
    A long value (a guide's text) stays out of the CSV, where it would repeat on every channel's row."""
    _extras[name] = values_for
    if not in_csv:
        _not_in_csv.add(name)


def export_extra_names(csv=False):
    return sorted(name for name in _extras if not (csv and name in _not_in_csv))


def export_extras(companies):
    """{name: ({company pk: value}, {channel pk: value})} for a batch of companies."""
    return {name: _extras[name](companies) for name in export_extra_names()}
