"""Numbers of more digits than any request could mean: a ``Content-Length`` of more than
4,300 digits failed inside the limits middleware with Python's "Exceeds the limit (4300
digits) for integer string conversion" (a 500), and a query value of thousands of digits
was described as "1e+200 (a number of 200 digits)", the count of the 200 characters
repeated rather than of the number. Bodies at the size bound are served and one byte
over is a 413 (the bound itself, pinned)."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from tests.serving.service_helpers import client, publish, settings  # noqa: E402

LIMIT = 1024


@pytest.fixture(scope="module")
def http(tmp_path_factory, als, train):
    registry = publish(tmp_path_factory.mktemp("bounds") / "registry", als, train)
    with client(settings(registry, max_body_bytes=LIMIT)) as session:
        yield session


def _body(size: int, item: str) -> bytes:
    start = f'{{"items": ["{item}"], "k": 5'
    return (start + " " * (size - len(start) - 1) + "}").encode()


def test_a_body_at_the_bound_is_served_and_one_byte_over_is_413(http, item):
    headers = {"Content-Type": "application/json"}
    at = http.post("/recommendations/new-user", content=_body(LIMIT, item), headers=headers)
    assert at.status_code == 200, at.text
    over = http.post("/recommendations/new-user", content=_body(LIMIT + 1, item),
                     headers=headers)
    assert over.status_code == 413
    assert over.json() == {"detail": f"request body of {LIMIT + 1} bytes exceeds this "
                                     f"service's limit of {LIMIT} bytes"}


@pytest.mark.parametrize("digits", [25, 5000])
def test_a_content_length_of_many_digits_is_413(http, item, digits):
    answer = http.post("/recommendations/new-user", content=b'{"items": []}',
                       headers={"Content-Type": "application/json",
                                "Content-Length": "9" * digits})
    assert answer.status_code == 413, answer.text
    assert answer.json() == {"detail": f"request body of a {digits:,}-digit number of bytes "
                                       f"exceeds this service's limit of {LIMIT} bytes"}


def test_leading_zeros_of_a_content_length_are_not_digits_of_its_size(http, item):
    body = f'{{"items": ["{item}"]}}'.encode()
    answer = http.post("/recommendations/new-user", content=body,
                       headers={"Content-Type": "application/json",
                                "Content-Length": "0" * 5000 + str(len(body))})
    assert answer.status_code == 200, answer.text


@pytest.mark.parametrize(("value", "shown"), [
    ("9" * 5000, "999999999999... (a number of 5,000 digits)"),
    ("5" * 300, "5.55556e+299 (a number of 300 digits)"),
])
def test_a_long_number_in_the_query_is_described_by_its_own_length(http, user, value, shown):
    answer = http.get(f"/users/{user}/recommendations?k={value}")
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["input"] == shown
