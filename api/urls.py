from django.urls import path, re_path

from . import errors, views

app_name = "api"

SLUG = r"(?P<slug>[-a-zA-Z0-9_]+)"

urlpatterns = [
    path("", views.docs, name="docs"),
    re_path(r"^v1/companies/?$", views.CompanyList.as_view(), name="companies"),
    re_path(rf"^v1/companies/{SLUG}/?$", views.company_detail, name="company"),
    re_path(r"^v1/lookup/?$", views.Lookup.as_view(), name="lookup"),
    re_path(r"^v1/categories/?$", views.CategoryList.as_view(), name="categories"),
    re_path(r"^v1/changes/?$", views.Changes.as_view(), name="changes"),
    re_path(r"^v1/", errors.not_found),
]
