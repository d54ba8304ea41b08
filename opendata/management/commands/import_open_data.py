from datetime import date

from django.core.management.base import BaseCommand, CommandError

from opendata.imports import ADAPTERS, COUNTS, run_import


class Command(BaseCommand):
    help = "Imports an open contact dataset (SOURCE) from a checkout or unpacked archive (PATH)."

    def add_arguments(self, parser):
        parser.add_argument("source", choices=sorted(ADAPTERS))
        parser.add_argument("path")
        parser.add_argument(
            "--retrieved", type=date.fromisoformat, help="when the dataset was taken (YYYY-MM-DD)"
        )
        parser.add_argument("--show", type=int, default=20, help="how many rejections to list")

    def handle(self, source, path, retrieved, show, **options):
        try:
            run = run_import(source, path, retrieved)
        except (FileNotFoundError, ValueError) as exc:
            raise CommandError(str(exc)) from None
        counts = ", ".join(f"{run.counts[name]:,} {name}" for name in COUNTS)
        self.stdout.write(f"{run.get_source_display()} (retrieved {run.retrieved}): {counts}")
        for rejection in run.rejections[:show]:
            where = " / ".join(
                part for part in (rejection["file"], rejection["record"], rejection["field"]) if part
            )
            self.stdout.write(f"  rejected {where}: {rejection['reason']}")
        if len(run.rejections) > show:
            self.stdout.write(
                f"  … and {len(run.rejections) - show:,} more in the admin (Import runs #{run.pk})"
            )
        for item in run.review[:show]:
            self.stdout.write(f"  for review: {item['record']} “{item['name']}”: {item['reason']}")
