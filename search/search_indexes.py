import re

from haystack import indexes

from directory.models import Company
from guides.models import Guide


def deletions(word):
    """The word and every form of it with one letter left out.

    Two words within one typo (a letter missing, added or changed) share one of
    these forms, so near spellings are found by exact lookups instead of Whoosh's
    fuzzy search, which walks the whole term list in Python on every query.
    """
    return {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}


def typo_forms(names):
    forms = set()
    for name in names:
        for word in re.findall(r"\w+", name.lower()):
            if len(word) >= 5:
                forms |= deletions(word)
    return sorted(forms)


def squash(text):
    """Lower-case letters and digits only: 'North Wind' and 'NorthWind' both become 'northwind'."""
    return re.sub(r"[\W_]+", "", text.lower())


class CompanyIndex(indexes.SearchIndex, indexes.Indexable):
    """Companies: ranked name > alias > the rest (category, departments, guide titles).

    Stored fields are only what a suggestion or result line shows, so a page of
    results needs no database query for them.
    """

    text = indexes.CharField(document=True, stored=False)
    name = indexes.CharField(model_attr="name", boost=4, stored=False)
    aliases = indexes.CharField(boost=2, stored=False)
    about = indexes.CharField(stored=False)
    keys = indexes.MultiValueField(stored=False)
    typos = indexes.MultiValueField(stored=False)
    name_auto = indexes.EdgeNgramField(stored=False)
    category = indexes.CharField(model_attr="category__slug", stored=False)

    title = indexes.CharField(model_attr="name", indexed=False)
    url = indexes.CharField(indexed=False)
    category_name = indexes.CharField(model_attr="category__name", indexed=False)
    best_kind = indexes.CharField(indexed=False, default="")
    best_value = indexes.CharField(indexed=False, default="")
    best_href = indexes.CharField(indexed=False, default="")

    def get_model(self):
        return Company

    def index_queryset(self, using=None):
        return Company.objects.with_best_channel().prefetch_related("guides")

    def read_queryset(self, using=None):
        return Company.objects.with_best_channel()

    def prepare_text(self, company):
        departments = {c.get_department_display() for c in company.active_channels}
        guide_titles = [g.title for g in company.guides.all() if g.is_published]
        return " ".join(
            [company.name, *company.aliases, company.category.name, *sorted(departments), *guide_titles]
        )

    def prepare_aliases(self, company):
        return " ".join(company.aliases)

    def prepare_keys(self, company):
        return sorted({squash(name) for name in [company.name, *company.aliases] if squash(name)})

    def prepare_typos(self, company):
        return typo_forms([company.name, *company.aliases])

    def prepare_name_auto(self, company):
        return " ".join([company.name, *company.aliases])

    def prepare_url(self, company):
        return company.get_absolute_url()

    def prepare(self, company):
        data = super().prepare(company)
        best = company.best_channel
        if best:
            data.update(best_kind=best.get_kind_display(), best_value=best.display_value, best_href=best.href)
        return data


class GuideIndex(indexes.SearchIndex, indexes.Indexable):
    text = indexes.CharField(document=True, stored=False)
    company = indexes.CharField(model_attr="company__slug", stored=False)
    kind = indexes.CharField(model_attr="kind", stored=False)
    title = indexes.CharField(model_attr="title", indexed=False)
    url = indexes.CharField(indexed=False)

    def get_model(self):
        return Guide

    def index_queryset(self, using=None):
        return Guide.objects.published().select_related("company")

    def prepare_text(self, guide):
        return " ".join([guide.title, guide.company.name, *guide.company.aliases, guide.get_kind_display()])

    def prepare_url(self, guide):
        return guide.get_absolute_url()
