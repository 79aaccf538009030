"""The demo's clock: months of order history made today, through the real services.

Every service stamps its rows with django.utils.timezone.now() (directly, or as a model
field's default), and the ledger's entries can never be changed afterwards (a trigger refuses
it), so an order placed "in September" has to be placed while the clock says September. Inside
`demo_clock()`, timezone.now() returns the clock's time (set by the caller, one microsecond
later at each call, so rows keep their order). It works by swapping the `datetime` that
django.utils.timezone.now() reads, which also reaches the field defaults that captured now()
itself. Demo seeding only: nothing else imports demo (docs/architecture.md).
"""

import datetime as dt
from contextlib import contextmanager
from unittest import mock

from django.utils import timezone as django_timezone

RealDatetime = dt.datetime
TICK = dt.timedelta(microseconds=1)


class DemoClock:
    def __init__(self, at: dt.datetime):
        self.at = at

    def set(self, at: dt.datetime) -> None:
        self.at = at


class _SameTypeMeta(type):
    # timezone.template_localtime() asks isinstance(value, datetime): real datetimes must pass.
    def __instancecheck__(cls, instance):
        return isinstance(instance, RealDatetime)


@contextmanager
def demo_clock(at: dt.datetime):
    """Run the block with timezone.now() at `at` (and whatever DemoClock.set says next)."""
    clock = DemoClock(at)

    class ClockDatetime(RealDatetime, metaclass=_SameTypeMeta):
        @classmethod
        def now(cls, tz=None):
            clock.at += TICK
            return clock.at.astimezone(tz) if tz is not None else clock.at.replace(tzinfo=None)

    with mock.patch.object(django_timezone, "datetime", ClockDatetime):
        yield clock
