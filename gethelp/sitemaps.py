from django.contrib.sitemaps import Sitemap

from directory.models import Category, Company
from guides.models import Guide


class CompanySitemap(Sitemap):
    changefreq = "weekly"
    limit = 10000

    def items(self):
        return Company.objects.order_by("pk").only("slug", "modified")

    def lastmod(self, company):
        return company.modified


class CategorySitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Category.objects.order_by("pk")

    def lastmod(self, category):
        return category.modified


class GuideSitemap(Sitemap):
    """Published guides only: pending text never reaches a crawler."""

    changefreq = "weekly"
    limit = 10000

    def items(self):
        return (
            Guide.objects.published()
            .select_related("company")
            .order_by("pk")
            .only("slug", "modified", "company__slug")
        )

    def lastmod(self, guide):
        return guide.modified
