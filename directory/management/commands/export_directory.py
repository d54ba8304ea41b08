import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from directory.importer import export_records, write_csv, write_jsonl


class Command(BaseCommand):
    help = "Exports companies and channels as JSON Lines (default) or CSV, in the import format."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", default="-", help="File to write; - for stdout.")
        parser.add_argument("--format", choices=["jsonl", "csv"], help="Defaults to the file extension.")

    def handle(self, output, format=None, **options):
        fmt = format or ("csv" if output.endswith(".csv") else "jsonl")
        writer = write_csv if fmt == "csv" else write_jsonl
        if output == "-":
            writer(sys.stdout, export_records())
            return
        with Path(output).open("w", encoding="utf-8", newline="") as fh:
            writer(fh, export_records())
        self.stderr.write(f"Wrote {output}")
