from django.core.management.base import BaseCommand

from gethelp import dumps


class Command(BaseCommand):
    help = "Writes the open-data dump (companies as JSON Lines, channels as CSV, both gzipped) now."

    def add_arguments(self, parser):
        parser.add_argument("--folder", help="Where to write; defaults to DUMP_DIR.")

    def handle(self, folder=None, **options):
        entry = dumps.write_dump(folder)
        for file in entry["files"]:
            self.stdout.write(
                f"{file['name']}: {file['records']} records, {file['bytes']} bytes, sha256 {file['sha256']}"
            )
