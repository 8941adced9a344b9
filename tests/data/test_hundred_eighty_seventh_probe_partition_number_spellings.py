"""Hundred-eighty-seventh probe, partition folders naming a number in another spelling.

``year=-2020``, ``year=2020.0``, ``month=+05``, ``month=%30%35`` (percent-encoded, as
Hive escapes names), ``month= 05`` and ``month=٠٥`` (Arabic-Indic digits) were each
refused as "is not a whole number", which ``-2020`` and ``2020.0`` are, without saying
what is wrong with them or which folder name is right. The refusal now names the
spelling and the folder name write_partitioned writes (or why the number is no value of
the level); a value naming no number is refused as before."""

from __future__ import annotations

import re

import pytest

from recstack.data.interactions import Interactions
from recstack.data.partitioned import read_partitioned, write_partitioned
from recstack.errors import DataFormatError

EXPECTED = " (expected folders such as year=2024/month=03, as write_partitioned writes them)"


@pytest.fixture
def root(tmp_path):
    data = Interactions.from_arrays(["a", "b"], ["x", "y"], [1, 2],
                                    [1_577_836_800, 1_580_515_200])  # 2020-01-01, 2020-02-01
    return write_partitioned(data, tmp_path / "log")


@pytest.mark.parametrize(("folder", "why"), [
    ("month=+05", "it is written with a sign; name the folder month=05"),
    ("month=5.0", "it is written with a fraction; name the folder month=05"),
    ("month= 05", "it is written with spaces around it; name the folder month=05"),
    ("month=%30%35", "it is percent-encoded (it decodes to '05'); name the folder month=05"),
    ("month=%2B5", "it is percent-encoded (it decodes to '+5'); name the folder month=05"),
    ("month=\u0660\u0665", "it is written in the digits of another script; name the folder "
                           "month=05"),
    ("month=\uff11\uff12", "it is written in the digits of another script; name the folder "
                           "month=12"),
    ("month=-1", "it is written with a sign, and -1 is no month (a month folder holds 2 "
                 "digits from 1 up)"),
])
def test_a_month_spelled_otherwise_is_named_with_the_right_folder(root, folder, why):
    (root / "year=2020" / "month=01").rename(root / "year=2020" / folder)
    value = folder.partition("=")[2]
    with pytest.raises(DataFormatError) as refused:
        read_partitioned(root)
    assert str(refused.value) == (
        f"{root}: partition folder 'year=2020/{folder}': month={value!r} is not written in "
        f"plain digits 0-9: {why}{EXPECTED}")


@pytest.mark.parametrize(("folder", "why"), [
    ("year=2020.0", "it is written with a fraction; name the folder year=2020"),
    ("year=-2020", "it is written with a sign, and -2020 is no year (a year folder holds 4 "
                   "digits from 1 up)"),
    ("year=+20200", "it is written with a sign, and 20200 is no year (a year folder holds 4 "
                    "digits from 1 up)"),
])
def test_a_year_spelled_otherwise_is_named_so(root, folder, why):
    (root / "year=2020").rename(root / folder)
    with pytest.raises(DataFormatError, match=re.escape(
            f"partition folder '{folder}/month=01': year={folder[5:]!r} is not written in "
            f"plain digits 0-9: {why}{EXPECTED}")):
        read_partitioned(root)


@pytest.mark.parametrize("value", ["05x", "may", "%zz"])
def test_a_value_naming_no_number_is_not_a_whole_number_as_before(root, value):
    (root / "year=2020" / "month=01").rename(root / "year=2020" / f"month={value}")
    with pytest.raises(DataFormatError, match=re.escape(
            f"month={value!r} is not a whole number{EXPECTED}")):
        read_partitioned(root)
