"""Hundred-thirty-sixth bad-input probe: a saved calibrator holding an endless integer.

A calibrator file edited by hand to hold an integer of thousands of digits was Python's
own ``ValueError`` from ``load_calibrator`` ("Exceeds the limit (4300 digits) for integer
string conversion ... use sys.set_int_max_str_digits()"), a traceback that advised changing
the interpreter. It is a :class:`CalibrationError` naming the file, the line and the
column; a merely long integer is still named by its field."""

from __future__ import annotations

import sys

import pytest

from recstack.pipeline.calibration import CalibrationError, load_calibrator

HEAD = '{\n  "format": "recstack-calibrator",\n  "type": "platt",\n'


def test_an_endless_integer_is_named_by_file_line_and_column(tmp_path):
    digits = sys.get_int_max_str_digits() + 700
    path = tmp_path / "platt.json"
    path.write_text(HEAD + '  "slope": ' + "7" * digits + ',\n  "intercept": 0\n}\n')
    with pytest.raises(CalibrationError) as caught:
        load_calibrator(path)
    message = str(caught.value)
    # line 4, after the 11 characters of '  "slope": '
    assert message.startswith(f"{path}: a {digits:,}-digit integer is too long to be a "
                              "number here")
    assert "at line 4 column 12" in message and "set_int_max_str_digits" not in message


def test_a_long_integer_within_python_s_limit_is_named_by_its_field(tmp_path):
    path = tmp_path / "platt.json"
    path.write_text(HEAD + '  "slope": ' + "7" * 400 + ',\n  "intercept": 0\n}\n')
    with pytest.raises(CalibrationError, match=r"damaged platt calibrator \(slope: a "
                       "400-digit integer is not a finite number"):
        load_calibrator(path)
