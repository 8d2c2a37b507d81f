from django.core.management.base import BaseCommand
from tqdm import tqdm

from vault import services
from vault.keys import keyring


class Command(BaseCommand):
    help = (
        "Re-wrap every customer's data key under the newest master key in CRM_FIELD_KEYS. "
        "Resumable: run it again after an interruption. When it reports 0 left, the older "
        "master keys can be removed from CRM_FIELD_KEYS."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument("--no-progress", action="store_true", help="No progress bar (for logs).")

    def handle(self, *args, batch_size: int, no_progress: bool, **options):
        newest = keyring().newest.id
        stale = services.data_keys_stale_count()
        self.stdout.write(f"Newest master key: {newest}. Data keys to re-wrap: {stale}.")
        with tqdm(total=stale, unit="key", disable=no_progress or stale == 0, file=self.stderr._out) as bar:
            done = services.data_keys_rewrap(batch_size=batch_size, progress=bar.update)
        left = services.data_keys_stale_count()
        self.stdout.write(self.style.SUCCESS(f"Re-wrapped {done} data keys; {left} left under older master keys."))
        if left == 0:
            others = [key_id for key_id in keyring().master_keys if key_id != newest]
            if others:
                self.stdout.write(
                    f"Master keys no longer needed: {', '.join(others)}. Remove them from CRM_FIELD_KEYS."
                )
