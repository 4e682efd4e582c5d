"""A note's local time: the same minute ``astimezone().strftime`` gave, in every time zone
(half-hour and 45-minute offsets, historic offsets with seconds, DST changes), for any stamp."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tui_reader.notes.citation import local_time

ZONES = ["UTC", "Europe/Amsterdam", "America/St_Johns", "Asia/Kathmandu", "Australia/Lord_Howe"]


def _old_local_time(stamp: str) -> str:
    """The local time as it was made before (a timezone and a datetime per call)."""
    try:
        when = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    return when.astimezone().strftime("%Y-%m-%d %H:%M")


def _outcome(stamp: str, make: object) -> str:
    assert callable(make)
    try:
        return str(make(stamp))
    except (OverflowError, OSError, ValueError) as exc:  # both must fail alike at the edges
        return type(exc).__name__


@pytest.fixture(params=ZONES)
def zone(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    if not Path("/usr/share/zoneinfo", request.param).exists() and request.param != "UTC":
        pytest.skip(f"no tz data for {request.param}")
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield request.param
    monkeypatch.undo()
    time.tzset()


offsets = st.integers(-18 * 3600 + 1, 18 * 3600 - 1).map(
    lambda s: dt.timezone(dt.timedelta(seconds=s))
)
stamps = st.datetimes(
    min_value=dt.datetime(1, 1, 2),
    max_value=dt.datetime(9999, 12, 30),
    timezones=st.none() | offsets,
).map(lambda d: d.isoformat())


# The zone is set once per test and stays the same for every example: nothing to reset.
@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(stamp=stamps)
@example(stamp="2026-11-29T10:15:00.999999Z")
@example(stamp="2026-03-29T00:59:59.999999+00:00")  # Amsterdam's clock goes forward at 01:00
@example(stamp="1900-01-01T00:00:00Z")  # Amsterdam then: +00:19:32
@example(stamp="0001-01-01T00:00:00+14:00")
@example(stamp="9999-12-31T23:59:59-12:00")
@example(stamp="not a time")
def test_local_time_is_the_minute_astimezone_gives(zone: str, stamp: str) -> None:
    assert _outcome(stamp, local_time) == _outcome(stamp, _old_local_time), (zone, stamp)
