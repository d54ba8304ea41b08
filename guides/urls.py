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
    path("companies/<slug:company_slug>/suggest/", views.suggest_correction, name="suggest_correction"),
    path(
        "companies/<slug:company_slug>/channels/<int:pk>/history/",
        views.channel_history,
        name="channel_history",
    ),
    path("edits/pending/", views.pending, name="pending"),
    path("edits/corrections/<int:pk>/review/", views.review_correction, name="review_correction"),
    path("edits/<int:pk>/review/", views.review_revision, name="review"),
]
