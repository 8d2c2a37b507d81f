from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from audit import chain
from audit.models import AccessLogHead
from audit.services import access_log_checkpoint, access_log_verify


class Command(BaseCommand):
    help = (
        "Check the whole access-log chain (keyed) against the checkpoints kept outside the database; "
        "name the first entry that was changed, removed or reordered, or the entries missing from the end."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument(
            "--checkpoints",
            type=Path,
            action="append",
            default=None,
            metavar="FILE",
            help="checkpoint lines to compare with (a checkpoint file, or application log lines); "
            "repeatable; default: CRM_AUDIT_CHECKPOINT_FILE",
        )
        parser.add_argument(
            "--checkpoint",
            action="store_true",
            help="after a good check, write a checkpoint of the chain's head (run hourly)",
        )

    def handle(self, *args, batch_size: int, no_progress: bool, checkpoints, checkpoint: bool, **options):
        try:
            points = None
            if checkpoints:
                points = []
                for path in checkpoints:
                    with path.open(encoding="utf-8") as lines:
                        points += chain.parse_checkpoints(lines)
        except (OSError, chain.CheckpointError) as exc:
            raise CommandError(f"Checkpoints cannot be used: {exc}") from exc
        head = AccessLogHead.objects.filter(pk=1).first()
        total = head.count if head else 0
        with tqdm(total=total, unit="entry", disable=no_progress, file=self.stderr._out) as bar:
            result = access_log_verify(batch_size=batch_size, progress=bar.update, checkpoints=points)
        if not result.ok:
            where = f"first bad entry: #{result.first_bad_id} " if result.first_bad_id else ""
            raise CommandError(
                f"Access log chain broken after {result.checked} good entries: {where}({result.reason})."
            )
        self.stdout.write(self.style.SUCCESS(f"Access log chain intact: {result.checked} entries verified."))
        if checkpoint:
            point = access_log_checkpoint()
            self.stdout.write(f"Wrote a checkpoint of entry #{point.id}.")
