"""Haystack's Whoosh backend, made fast for reads and strict for writes.

Reads: Haystack opens a new searcher for every query (reading every segment's
metadata again). Here each thread keeps its searcher and reuses it until the
index changes on disk, checked cheaply with `up_to_date()`. And a page of results
holds only the best hits: Whoosh's ResultsPage counts every matching document to
know how many pages there are, which walks the whole posting list of a common
word (70% of a near-spelling search at 100,000 companies). Haystack uses that count
only to size its result cache, and the site never asks for a total.

Size: most of the index was its term table, at about 140 bytes a term, and most terms
belong to one company (its ids, domains, squeezed names, the long starts of its words).
So the document field, which repeated the name, holds one word; Haystack's django_id is
only stored (`id` is what updates look up); edge n-grams stop at text.PREFIX_GRAM letters,
and a longer typed start is looked up as the known pieces that begin with it (queries.begun);
and a term found in a few documents keeps their postings in its entry of the term table
(Whoosh 2.7's own inlining of short posting lists never runs: it calls a method that
does not exist), instead of a posting block of its own with a header, a pickle and zlib.

Writes: Haystack writes through Whoosh's AsyncWriter, which on a held lock hands
the write to a background thread nobody waits for, and it swallows a failed
delete. Only the `search` Celery queue writes (see search/tasks.py), and it needs
to know when a write did not happen so it can retry: so writes here wait a short
time for the lock and then raise LockError.
"""

import math
import threading
from contextlib import contextmanager

from haystack.backends.whoosh_backend import WhooshEngine, WhooshSearchBackend
from haystack.constants import DJANGO_ID, ID
from haystack.exceptions import SkipDocument
from whoosh.codec.whoosh3 import W3Codec, W3PostingsWriter
from whoosh.fields import NGRAMWORDS, STORED
from whoosh.index import LockError
from whoosh.scoring import BM25F
from whoosh.searching import ResultsPage

from . import text
from .typo_dictionary import TypoDictionary

# The field whose values (search_indexes.CompanyIndex.prepare_pieces) feed the typo dictionary.
PIECES_FIELD = "pieces"

WRITE_LOCK_TIMEOUT = 2.0
# Posting lists this short live in the term's entry of the term table.
INLINE_POSTINGS = 4

__all__ = ["LockError", "ReusingWhooshEngine"]


@contextmanager
def _committed(writer):
    """Commits `writer` when the block ends normally; cancels it, releasing the lock, otherwise."""
    try:
        yield writer
    except BaseException:
        writer.cancel()
        raise
    writer.commit()


class _InliningPostingsWriter(W3PostingsWriter):
    def finish_postings(self):
        if self.written() or len(self._ids) > self._inlinelimit:
            return super().finish_postings()
        terminfo, self._terminfo = self._terminfo, None
        terminfo.add_block(self)
        # One value per posting: a format without values (frequencies) reads back b"", not "".
        values = self._values if len(self._values) == len(self._ids) else [b""] * len(self._ids)
        terminfo.set_inlined(self._ids, self._weights, values)
        return terminfo


class InliningCodec(W3Codec):
    """Whoosh's codec, with short posting lists kept in the term table (see the module docstring).

    Segments keep their codec: an index written before reads as before."""

    def __init__(self):
        super().__init__(inlinelimit=INLINE_POSTINGS)

    def postings_writer(self, dbfile, byteids=False):
        return _InliningPostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            byteids=byteids,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )


# Block qualities are rounded up to multiples of this (a power of two), see _QualityOnGrid.
QUALITY_GRID = 2.0**-16


class _QualityOnGrid:
    """A scorer whose upper bounds on a block's scores are rounded up to QUALITY_GRID.

    Whoosh skips blocks that cannot reach the top hits by comparing sums of such bounds
    with the lowest score kept, and its union and intersection matchers loop for ever when
    `aq + bq <= minimum` holds while `aq > minimum - bq` holds too, which only rounding
    allows: the skip moves nothing and they ask again (one-word searches hung on it at
    20,000 and 100,000 companies). Multiples of a power of two add and subtract without
    rounding, so both can no longer hold at once. Rounding up keeps them upper bounds;
    the scores themselves are unchanged.
    """

    def __init__(self, scorer):
        self._scorer = scorer

    def supports_block_quality(self):
        return self._scorer.supports_block_quality()

    def score(self, matcher):
        return self._scorer.score(matcher)

    def max_quality(self):
        return _round_up(self._scorer.max_quality())

    def block_quality(self, matcher):
        return _round_up(self._scorer.block_quality(matcher))


def _round_up(quality):
    return math.ceil(quality / QUALITY_GRID) * QUALITY_GRID


class _GriddedBM25F(BM25F):
    """Whoosh's default weighting, with its block qualities on a grid (see _QualityOnGrid)."""

    def scorer(self, searcher, fieldname, text, qf=1):
        return _QualityOnGrid(super().scorer(searcher, fieldname, text, qf=qf))


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
            kwargs.setdefault("weighting", _GriddedBM25F())
            searcher = self._index.searcher(**kwargs)
        elif not searcher.up_to_date():
            searcher = searcher.refresh()
        self._local.searcher = searcher
        return _KeptSearcher(searcher)

    def doc_count(self):
        return self.searcher().doc_count()

    def writer(self, **kwargs):
        kwargs.setdefault("timeout", WRITE_LOCK_TIMEOUT)
        kwargs.setdefault("codec", InliningCodec())
        return self._index.writer(**kwargs)

    def delete_by_query(self, q, searcher=None):
        with _committed(self.writer()) as writer:
            writer.delete_by_query(q, searcher=searcher)

    def __getattr__(self, name):
        return getattr(self._index, name)


class ReusingWhooshSearchBackend(WhooshSearchBackend):
    def build_schema(self, fields):
        """Haystack's schema without what this site never reads, which was most of the index.

        Haystack stores every text and multi-valued field whatever the index class says,
        indexes the words of fields declared indexed=False, keeps a sort column for every
        text field and a spelling dictionary for the document field. Here a field is stored
        only when declared so, a field that is only shown is only stored, and nothing is
        sortable or spelled. Edge n-grams stop at text.PREFIX_GRAM letters, and django_id is
        only stored.
        """
        content_field_name, schema = super().build_schema(fields)
        schema.remove(DJANGO_ID)
        schema.add(DJANGO_ID, STORED())
        for field_class in fields.values():
            name = field_class.index_fieldname
            if not field_class.indexed:
                schema.remove(name)
                schema.add(name, STORED())
                continue
            if field_class.field_type == "edge_ngram":
                schema.remove(name)
                schema.add(
                    name,
                    NGRAMWORDS(minsize=2, maxsize=text.PREFIX_GRAM, at="start", stored=field_class.stored),
                )
                continue
            field = schema[name]
            field.stored = field_class.stored
            field.set_sortable(False)
            field.spelling = False
        return content_field_name, schema

    def __init__(self, connection_alias, **connection_options):
        super().__init__(connection_alias, **connection_options)
        self._bulk_writer = self._bulk_pieces = None
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

    @contextmanager
    def one_segment(self):
        """Every update inside goes through one writer, committed once at the end.

        Each commit makes a segment, Whoosh merges only small ones, and every query reads
        every segment: an index rebuilt in batches of 10,000 answered in twice the time of
        one segment, and merging them afterwards took longer than writing them. The writer
        holds the index's lock throughout, so the index still has a single writer; its
        memory stays bounded, as Whoosh spills sorted runs to disk. The typo dictionary gets
        the pieces of all the batches at the end, in one transaction.
        """
        if not self.setup_complete:
            self.setup()
        with _committed(self.index.writer()) as writer:
            self._bulk_writer, self._bulk_pieces = writer, set()
            try:
                yield
                if self.typo_dictionary is not None:
                    self.typo_dictionary.add(self._bulk_pieces)
            finally:
                self._bulk_writer, self._bulk_pieces = None, None

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
        if self._bulk_writer is not None:
            self._bulk_pieces |= pieces
            self._write(self._bulk_writer, docs)
            return
        if pieces and self.typo_dictionary is not None:
            self.typo_dictionary.add(pieces)
        with _committed(self.index.writer()) as writer:
            self._write(writer, docs)

    @staticmethod
    def _write(writer, docs):
        # writer.update_document() opens a new reader of every segment for each document;
        # one searcher for the whole batch makes bulk updates linear.
        with writer.searcher() as searcher:
            for doc in docs:
                writer.delete_by_term(ID, doc[ID], searcher=searcher)
                writer.add_document(**doc)


class ReusingWhooshEngine(WhooshEngine):
    backend = ReusingWhooshSearchBackend
