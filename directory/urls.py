from django.urls import path

from . import views

app_name = "directory"

urlpatterns = [
    path("suggest-company/", views.suggest_company, name="suggest_company"),
]
