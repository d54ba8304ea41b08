from django.apps import AppConfig


class WatchingConfig(AppConfig):
    name = "watching"
    verbose_name = "Watched companies"
    default_auto_field = "django.db.models.BigAutoField"
