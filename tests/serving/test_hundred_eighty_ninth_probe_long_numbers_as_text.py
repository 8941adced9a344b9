"""Hundred-eighty-ninth probe: a number sent where text belongs (an id, a list of ids, a
reload's variant) is told the text it stands for (``20`` is ``"20"``). A number whose
digits cannot be given back was told a text nobody meant: the 422 cut every run of more than
40 digits to its float form, so ``10**45`` was told to write ``"1e+45 (a number of 46
digits)"``; ``1e40``, a float, was told its float digits or ``["1e+40"]``; ``20.0`` as a
list was told ``["20.0"]`` where the id rule reads it as ``"20"``; and "the number ..."
showed the first 40 digits of a longer number, another number. Now such numbers are named
by their digit count, and a float past 2**53 is said not to be exact."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.serving.schemas import number_text  # noqa: E402
from tests.serving.service_helpers import TOKEN, client, publish, settings  # noqa: E402

ID = "Input should be an id written as text (a JSON string)"
NOT_EXACT = ": a number this large is not exact; write the id's own digits in quotes"
CASES = {
    # raw JSON body -> (path, the message)
    b'{"items": [1' + b"0" * 44 + b"]}": (
        "/recommendations/new-user",
        f"body field items[0]: {ID}, not a number of 45 digits: write its digits in quotes"),
    b'{"items": [' + b"9" * 200 + b"]}": (
        "/recommendations/new-user",
        f"body field items[0]: {ID}, not a number of 200 digits: write its digits in "
        "quotes; an id is at most 128 characters"),
    b'{"items": [1e40]}': ("/recommendations/new-user",
                           f"body field items[0]: {ID}, not the number 1e+40{NOT_EXACT}"),
    b'{"items": [9007199254740993.0]}': (
        "/recommendations/new-user",
        f"body field items[0]: {ID}, not the number 9.0072e+15{NOT_EXACT}"),
    b'{"items": [1e999]}': (
        "/recommendations/new-user",
        f"body field items[0]: {ID}, not the number 1e999, beyond a float's range"
        f"{NOT_EXACT}"),
    # as before: numbers whose text is known are told it
    b'{"items": [12345678901234567890]}': (
        "/recommendations/new-user",
        f'body field items[0]: {ID}: "12345678901234567890", not the number '
        "12345678901234567890"),
    b'{"items": [3.0]}': ("/recommendations/new-user",
                          f'body field items[0]: {ID}: "3", not the number 3.0'),
    # one number where the list belongs
    b'{"items": 20.0}': ("/recommendations/new-user",
                         'body field items: Input should be a list of ids such as ["20"], not '
                         "the number 20.0"),
    b'{"items": 1e40}': ("/recommendations/new-user",
                         'body field items: Input should be a list of ids such as ["42"], not '
                         "the number 1e+40"),
    b'{"items": 1' + b"0" * 45 + b"}": (
        "/recommendations/new-user",
        'body field items: Input should be a list of ids such as ["42"], not a number of 46 '
        "digits"),
    # an event's ids
    b'{"events": [{"event": "click", "user_id": ' + b"7" * 50 + b', "item_id": "1", '
    b'"timestamp": 1700000000}]}': (
        "/events", f"body field events[0].user_id: {ID}, not a number of 50 digits: write "
        "its digits in quotes"),
    # a text field that is not an id
    b'{"variant": 1' + b"0" * 45 + b"}": (
        "/admin/reload",
        "body field variant: Input should be text (a JSON string), not a number of 46 digits"),
    b'{"variant": 1e40}': ("/admin/reload", "body field variant: Input should be text (a "
                                            "JSON string), not the number 1e+40"),
    b'{"variant": 5}': ("/admin/reload", 'body field variant: Input should be text (a JSON '
                                         'string): "5", not the number 5'),
}


@pytest.fixture(scope="module")
def http(tmp_path_factory, als, train):
    registry = publish(tmp_path_factory.mktemp("long_numbers") / "registry", als, train)
    with client(settings(registry, admin_token=TOKEN)) as opened:
        yield opened


@pytest.mark.parametrize("body", list(CASES), ids=range(len(CASES)))
def test_a_number_where_text_belongs_is_told_the_text_it_stands_for_or_its_length(http,
                                                                                  body):
    path, message = CASES[body]
    answer = http.post(path, content=body, headers={
        "content-type": "application/json", "authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 422, answer.text
    assert answer.json()["message"] == message


def test_the_text_of_a_number_worked_by_hand():
    assert number_text(20) == number_text(20.0) == "20"
    assert number_text(-7.0) == "-7"
    assert number_text(2.5) == "2.5"
    assert number_text(10**39) == "1" + "0" * 39  # 40 digits: given back whole
    assert number_text(10**40) is None  # 41 digits: cut by the answer, so not offered
    assert number_text(2.0**53 - 1) == "9007199254740991"
    assert number_text(2.0**53) is None  # a float from 2**53 on is not exact
    assert number_text(float("inf")) is None
    assert number_text(True) is None and number_text("5") is None
