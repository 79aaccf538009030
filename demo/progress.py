"""A one-line progress bar for seed_demo (no dependency): `\r` redraws it in a terminal; a
log or a pipe gets one line at the end only, so `make run`'s output stays readable."""

import time

BAR_WIDTH = 24


class ProgressBar:
    def __init__(self, stream, label: str, *, tty: bool | None = None):
        self.stream = stream
        self.label = label
        self.started = time.monotonic()
        self.tty = stream.isatty() if tty is None else tty
        self.last = ""

    def __call__(self, done: int, total: int) -> None:
        seconds = max(time.monotonic() - self.started, 1e-6)
        filled = BAR_WIDTH * done // total if total else BAR_WIDTH
        self.last = (
            f"{self.label} [{'#' * filled}{'-' * (BAR_WIDTH - filled)}] "
            f"{done}/{total} {done / seconds:.1f}/s"
        )
        if self.tty:
            self.stream.write("\r" + self.last, ending="")
            self.stream.flush()

    def close(self) -> None:
        if self.last:
            self.stream.write(("\r" if self.tty else "") + self.last)
