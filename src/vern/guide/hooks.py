"""What the directory's writes reach of the guide: two signal receivers.

After a commit that changed services (``vern.directory.signals``), the change
goes into the log that every process reads, and this process looks at it on
its next read instead of within the second.
"""

from __future__ import annotations

from vern.guide.models import GuideChange
from vern.guide.snapshot import LOG_LIMIT, snapshot


def record_change(sender, *, services: frozenset, everything: bool, **kwargs) -> None:
    if everything or len(services) > LOG_LIMIT:
        rows = [GuideChange(service_id=None)]  # every process builds again
    else:
        rows = [GuideChange(service_id=pk) for pk in services]
    if not rows:
        return
    created = GuideChange.objects.bulk_create(rows)
    newest = created[-1].pk
    if newest is not None and newest % 500 < len(rows):  # now and then, not every time
        GuideChange.objects.filter(id__lte=newest - GuideChange.KEEP).delete()
    snapshot.expire()


def forget_rolled_back(sender, **kwargs) -> None:
    snapshot.clear()


def connect() -> None:
    from vern.directory import signals

    signals.directory_changed.connect(record_change, dispatch_uid="guide.record_change")
    signals.directory_rolled_back.connect(forget_rolled_back, dispatch_uid="guide.rolled_back")
