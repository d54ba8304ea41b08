from django.apps import AppConfig


class GethelpConfig(AppConfig):
    """The project as an app: the public pages, their page cache and the sample data command."""

    name = "gethelp"
    verbose_name = "GetHelp"

    def ready(self):
        from . import receivers

        receivers.connect()
