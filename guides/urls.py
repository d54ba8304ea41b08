from django.urls import path

from . import views

app_name = "guides"

urlpatterns = [
    path(
        "companies/<slug:company_slug>/guides/<slug:slug>/",
        views.guide_detail,
        name="detail",
    ),
]
