"""A number typed for a numeric context column (``recstack recommend --context
screen=...``) is read by the one rule of numbers on a command line.

Python's float() also read ``1_0`` as 10, `` 5`` as 5 and the Arabic-Indic ``\u0663``
as 3, so that a mistyped value ranked the lists in another context without a word. Such
a value is now refused, naming the column and how to write the number.
"""

from __future__ import annotations

import pytest

pytest.importorskip("lightgbm", reason="the two-stage model's ranker needs lightgbm")

from recstack.errors import ConfigError  # noqa: E402
from recstack.models import create_model  # noqa: E402
from recstack.serving.commands import request_context_from_text  # noqa: E402
from tests.serving.test_request_context import COMMON, device_log  # noqa: E402


@pytest.fixture(scope="module")
def model():
    return create_model("two_stage", features={"context_columns": ["device", "screen"]},
                        **COMMON).fit(device_log())


@pytest.mark.parametrize("typed", ["1_0", " 5", "5 ", "\u0663", "\uff15", "5\u00a0"])
def test_a_number_not_written_plainly_is_refused(model, typed):
    with pytest.raises(ConfigError) as raised:
        request_context_from_text(model, [f"screen={typed}", "device=a"])
    assert str(raised.value) == (
        f"--context screen={typed!r}: two_stage takes a number for 'screen', written in "
        "plain ASCII digits, without spaces, '_' separators or other scripts' digits")


@pytest.mark.parametrize(("typed", "number"), [("5.5", 5.5), ("-0.5e1", -5.0), ("10", 10.0),
                                                ("+3", 3.0), (".5", 0.5)])
def test_a_plain_number_is_read(model, typed, number):
    context = request_context_from_text(model, [f"screen={typed}", "device=a"])
    assert context == {"screen": number, "device": "a"}
    assert type(context["screen"]) is float


@pytest.mark.parametrize("typed", ["big", "inf", "nan"])
def test_text_and_infinities_are_still_no_finite_number(model, typed):
    with pytest.raises(ConfigError, match=f"screen={typed!r}: two_stage takes a finite "
                       "number for 'screen'"):
        request_context_from_text(model, [f"screen={typed}"])
