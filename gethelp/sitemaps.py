from django.contrib.sitemaps import Sitemap

from directory.models import Category, Company


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
