"""What ``vern tick``'s jobs share: carrying on past one failing item.

A job works through many items (entries to remind about, steps, records past
their retention). One item that fails (a mail server that refuses every
recipient, a row that no longer validates) must not keep the others from
being done, nor the jobs after it from running. The routine engine's
``run_notices`` (``core/routines.py``) and ``apply_retention``
(``core/retention.py``) wrap each item in ``failures.item(...)``: an exception
there is logged with its traceback and counted, and the job goes on. At the
end ``failures.result(done)`` returns the count, or raises ``JobFailed`` if
any item failed, which ``vern tick`` reports before going on to the next job
and exiting non-zero at the end.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

logger = logging.getLogger("vern.tick")


class JobFailed(Exception):
    """Some items of a job failed; the rest were done."""

    def __init__(self, job: str, *, done: int, failed: int):
        super().__init__(f"{job}: {failed} item(s) failed, {done} done")
        self.job = job
        self.done = done
        self.failed = failed


class ItemFailures:
    def __init__(self, job: str):
        self.job = job
        self.failed = 0

    @contextmanager
    def item(self, what: str, *, count: int = 1) -> Iterator[None]:
        """``count``: how many items fail together if this block raises (a batch)."""
        try:
            yield
        except Exception:
            self.failed += count
            logger.exception("%s failed for %s; going on with the others", self.job, what)

    def result(self, done: int) -> int:
        if self.failed:
            raise JobFailed(self.job, done=done, failed=self.failed)
        return done
