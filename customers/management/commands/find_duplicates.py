"""`python manage.py find_duplicates [--json]`: the company-wide duplicate sweep
(issue 19). Stores what it finds for the managers' "possible duplicates" page
and prints the pairs; with `--json` the last line is one object
`{"pairs": [{"a": "KH…", "b": "KH…", "rules": [...], "score": 0.0}]}`."""

from __future__ import annotations

import json
import time

from django.core.management.base import BaseCommand
from django.db import connections

from customers.matching import explain, match_keys_backfill
from customers.models import Customer
from customers.services import duplicate_pairs_store
from customers.sweep import find_duplicate_pairs


class Command(BaseCommand):
    help = "Find possible duplicate customers across every department (blocking on the folded keys)."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="End with one JSON object of the pairs.")
        parser.add_argument("--no-store", action="store_true", help="Only print: leave the managers' page as it was.")
        parser.add_argument(
            "--fill-keys",
            action="store_true",
            help="First fill the match keys of rows written without them (a bulk load that bypassed the model).",
        )

    def handle(self, *args, **options):
        started = time.perf_counter()
        if options["fill_keys"]:
            filled = match_keys_backfill(Customer, only_missing=True)
            self.stderr.write(f"Match keys filled: {filled} rows.")
        queries_before = len(connections["default"].queries) if connections["default"].queries_logged else None
        result = find_duplicate_pairs()
        if not options["no_store"]:
            duplicate_pairs_store(result)
        elapsed = time.perf_counter() - started
        number = result.archive_no
        if options["json"]:
            pairs = [
                {"a": number[p.a], "b": number[p.b], "rules": list(p.rules), "score": p.score} for p in result.pairs
            ]
            self.stdout.write(json.dumps({"pairs": pairs}, ensure_ascii=False))
            return
        for p in result.pairs:
            self.stdout.write(f"{number[p.a]}  {number[p.b]}  {p.score:.2f}  {explain(list(p.rules))}")
        summary = (
            f"{len(result.pairs)} possible duplicate pairs among {result.rows_compared} records sharing a key "
            f"({result.blocks_skipped} oversized blocks skipped) in {elapsed:.1f} s."
        )
        if queries_before is not None:
            summary += f" {len(connections['default'].queries) - queries_before} queries."
        self.stdout.write(summary)
