from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from opendata.views import about_data

from . import views
from .feeds import CompanyChangesFeed, SiteChangesFeed
from .sitemaps import CategorySitemap, CompanySitemap, GuideSitemap

sitemaps = {"companies": CompanySitemap, "categories": CategorySitemap, "guides": GuideSitemap}
handler404 = "gethelp.views.page_not_found"

urlpatterns = [
    path("", views.home, name="home"),
    path("companies/", views.company_index, name="company_index"),
    path("companies/<slug:slug>/", views.company_detail, name="company"),
    path("companies/<slug:slug>/badge.svg", views.company_badge, name="company_badge"),
    path("companies/<slug:slug>/changes.atom", CompanyChangesFeed(), name="company_changes_feed"),
    path("changes.atom", SiteChangesFeed(), name="changes_feed"),
    path("categories/<slug:slug>/", views.category_detail, name="category"),
    path("about/data/", about_data, name="about_data"),
    path("country/", views.choose_country, name="choose_country"),
    path("data/", views.open_data, name="open_data"),
    path("data/<str:name>", views.dump_download, name="dump_download"),
    path("about/grades/", views.how_we_grade, name="how_we_grade"),
    path("", include("directory.urls")),
    path("", include("freshness.urls")),
    path("", include("guides.urls")),
    path("", include("watching.urls")),
    path("search/", include("search.urls")),
    path("accounts/", include("accounts.urls")),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
]

if settings.BENCH_VIEWS:
    urlpatterns.append(path("bench/trivial", views.trivial))
