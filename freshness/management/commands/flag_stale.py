from django.core.management.base import BaseCommand, CommandError

from core.locks import SweepRunning
from freshness import sweeps


class Command(BaseCommand):
    help = "Runs every freshness sweep now (the same code as the scheduled jobs) and says what it flagged."

    def add_arguments(self, parser):
        parser.add_argument("--no-links", action="store_true", help="Skip the HTTP link checks.")

    def handle(self, no_links=False, **options):
        try:
            result = sweeps.run_all(links=not no_links)
        except SweepRunning:
            raise CommandError("Another sweep is running; try again when it has finished.") from None
        self.stdout.write(", ".join(f"{name}: {count} flagged" for name, count in result.items()))
