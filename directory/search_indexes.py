from haystack import indexes

from .models import Company


class CompanyIndex(indexes.SearchIndex, indexes.Indexable):
    text = indexes.CharField(document=True)
    name = indexes.CharField(model_attr="name", boost=3)

    def get_model(self):
        return Company

    def prepare_text(self, company):
        return " ".join([company.name, *company.aliases])
