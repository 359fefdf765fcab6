"""The date a build is made on: today, or the day of SOURCE_DATE_EPOCH.

SOURCE_DATE_EPOCH (reproducible-builds.org) fixes the date a packet prints and
the date against which claims' review dates are checked, so a build can be
redone byte for byte, and so the tests run as on one fixed day (they set it in
tests/conftest.py) instead of expiring with the calendar.
"""

from __future__ import annotations

import datetime as dt
import os

from .errors import UsageError


def build_date() -> dt.date:
    """Today, or SOURCE_DATE_EPOCH's date (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return dt.date.today()
    try:
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    except (ValueError, OverflowError, OSError):
        raise UsageError(
            f"SOURCE_DATE_EPOCH is '{epoch[:40]}', not a number of seconds since 1970; "
            "unset it or give a whole number such as 1764288000."
        ) from None
