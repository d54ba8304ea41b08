from django.apps import AppConfig


class GuidesConfig(AppConfig):
    name = "guides"
    verbose_name = "Guides"

    def ready(self):
        from directory.exports import register_export_extra

        from .exports import export_guides

        register_export_extra("guides", export_guides, in_csv=False)
