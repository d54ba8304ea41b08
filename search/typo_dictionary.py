"""Near spellings of the words in companies' names, kept beside the Whoosh index.

A deletion dictionary (the SymSpell idea): every word, token and squeezed name of the
index (text.name_pieces) is stored with the forms it takes with as many letters left out
as its length allows typos (text.typo_forms). A typed word's own forms then find, with
one indexed lookup, every known piece within its typos; the ranking checks the real
distance. In Whoosh each form would be a term with its own posting list, which made the
index three times larger and its rebuild several times slower; here a form is a row of
two integers.

It is written only by the index's single writer (search/whoosh_backend.py, inside the
`search` queue's updates and rebuilds) in the same batches as the index, and it is a
SQLite file next to the index directory, so it survives a restart. Readers open it
read-only, one connection per thread. A piece whose companies are gone stays: it finds
nothing in the index, so it costs nothing but its rows.
"""

import hashlib
import os
import sqlite3
import threading

from rapidfuzz.distance import OSA

from . import text

SCHEMA = """
CREATE TABLE IF NOT EXISTS piece (id INTEGER PRIMARY KEY, piece TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS form (form INTEGER NOT NULL, piece INTEGER NOT NULL, PRIMARY KEY (form, piece))
    WITHOUT ROWID;
"""
MAX_FORMS_PER_QUERY = 900  # SQLite's default limit on bound parameters is 999
WRITER_CACHE_KIB = 64 * 1024
# Pieces whose forms are sorted and written together: a few hundred MB of rows at most.
PIECES_PER_CHUNK = 20_000


def form_key(form):
    """A form as a signed 64-bit integer: 8 bytes a row instead of the form's text."""
    return int.from_bytes(hashlib.blake2b(form.encode(), digest_size=8).digest(), "big", signed=True)


class TypoDictionary:
    def __init__(self, path):
        self.path = path
        self._local = threading.local()

    # Writing (the index's single writer only) --------------------------------------------

    def _writer(self):
        connection = sqlite3.connect(self.path, timeout=30)
        connection.execute("PRAGMA journal_mode=WAL")
        # The forms' B-tree is written at random places: with SQLite's default 2 MB of cache,
        # each insert into a large dictionary read its page from disk again.
        connection.execute(f"PRAGMA cache_size=-{WRITER_CACHE_KIB}")
        connection.executescript(SCHEMA)
        return connection

    def add(self, pieces):
        """Stores the pieces not yet known, with their forms, in one transaction.

        A rebuild adds all its pieces at once (whoosh_backend.one_segment): committed batch by
        batch, each commit wrote most of the forms' pages again.
        """
        pieces = sorted({p for p in pieces if 4 <= len(p) <= text.MAX_WORD})
        if not pieces:
            return
        connection = self._writer()
        try:
            with connection:
                for start in range(0, len(pieces), PIECES_PER_CHUNK):
                    self._add_new(connection, pieces[start : start + PIECES_PER_CHUNK])
        finally:
            connection.close()

    @staticmethod
    def _add_new(connection, pieces):
        known = set()
        for start in range(0, len(pieces), MAX_FORMS_PER_QUERY):
            chunk = pieces[start : start + MAX_FORMS_PER_QUERY]
            marks = ",".join("?" * len(chunk))
            known.update(
                r[0] for r in connection.execute(f"SELECT piece FROM piece WHERE piece IN ({marks})", chunk)
            )
        rows = []
        for piece in pieces:
            if piece in known:
                continue
            piece_id = connection.execute("INSERT INTO piece (piece) VALUES (?)", [piece]).lastrowid
            rows += [(form_key(f), piece_id) for f in text.typo_forms(piece)]
        # In key order, the inserts walk the B-tree once instead of at random.
        rows.sort()
        connection.executemany("INSERT OR IGNORE INTO form (form, piece) VALUES (?, ?)", rows)

    def clear(self):
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(self.path + suffix):
                os.remove(self.path + suffix)
        self._local.__dict__.clear()

    # Reading -------------------------------------------------------------------------------

    def _reader(self):
        """This thread's read-only connection, opened again when a rebuild replaced the file
        (another process's clear() removes it and its next add() makes a new one)."""
        try:
            inode = os.stat(self.path).st_ino
        except FileNotFoundError:
            return None
        connection = getattr(self._local, "connection", None)
        if connection is None or getattr(self._local, "inode", None) != inode:
            if connection is not None:
                connection.close()
            connection = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self._local.connection, self._local.inode = connection, inode
        return connection

    def starting_with(self, typed, limit):
        """Up to `limit` known pieces that start with `typed`, shortest first."""
        connection = self._reader()
        if connection is None or not typed:
            return []
        # Pieces are made of a-z and 0-9 only (text.name_pieces): the next code point bounds the range.
        beyond = typed[:-1] + chr(ord(typed[-1]) + 1)
        try:
            rows = connection.execute(
                "SELECT piece FROM piece WHERE piece >= ? AND piece < ? ORDER BY length(piece), piece LIMIT ?",
                [typed, beyond, limit],
            ).fetchall()
        except sqlite3.Error:  # rebuilt under us: read again with a new connection next time
            self._local.__dict__.clear()
            return []
        return [piece for (piece,) in rows]

    def near(self, typed):
        """The known pieces within the typos allowed between them and `typed`, nearest first."""
        if len(typed) < 3 or len(typed) > text.MAX_WORD:
            return []
        connection = self._reader()
        if connection is None:
            return []
        # One more letter than typed: a dropped letter must not cost the word its second typo.
        forms = sorted(text.typed_forms(typed))[:MAX_FORMS_PER_QUERY]
        marks = ",".join("?" * len(forms))
        try:
            rows = connection.execute(
                f"SELECT DISTINCT piece.piece FROM form JOIN piece ON piece.id = form.piece WHERE form.form IN ({marks})",
                [form_key(f) for f in forms],
            ).fetchall()
        except sqlite3.Error:  # rebuilt under us: read again with a new connection next time
            self._local.__dict__.clear()
            return []
        found = []
        for (piece,) in rows:
            allowed = text.allowed_edits(max(len(piece), len(typed)))
            distance = OSA.distance(typed, piece, score_cutoff=allowed)
            if distance <= allowed:
                found.append((distance, piece))
        return [piece for _, piece in sorted(found)]
