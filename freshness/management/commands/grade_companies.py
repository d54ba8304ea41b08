from django.core.management.base import BaseCommand, CommandError

from core.locks import SweepRunning, sweep_lock
from freshness import grading


class Command(BaseCommand):
    help = "Grades every company now (the same code as the daily job) and says how many grades changed."

    def handle(self, **options):
        try:
            with sweep_lock("grades"):
                changed = grading.grade_companies()
        except SweepRunning:
            raise CommandError("Another grading run is going on; try again when it has finished.") from None
        self.stdout.write(f"grades: {changed} changed")
