from django.core.management.base import BaseCommand

from insight.refresh import snapshot_refresh
from insight.tasks import next_run, schedule_next_refresh


class Command(BaseCommand):
    help = (
        "Rebuild the customer value and completeness snapshot now and make it current; idempotent. "
        "A run killed half-way leaves the previous snapshot in use."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule", action="store_true", help="Also queue the nightly run in the background worker."
        )

    def handle(self, *args, schedule: bool = False, **options):
        snapshot = snapshot_refresh()
        self.stdout.write(f"Snapshot of {snapshot.taken_on}: {snapshot.customers} customers scored.")
        if schedule:
            schedule_next_refresh()
            self.stdout.write(f"Next run queued for {next_run():%Y-%m-%d %H:%M}.")
