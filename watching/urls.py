from django.urls import path

from . import views

app_name = "watching"

urlpatterns = [
    path("companies/<slug:slug>/watch/", views.watch_company, name="watch"),
    path("watching/stop/<str:token>/", views.stop, name="stop"),
]
