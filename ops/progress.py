"""Progress for the backup and restore commands: a tqdm bar (bytes) on a terminal,
one line per stage otherwise (a log, cron's mail)."""

from __future__ import annotations

from ops.backup import Progress


class CommandProgress(Progress):
    def __init__(self, stdout) -> None:
        self._stdout = stdout
        self._tty = hasattr(stdout, "isatty") and stdout.isatty()
        self._bar = None

    def stage(self, text: str) -> None:
        self.close()
        if self._tty:
            from tqdm import tqdm

            self._bar = tqdm(desc=text, unit="B", unit_scale=True, unit_divisor=1024, file=self._stdout._out)
        else:
            self._stdout.write(f"… {text}")

    def advance(self, size: int) -> None:
        if self._bar is not None:
            self._bar.update(size)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
