from haystack import indexes

from .models import Guide


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
