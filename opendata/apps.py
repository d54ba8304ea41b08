from django.apps import AppConfig


class OpenDataConfig(AppConfig):
    name = "opendata"
    verbose_name = "Open data imports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from directory.exports import register_export_extra

        from .attribution import export_provenance

        register_export_extra("provenance", export_provenance)
