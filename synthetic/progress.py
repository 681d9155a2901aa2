"""A text progress bar per phase, redrawn in place on a terminal and printed once per tenth elsewhere."""

import sys
import time


class Progress:
    """`Beneficiaries [#####-----] 50,000/100,000  3.1 s`; `done()` ends the line with the phase's time."""

    WIDTH = 30

    def __init__(self, label: str, total: int, stream=None):
        self.label, self.total, self.count = label, max(total, 1), 0
        self.stream = stream or sys.stderr
        self.started = time.perf_counter()
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.shown_tenth = 0
        self.seconds = 0.0

    def advance(self, step: int = 1) -> None:
        self.count = min(self.count + step, self.total)
        tenth = self.count * 10 // self.total
        if self.tty or tenth != self.shown_tenth:
            self.shown_tenth = tenth
            self._draw()

    def done(self, note: str = "") -> float:
        self.count = self.total
        self.seconds = time.perf_counter() - self.started
        self._draw(end="\n", note=note)
        return self.seconds

    def _draw(self, end: str = "", note: str = "") -> None:
        filled = self.count * self.WIDTH // self.total
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        seconds = time.perf_counter() - self.started
        line = f"{self.label:<14} [{bar}] {self.count:,}/{self.total:,}  {seconds:.1f} s {note}".rstrip()
        if self.tty:
            self.stream.write("\r" + line + end)
        elif end or self.count < self.total:
            self.stream.write(line + "\n")
        self.stream.flush()


class Silent(Progress):
    """For tests and callers that want no output."""

    def _draw(self, end: str = "", note: str = "") -> None:
        pass
