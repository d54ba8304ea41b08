from django.urls import path

from . import views

app_name = "freshness"

urlpatterns = [
    path("channels/<int:pk>/report/", views.report_channel, name="report_channel"),
    path("review/", views.review_queue, name="review_queue"),
    path("review/resolve/", views.review_resolve, name="review_resolve"),
    path("review/channels/<int:pk>/", views.review_channel, name="review_channel"),
    path("review/channels/<int:pk>/restore/", views.review_restore, name="restore_channel"),
]
