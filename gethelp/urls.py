from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from directory import views as directory_views
from directory.sitemaps import CategorySitemap, CompanySitemap

from . import views

sitemaps = {"companies": CompanySitemap, "categories": CategorySitemap}

urlpatterns = [
    path("", include("directory.urls")),
    path("", include("guides.urls")),
    path("search/", include("search.urls")),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path("robots.txt", directory_views.robots_txt, name="robots_txt"),
    path("healthz", directory_views.healthz, name="healthz"),
]

if settings.BENCH_VIEWS:
    urlpatterns.append(path("bench/trivial", views.trivial))
