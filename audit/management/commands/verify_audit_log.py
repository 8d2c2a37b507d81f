from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from audit.models import AccessLogHead
from audit.services import access_log_verify


class Command(BaseCommand):
    help = "Check the whole access-log chain; name the first entry that was changed, removed or reordered."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, batch_size: int, no_progress: bool, **options):
        head = AccessLogHead.objects.filter(pk=1).first()
        total = head.count if head else 0
        with tqdm(total=total, unit="entry", disable=no_progress, file=self.stderr._out) as bar:
            result = access_log_verify(batch_size=batch_size, progress=bar.update)
        if not result.ok:
            raise CommandError(
                f"Access log chain broken after {result.checked} good entries: "
                f"first bad entry: #{result.first_bad_id} ({result.reason})."
            )
        self.stdout.write(self.style.SUCCESS(f"Access log chain intact: {result.checked} entries verified."))
