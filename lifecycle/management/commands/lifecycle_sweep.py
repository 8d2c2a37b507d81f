from django.core.management.base import BaseCommand

from lifecycle.sweep import lifecycle_sweep, next_run
from lifecycle.tasks import schedule_next_sweep

LABELS = {
    "reverify_due": "re-verifications due",
    "reverify_next_30_days": "re-verifications due in the next 30 days",
    "samples_drawn": "samples drawn for a second check",
    "samples_unassigned": "records not sampled (no third reviewer in the department)",
    "retention_passed": "customers past retention",
    "destruction_queue": "in the destruction queue (no request, no hold)",
    "destructions_waiting_for_approval": "destructions waiting for a security officer",
    "legal_holds": "legal holds in force",
}


class Command(BaseCommand):
    help = "Fill the lifecycle queues (re-verification, samples, retention) and say what was done; idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule", action="store_true", help="Also queue the daily run in the background worker."
        )

    def handle(self, *args, schedule: bool = False, **options):
        figures = lifecycle_sweep()
        for key, label in LABELS.items():
            self.stdout.write(f"{figures[key]:>8}  {label}")
        if schedule:
            schedule_next_sweep()
            self.stdout.write(f"Next run queued for {next_run():%Y-%m-%d %H:%M}.")
