from django.db.models import Prefetch
from haystack import indexes

from core.domains import registrable_domain, web_host
from directory.models import Company, ContactChannel, Department

from . import text

DEPARTMENT_NAMES = dict(Department.choices)


def company_names(company):
    return [company.name, *company.aliases]


def folded(names):
    return " ".join(text.fold(spelling) for name in names for spelling in text.spellings(name))


class CompanyIndex(indexes.SearchIndex, indexes.Indexable):
    """Companies: ranked name > alias > the rest (category, departments, guide titles).

    Stored fields are only what a suggestion or result line shows, so a page of
    results needs no database query for them.
    """

    text = indexes.CharField(document=True, stored=False)
    name = indexes.CharField(boost=4, stored=False)
    aliases = indexes.CharField(boost=2, stored=False)
    about = indexes.CharField(stored=False)
    keys = indexes.MultiValueField(stored=False)
    pieces = indexes.MultiValueField(stored=False)
    domains = indexes.MultiValueField(stored=False)
    name_auto = indexes.EdgeNgramField(stored=False)
    category = indexes.CharField(model_attr="category__slug", stored=False)

    # Shown on a suggestion or result line, and read by the ranking (search/ranking.py).
    title = indexes.CharField(model_attr="name", indexed=False)
    slug = indexes.CharField(model_attr="slug", indexed=False)
    url = indexes.CharField(indexed=False)
    category_name = indexes.CharField(model_attr="category__name", indexed=False)
    best_kind = indexes.CharField(indexed=False, default="")
    best_value = indexes.CharField(indexed=False, default="")
    best_href = indexes.CharField(indexed=False, default="")
    # Published guides as "kind<TAB>title<TAB>url" lines: a suggestion for "cancel stream" offers
    # Streamly's cancel guide from the company's document, so guides need no documents of their own.
    guides = indexes.CharField(indexed=False, default="")
    all_names = indexes.CharField(indexed=False)
    about_words = indexes.CharField(indexed=False)
    own_domain = indexes.CharField(indexed=False, default="")
    country_codes = indexes.CharField(indexed=False, default="")
    popularity = indexes.IntegerField(model_attr="view_count", indexed=False)

    def get_model(self):
        return Company

    def index_queryset(self, using=None):
        """Companies with their active channels, best first, and guides, prefetched into lists
        (see prepare)."""
        active = ContactChannel.objects.active().order_by("human_rank", "id")
        return Company.objects.select_related("category").prefetch_related(
            Prefetch("channels", queryset=active, to_attr="indexed_channels"),
            Prefetch("guides", to_attr="indexed_guides"),
        )

    def read_queryset(self, using=None):
        return Company.objects.with_best_channel()

    def published_guides(self, company):
        return [g for g in company.guides.all() if g.is_published]

    def what_it_does(self, company):
        """Words that say what the company does: its category, departments and guide titles
        (worked out once per document: three fields are made of it)."""
        about = getattr(company, "_search_about", None)
        if about is None:
            departments = {DEPARTMENT_NAMES[c.department] for c in company.active_channels}
            guide_titles = [g.title for g in self.published_guides(company)]
            about = " ".join([company.category.name, *sorted(departments), *guide_titles])
            company._search_about = about
        return about

    def prepare_text(self, company):
        # The document field every Haystack index needs: searches use the fields below, and
        # the name's words here would repeat them (search/whoosh_backend.py, Size). One word
        # common to every document keeps a query with no filter matching them all.
        return "company"

    def prepare_name(self, company):
        return folded([company.name])

    def prepare_aliases(self, company):
        return folded(company.aliases)

    def prepare_about(self, company):
        return text.fold(self.what_it_does(company))

    def prepare_about_words(self, company):
        return " ".join(text.words(self.what_it_does(company)))

    def prepare_keys(self, company):
        return text.keys(company_names(company))

    def prepare_pieces(self, company):
        """Words, tokens and squeezed names (text.name_pieces): what a typed word or one of its
        near spellings (search/typo_dictionary.py) is looked up as."""
        return sorted(text.name_pieces(company_names(company)))

    def prepare_domains(self, company):
        """The company's own domains (website, aliases written as domains) and those of its
        e-mail addresses, forms and chats: a pasted address or link finds who owns it."""
        found = {registrable_domain(v) for v in [company.website, *company.aliases] if "." in v}
        found.add(web_host(company.website))
        found |= {
            registrable_domain(c.value)
            for c in company.active_channels
            if c.kind in (c.Kind.EMAIL, *c.URL_KINDS)
        }
        return sorted(d for d in found if d)

    def prepare_own_domain(self, company):
        """ "help.example.com example.com": the website's host and registrable domain."""
        return f"{web_host(company.website)} {registrable_domain(company.website)}" if company.website else ""

    def prepare_country_codes(self, company):
        return " ".join(company.countries)

    def prepare_all_names(self, company):
        return "\n".join(company_names(company))

    def prepare_name_auto(self, company):
        return folded(company_names(company))

    def prepare_url(self, company):
        return company.get_absolute_url()

    def prepare_guides(self, company):
        return "\n".join(
            f"{g.kind}\t{' '.join(g.title.split())}\t{g.get_absolute_url()}"
            for g in self.published_guides(company)
        )

    def prepare(self, company):
        if hasattr(company, "indexed_channels"):
            # A prefetch into a list skips the queryset Django clones for every company, a tenth
            # of a rebuild; the model's properties read the usual cache, filled from the lists.
            company._prefetched_objects_cache = {
                "channels": company.indexed_channels,
                "guides": company.indexed_guides,
            }
        try:
            data = super().prepare(company)
        finally:
            company.__dict__.pop("_search_about", None)
        best = company.best_channel
        if best:
            data.update(best_kind=best.get_kind_display(), best_value=best.display_value, best_href=best.href)
        return data
