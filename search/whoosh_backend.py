"""Haystack's Whoosh backend, made fast for reads and strict for writes.

Reads: Haystack opens a new searcher for every query (reading every segment's
metadata again). Here each thread keeps its searcher and reuses it until the
index changes on disk, checked cheaply with `up_to_date()`. And a page of results
holds only the best hits: Whoosh's ResultsPage counts every matching document to
know how many pages there are, which walks the whole posting list of a common
word (70% of a near-spelling search at 100,000 companies). Haystack uses that count
only to size its result cache, and the site never asks for a total.

Writes: Haystack writes through Whoosh's AsyncWriter, which on a held lock hands
the write to a background thread nobody waits for, and it swallows a failed
delete. Only the `search` Celery queue writes (see search/tasks.py), and it needs
to know when a write did not happen so it can retry: so writes here wait a short
time for the lock and then raise LockError.
"""

import threading

from haystack.backends.whoosh_backend import WhooshEngine, WhooshSearchBackend
from haystack.constants import ID
from haystack.exceptions import SkipDocument
from whoosh.fields import STORED
from whoosh.index import LockError
from whoosh.searching import ResultsPage

from .typo_dictionary import TypoDictionary

# The field whose values (search_indexes.CompanyIndex.prepare_pieces) feed the typo dictionary.
PIECES_FIELD = "pieces"

WRITE_LOCK_TIMEOUT = 2.0

__all__ = ["LockError", "ReusingWhooshEngine"]


class _TopHitsPage(ResultsPage):
    """A ResultsPage whose total is the number of hits collected, not of every match."""

    def __init__(self, results, pagenum, pagelen=10):
        self.results = results
        self.total = results.scored_length()
        self.pagecount = -(-self.total // pagelen)
        self.pagenum = min(self.pagecount, pagenum)
        self.offset = (self.pagenum - 1) * pagelen
        self.pagelen = min(pagelen, self.total - self.offset)


class _KeptSearcher:
    """A searcher whose close() keeps it open for the next query of this thread."""

    def __init__(self, searcher):
        self._searcher = searcher

    def close(self):
        pass

    def search_page(self, query, pagenum, pagelen=10, **kwargs):
        if pagenum < 1:
            raise ValueError("pagenum must be >= 1")
        results = self._searcher.search(query, limit=pagenum * pagelen, **kwargs)
        return _TopHitsPage(results, pagenum, pagelen)

    def __getattr__(self, name):
        return getattr(self._searcher, name)


class _ReusingIndex:
    """Wraps a Whoosh index so `searcher()` hands out this thread's cached searcher."""

    def __init__(self, index):
        self._index = index
        self._local = threading.local()

    def refresh(self):
        return self

    def searcher(self, **kwargs):
        searcher = getattr(self._local, "searcher", None)
        if searcher is None:
            searcher = self._index.searcher(**kwargs)
        elif not searcher.up_to_date():
            searcher = searcher.refresh()
        self._local.searcher = searcher
        return _KeptSearcher(searcher)

    def doc_count(self):
        return self.searcher().doc_count()

    def writer(self, **kwargs):
        kwargs.setdefault("timeout", WRITE_LOCK_TIMEOUT)
        return self._index.writer(**kwargs)

    def delete_by_query(self, q, searcher=None):
        writer = self.writer()
        try:
            writer.delete_by_query(q, searcher=searcher)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

    def __getattr__(self, name):
        return getattr(self._index, name)


class ReusingWhooshSearchBackend(WhooshSearchBackend):
    def build_schema(self, fields):
        """Haystack's schema without what this site never reads, which was most of the index.

        Haystack stores every text and multi-valued field whatever the index class says,
        indexes the words of fields declared indexed=False, keeps a sort column for every
        text field and a spelling dictionary for the document field. Here a field is stored
        only when declared so, a field that is only shown is only stored, and nothing is
        sortable or spelled.
        """
        content_field_name, schema = super().build_schema(fields)
        for field_class in fields.values():
            name = field_class.index_fieldname
            if not field_class.indexed:
                schema.remove(name)
                schema.add(name, STORED())
                continue
            field = schema[name]
            field.stored = field_class.stored
            field.set_sortable(False)
            field.spelling = False
        return content_field_name, schema

    def __init__(self, connection_alias, **connection_options):
        super().__init__(connection_alias, **connection_options)
        self.typo_dictionary = (
            TypoDictionary(self.path.rstrip("/") + "-typos.sqlite3") if self.use_file_storage else None
        )

    def setup(self):
        super().setup()
        self.index = _ReusingIndex(self.index)

    def clear(self, models=None, commit=True):
        super().clear(models=models, commit=commit)
        if self.typo_dictionary is not None and (
            models is None or any(m._meta.label == "directory.Company" for m in models)
        ):
            self.typo_dictionary.clear()

    def update(self, index, iterable, commit=True):
        if not self.setup_complete:
            self.setup()
        docs, pieces = [], set()
        for obj in iterable:
            try:
                doc = index.full_prepare(obj)
            except SkipDocument:
                continue
            doc.pop("boost", None)  # document boosts are not supported by Whoosh 2.5+
            pieces.update(doc.get(PIECES_FIELD) or [])
            docs.append({key: self._from_python(value) for key, value in doc.items()})
        if not docs:
            return
        if pieces and self.typo_dictionary is not None:
            self.typo_dictionary.add(pieces)
        writer = self.index.writer()
        try:
            # writer.update_document() opens a new reader of every segment for each
            # document; one searcher for the whole batch makes bulk updates linear.
            with writer.searcher() as searcher:
                for doc in docs:
                    writer.delete_by_term(ID, doc[ID], searcher=searcher)
                    writer.add_document(**doc)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()


class ReusingWhooshEngine(WhooshEngine):
    backend = ReusingWhooshSearchBackend
