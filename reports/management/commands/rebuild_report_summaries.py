"""Recompute every report summary from its table (reports.summaries)."""

from django.core.management.base import BaseCommand

from reports import summaries


class Command(BaseCommand):
    help = "Recompute the report summaries (kept by triggers) from a fresh GROUP BY of their tables."

    def handle(self, *args, **options) -> None:
        for table, rows in summaries.rebuild().items():
            self.stdout.write(f"{table}: {rows} rows")
