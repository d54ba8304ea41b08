"""How the search index stores companies compactly and looks up the starts of long words:
short posting lists inlined in the term table, no n-grams past text.PREFIX_GRAM letters, no
one word in the document field, and block qualities that never stall Whoosh's skips."""

import pytest
from django.core.management import call_command
from haystack import connections
from whoosh.query import Term

from directory.models import Company
from search import queries, text, whoosh_backend
from search.typo_dictionary import TypoDictionary
from tests.factories import make_category, make_channel, make_company, make_published_guide

pytestmark = pytest.mark.django_db


def rebuild():
    call_command("rebuild_index", interactive=False, verbosity=0)


def raw_index():
    return connections["default"].get_backend().index._index


def suggested(query):
    return [s["name"] for s in queries.suggest(query)]


@pytest.fixture
def globals_():
    shops = make_category(name="Shops", slug="shops")
    # More companies starting with "global" than a begun word looks up (PIECES_BEGUN).
    for n in range(queries.PIECES_BEGUN + 5):
        make_company(name=f"Globalex{n:02d} Trading", slug=f"globalex{n:02d}", category=shops)
    make_company(name="Global Parcel", slug="global-parcel", category=shops, aliases=["GP Couriers"])
    make_company(name="Northwind Wireless", slug="northwind", category=shops)
    rebuild()


def test_a_long_word_begun_past_the_index_n_grams_still_finds_its_company(globals_):
    assert len("northwi") > text.PREFIX_GRAM
    assert suggested("northwi") == ["Northwind Wireless"]
    assert suggested("northwind wirel") == ["Northwind Wireless"]
    assert (
        Company.objects.get(pk=queries.search_companies("northwind wirel").pks[0]).name
        == "Northwind Wireless"
    )


def test_a_common_start_finds_the_shortest_words_first(globals_):
    assert suggested("global")[0] == "Global Parcel"
    assert "Global Parcel" in suggested("global parc")


def test_the_index_keeps_no_long_n_grams_one_document_word_and_no_django_id_terms(globals_):
    with raw_index().searcher() as searcher:
        reader = searcher.reader()
        grams = [t.decode() for t in reader.lexicon("name_auto")]
        assert grams and max(len(g) for g in grams) == text.PREFIX_GRAM
        assert len(list(reader.lexicon("text"))) == 1  # "company", stemmed
        assert "django_id" not in reader.indexed_field_names()
        assert {hit["django_id"] for hit in searcher.documents()} == {
            str(pk) for pk in Company.objects.values_list("pk", flat=True)
        }


def test_short_posting_lists_live_in_the_term_table_and_survive_merges_and_deletes(
    globals_, django_capture_on_commit_callbacks
):
    # One index write per save: several segments, which Whoosh merges on later commits.
    for company in Company.objects.filter(slug__startswith="globalex")[:6]:
        with django_capture_on_commit_callbacks(execute=True):
            company.name += " Ltd"
            company.save()
    with django_capture_on_commit_callbacks(execute=True):
        Company.objects.get(slug="northwind").delete()
    with raw_index().searcher() as searcher:
        reader = searcher.reader()
        assert reader.doc_frequency("keys", "gpcouriers") == 1
        holding = [leaf for leaf, _ in reader.leaf_readers() if ("keys", "gpcouriers") in leaf]
        assert holding and all(leaf.term_info("keys", "gpcouriers").is_inlined() for leaf in holding)
    assert suggested("northwi") == []
    assert suggested("gp couriers") == ["Global Parcel"]
    renamed = Company.objects.get(slug="globalex00")
    assert renamed.name.endswith(" Ltd")
    assert queries.search_companies(renamed.name).pks[0] == renamed.pk


def test_block_qualities_are_upper_bounds_that_add_and_subtract_without_rounding(globals_):
    # Whoosh skips blocks by comparing sums of these bounds with the lowest score kept; with
    # rounding in the sums its union matcher looped for ever (see _QualityOnGrid).
    searcher = raw_index().searcher(weighting=whoosh_backend._GriddedBM25F())
    matcher = Term("name", "global").matcher(searcher)
    quality, score = matcher.max_quality(), matcher.score()
    assert quality >= score > 0
    assert (quality / whoosh_backend.QUALITY_GRID).is_integer()
    other = whoosh_backend._round_up(0.1)
    assert (quality + other) - other == quality
    searcher.close()


def test_every_search_scores_with_the_gridded_weighting(globals_):
    backend = connections["default"].get_backend()
    queries.search_companies("global parcel")  # this thread's searcher, kept for the next query
    assert isinstance(backend.index.searcher().weighting, whoosh_backend._GriddedBM25F)


def test_starting_with_reads_the_range_of_known_pieces_shortest_first(tmp_path):
    dictionary = TypoDictionary(str(tmp_path / "typos.sqlite3"))
    dictionary.add(["globalexport", "global", "globalex", "globe", "glob", "northwind"])
    assert dictionary.starting_with("global", 2) == ["global", "globalex"]
    assert dictionary.starting_with("global", 10) == ["global", "globalex", "globalexport"]
    assert dictionary.starting_with("globz", 10) == []
    assert dictionary.starting_with("", 10) == []
    assert TypoDictionary(str(tmp_path / "missing.sqlite3")).starting_with("global", 5) == []


def test_a_rebuild_in_many_batches_leaves_one_segment_that_finds_every_company(globals_):
    call_command("rebuild_index", interactive=False, verbosity=0, batchsize=5)
    assert len(raw_index()._segments()) == 1
    assert queries.search_companies("Globalex07 Trading").pks == [Company.objects.get(slug="globalex07").pk]
    assert suggested("northwi") == ["Northwind Wireless"]


def test_a_failed_bulk_write_leaves_the_index_as_it_was_and_unlocked(globals_):
    backend = connections["default"].get_backend()
    index = connections["default"].get_unified_index().get_index(Company)
    with pytest.raises(RuntimeError), backend.one_segment():
        halfway = Company.objects.get(slug="global-parcel")
        halfway.name = "Halfway Written"
        backend.update(index, [halfway])
        raise RuntimeError("the database went away")
    assert queries.search_companies("halfway written").pks == []
    assert suggested("global parc") == ["Global Parcel"]
    backend.update(index, Company.objects.filter(slug="northwind"))  # the lock was released
    assert suggested("northwi") == ["Northwind Wireless"]


def test_indexing_reads_companies_in_a_number_of_queries_that_does_not_grow_with_them(globals_):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    backend = connections["default"].get_backend()
    index = connections["default"].get_unified_index().get_index(Company)

    for company in Company.objects.all():
        make_published_guide(company, kind="cancel", title=f"Cancel {company.name}", slug="cancel")
        make_channel(company)
        make_channel(company, kind="email", department="billing")
        make_channel(company, kind="chat", status="retired")

    def queries_to_index(count):
        with CaptureQueriesContext(connection) as captured:
            backend.update(index, index.index_queryset().order_by("pk")[:count])
        return len(captured)

    assert queries_to_index(3) == queries_to_index(20) <= 4
    assert suggested("northwi") == ["Northwind Wireless"]


def test_a_guide_published_later_reaches_the_suggestions_through_its_companys_document(
    globals_, django_capture_on_commit_callbacks
):
    parcel = Company.objects.get(slug="global-parcel")
    assert queries.suggest("cancel global parcel")[0]["name"] == "Global Parcel"
    with django_capture_on_commit_callbacks(execute=True):
        make_published_guide(parcel, kind="cancel", title="Cancel\tGlobal  Parcel", slug="cancel")
    first = queries.suggest("cancel global parcel")[0]
    assert first == {"name": "Cancel Global Parcel", "url": "/companies/global-parcel/guides/cancel/",
                     "category": "Guide", "best": None}  # fmt: skip
