from django.urls import path

from . import views

app_name = "directory"

urlpatterns = [
    path("", views.home, name="home"),
    path("companies/", views.company_index, name="company_index"),
    path("companies/<slug:slug>/", views.company_detail, name="company"),
    path("categories/<slug:slug>/", views.category_detail, name="category"),
    path("suggest-company/", views.suggest_company, name="suggest_company"),
]
