from django.urls import path

from . import review_views, views

app_name = "directory"

urlpatterns = [
    path("", views.home, name="home"),
    path("companies/", views.company_index, name="company_index"),
    path("companies/<slug:slug>/", views.company_detail, name="company"),
    path("categories/<slug:slug>/", views.category_detail, name="category"),
    path("suggest-company/", views.suggest_company, name="suggest_company"),
    path("channels/<int:pk>/report/", views.report_channel, name="report_channel"),
    path("review/", review_views.review_queue, name="review_queue"),
    path("review/resolve/", review_views.review_resolve, name="review_resolve"),
    path("review/channels/<int:pk>/", review_views.review_channel, name="review_channel"),
]
