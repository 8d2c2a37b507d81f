from django.core.management.base import BaseCommand

from insight.refresh import current_snapshot, snapshot_refresh
from insight.tasks import next_run, schedule_next_refresh


class Command(BaseCommand):
    help = (
        "Rebuild the customer value and completeness snapshot now and make it current; idempotent. "
        "A run killed half-way leaves the previous snapshot in use."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-missing", action="store_true", help="Do nothing when a snapshot is current (the benchmark's set-up)."
        )
        parser.add_argument(
            "--schedule", action="store_true", help="Also queue the nightly run in the background worker."
        )

    def handle(self, *args, schedule: bool = False, if_missing: bool = False, **options):
        snapshot = current_snapshot() if if_missing else None
        if snapshot is not None:
            self.stdout.write(f"The snapshot of {snapshot.taken_on} is current; nothing to do.")
        else:
            snapshot = snapshot_refresh()
            self.stdout.write(f"Snapshot of {snapshot.taken_on}: {snapshot.customers} customers scored.")
        if schedule:
            schedule_next_refresh()
            self.stdout.write(f"Next run queued for {next_run():%Y-%m-%d %H:%M}.")
