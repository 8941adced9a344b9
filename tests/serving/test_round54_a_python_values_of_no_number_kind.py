"""Round 54 A: from Python, a number field given a value of no number kind (a datetime,
a date, numpy's datetime64, bytes, a complex number) is refused as every other wrong kind
is: naming the field, the range or unit, what was given, and, for a time, how to get the
number meant.

An event's ``timestamp=datetime.now()`` was pydantic's bare "Input should be a valid
number", naming neither what was given nor the unit; a ``position`` of a datetime was
"Input should be a valid integer", without the range. JSON cannot send these values, so
only the Python methods behind the routes (``record_events``, ``recommend_user``,
``recommend_new``) met them. Every expected message is written out here by hand.
"""

from __future__ import annotations

import datetime
import time

import numpy as np
import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.serving.service import InvalidContextError, RequestLimitError  # noqa: E402
from tests.serving.service_helpers import client, publish, settings  # noqa: E402

SECONDS = "Input should be a time in seconds since 1970 (UTC) written as a number (e.g. 1764595200)"
AMOUNT = "Input should be an amount written as a number (e.g. 4.99)"
HOW = "give the time's seconds since 1970 (UTC), as a datetime's .timestamp() gives them"
A_DATETIME = datetime.datetime(2026, 12, 3, 18, 44)


@pytest.fixture(scope="module")
def service(tmp_path_factory, train, als):
    folder = tmp_path_factory.mktemp("round54_a")
    registry = publish(folder / "registry", als, train)
    # record_events needs an event log to write to
    with client(settings(registry, log_dir=str(folder / "logs"))) as opened:
        yield opened.app.state.service


def _event(user, item, **fields):
    return {"user_id": user, "item_id": item, "event": "purchase",
            "timestamp": int(time.time()), **fields}


def _event_refusal(service, event) -> str:
    with pytest.raises(RequestLimitError) as caught:
        service.record_events([event])
    return str(caught.value)


@pytest.mark.parametrize(("value", "said"), [
    # a datetime's repr is cut at 40 characters, and the cut is marked
    (A_DATETIME, "datetime datetime.datetime(2026, 12, 3, 18, 44)"),
    (datetime.date(2026, 12, 3), "date datetime.date(2026, 12, 3)"),
    (np.datetime64("2026-12-03"), "datetime64 2026-12-03"),
])
def test_an_event_time_given_as_a_date_says_how_to_give_seconds(service, user, item, value,
                                                                said):
    message = _event_refusal(service, _event(user, item, timestamp=value))
    # it was "events[0].timestamp: Input should be a valid number"
    assert message == f"events[0].timestamp: {SECONDS}, not {said}; {HOW}"


def test_a_cut_datetime_is_marked_as_cut(service, user, item):
    with_microseconds = datetime.datetime(2026, 12, 3, 18, 44, 25, 123456)
    message = _event_refusal(service, _event(user, item, timestamp=with_microseconds))
    whole = "datetime.datetime(2026, 12, 3, 18, 44, 25, 123456)"
    shown = f"{whole[:20]}...{whole[-10:]} ({len(whole)} characters)"
    assert message == f"events[0].timestamp: {SECONDS}, not datetime {shown}; {HOW}"


@pytest.mark.parametrize(("field", "value", "said"), [
    ("timestamp", b"1764595200", "bytes b'1764595200'"),
    ("timestamp", complex(1764595200, 0), "complex (1764595200+0j)"),
    ("revenue", b"4.99", "bytes b'4.99'"),
    ("cost", complex(1, 0), "complex (1+0j)"),
])
def test_a_number_of_no_number_kind_is_named(service, user, item, field, value, said):
    message = _event_refusal(service, _event(user, item, **{field: value}))
    rule = SECONDS if field == "timestamp" else AMOUNT
    assert message == f"events[0].{field}: {rule}, not {said}"


def test_an_amount_given_as_a_datetime_gets_no_time_hint(service, user, item):
    message = _event_refusal(service, _event(user, item, revenue=datetime.date(2026, 1, 1)))
    assert message == f"events[0].revenue: {AMOUNT}, not date datetime.date(2026, 1, 1)"


@pytest.mark.parametrize(("value", "said"), [
    (A_DATETIME, "datetime"),
    (complex(2, 0), "complex"),
])
def test_a_position_of_no_number_kind_states_the_range(service, user, item, value, said):
    message = _event_refusal(service, _event(user, item, position=value))
    # it was "events[0].position: Input should be a valid integer"
    assert message == f"events[0].position: Input should be a whole number from 1 to 1000, " \
                      f"not {said}"


def test_a_request_time_given_as_a_datetime_is_refused_alike(service, user, item):
    said = "datetime datetime.datetime(2026, 12, 3, 18, 44)"
    for call in (lambda: service.recommend_user(user, 3, timestamp=A_DATETIME),
                 lambda: service.recommend_new([item], 3, timestamp=A_DATETIME)):
        with pytest.raises(InvalidContextError) as caught:
            call()
        assert str(caught.value) == f"timestamp: {SECONDS}, not {said}; {HOW}"


def test_numbers_of_numpy_and_decimal_kinds_are_still_taken(service, user, item):
    import decimal

    now = int(time.time())
    taken = service.record_events([
        _event(user, item, timestamp=np.int64(now), position=np.int64(2),
               revenue=np.float32(1.5)),
        _event(user, item, timestamp=decimal.Decimal(now), revenue=decimal.Decimal("4.99")),
    ])
    assert taken == 2
