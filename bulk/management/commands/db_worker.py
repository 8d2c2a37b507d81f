"""django-tasks' database worker, which first settles what a dead worker left:
imports whose process died are marked failed with a message (an import resumes
when started again), their tasks too (bulk.recovery). It names itself by its
process (host:pid:start), so the next worker can tell whether it is still alive.
Other apps' companions (bulk.worker: ops' heartbeat) run beside it while it runs."""

from __future__ import annotations

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorker

from bulk import recovery, worker


class Command(DatabaseWorker):
    help = DatabaseWorker.help + "; first marks the imports of a dead worker as failed (they resume when restarted)"

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(worker_id=recovery.process_identity())

    def handle(self, *args, **options) -> None:
        settled = recovery.recover_interrupted_jobs()
        if settled:
            self.stderr.write(f"{settled} interrupted import(s) marked failed; an import resumes when started again.")
        # What other apps run beside the worker (ops: its heartbeat), for as long as it runs.
        with worker.companions(options["worker_id"]):
            super().handle(*args, **options)
