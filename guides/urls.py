from django.urls import path

from . import views

app_name = "guides"

urlpatterns = [
    path("companies/<slug:company_slug>/guides/new/", views.guide_new, name="new"),
    path("companies/<slug:company_slug>/guides/<slug:slug>/", views.guide_detail, name="detail"),
    path("companies/<slug:company_slug>/guides/<slug:slug>/edit/", views.guide_edit, name="edit"),
    path("companies/<slug:company_slug>/guides/<slug:slug>/history/", views.guide_history, name="history"),
    path("companies/<slug:company_slug>/guides/<slug:slug>/diff/", views.guide_diff, name="diff"),
    path(
        "companies/<slug:company_slug>/guides/<slug:slug>/revert/<int:number>/",
        views.guide_revert,
        name="revert",
    ),
    path("edits/pending/", views.pending, name="pending"),
    path("edits/<int:pk>/review/", views.review_revision, name="review"),
]
