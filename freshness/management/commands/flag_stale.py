import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from core.locks import SweepRunning
from freshness import sweeps


class Command(BaseCommand):
    help = "Runs every freshness sweep now (the same code as the scheduled jobs) and says what it flagged."

    def add_arguments(self, parser):
        parser.add_argument("--no-links", action="store_true", help="Skip the HTTP link checks.")
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress output.")

    def handle(self, no_links=False, no_progress=False, **options):
        started = time.monotonic()
        with tqdm(unit=" links", disable=no_progress or None, file=self.stderr._out) as links:

            def progress(name, flagged):
                if name == "link checked":
                    links.update(flagged)
                elif not no_progress:
                    links.write(
                        f"{name}: {flagged:,} flagged ({time.monotonic() - started:.1f} s)",
                        file=self.stderr._out,
                    )

            try:
                result = sweeps.run_all(links=not no_links, progress=progress)
            except SweepRunning:
                raise CommandError("Another sweep is running; try again when it has finished.") from None
        self.stdout.write(", ".join(f"{name}: {count} flagged" for name, count in result.items()))
