from django.core.management.base import BaseCommand

from watch.sweep import next_run, watch_sweep
from watch.tasks import schedule_next_sweep


class Command(BaseCommand):
    help = "Raise misuse alerts for unusual bursts of reveals, exact lookups and exports; idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule", action="store_true", help="Also queue the hourly run in the background worker."
        )

    def handle(self, *args, schedule: bool = False, **options):
        figures = watch_sweep()
        self.stdout.write(f"{figures['bursts']:>8}  unusual bursts found")
        self.stdout.write(f"{figures['raised']:>8}  alerts raised")
        self.stdout.write(f"{figures['updated']:>8}  open alerts whose count grew")
        if schedule:
            schedule_next_sweep()
            self.stdout.write(f"Next run queued for {next_run():%Y-%m-%d %H:%M}.")
