import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from directory.importer import Importer, TextLines, read_csv, read_jsonl


class Command(BaseCommand):
    help = "Imports companies and channels from a JSON Lines (.jsonl) or CSV (.csv) file. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to a .jsonl or .csv file, or - for JSON Lines on stdin.")
        parser.add_argument("--format", choices=["jsonl", "csv"], help="Overrides the file extension.")
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(self, file, format=None, no_progress=False, **options):
        fmt = format or ("csv" if file.endswith(".csv") else "jsonl")
        if file == "-":
            return self.run(sys.stdin.buffer, fmt, total=None, quiet=True)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        with path.open("rb") as fh:
            total = sum(1 for _ in fh) - (1 if fmt == "csv" else 0)
        with path.open("rb") as fh:
            return self.run(fh, fmt, total=total, quiet=no_progress)

    def run(self, binary, fmt, total, quiet):
        lines = TextLines(binary)
        rows = read_csv(lines) if fmt == "csv" else read_jsonl(lines)
        with tqdm(total=total, unit="row", disable=quiet or None, file=self.stderr._out) as progress:
            report = Importer(one_line_per_company=fmt == "jsonl").run(rows, progress=progress)
        for line, reason in report.rejected:
            self.stderr.write(f"line {line}: rejected: {reason}")
        self.stdout.write(report.summary())
