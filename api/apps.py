from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The read API under /api/v1/: published companies, categories and changes, as JSON."""

    name = "api"
    verbose_name = "Read API"
