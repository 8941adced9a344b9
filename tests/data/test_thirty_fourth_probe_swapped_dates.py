"""Thirty-fourth probe, dates whose day and month are the other way round from the
``timestamp_format`` given: ``01/13/2020`` under ``%d/%m/%Y`` got only "cannot read
'01/13/2020' as a time". Now the message says that 13 is no month and which format reads
the value (and whether it reads the whole column)."""

import pytest

from recstack.data.files import load_table
from recstack.errors import DataFormatError


def _log(tmp_path, *times):
    path = tmp_path / "log.csv"
    rows = "".join(f"1,{item},3,{time}\n" for item, time in enumerate(times))
    path.write_text("user_id,item_id,value,timestamp\n" + rows)
    return path


def test_a_month_above_12_names_the_swapped_format(tmp_path):
    # 12/01/2020 reads either way; line 3's 13 can only be a day
    path = _log(tmp_path, "12/01/2020", "01/13/2020")
    with pytest.raises(DataFormatError, match=rf"^{path}:3: column 'timestamp': found "
                                              r"'01/13/2020', which does not read as "
                                              r"'%d/%m/%Y': there is no month 13 \(months run "
                                              r"from 01 to 12\), so its day and month look "
                                              r"swapped; every date of the column reads as "
                                              r"'%m/%d/%Y': they put the month before the day; "
                                              r"use timestamp_format='%m/%d/%Y'"):
        load_table(path, timestamp_format="%d/%m/%Y")


def test_a_column_the_swapped_format_does_not_read_whole_is_told_so(tmp_path):
    # line 2 is day-first (25 is no month), so the month-first format cannot read it
    path = _log(tmp_path, "25/01/2020", "01/13/2020")
    with pytest.raises(DataFormatError, match=r":3: column 'timestamp': found '01/13/2020', "
                                              r".*there is no month 13 .*; if the dates put the "
                                              r"month before the day, use "
                                              r"timestamp_format='%m/%d/%Y'"):
        load_table(path, timestamp_format="%d/%m/%Y")


def test_other_unreadable_dates_keep_the_plain_message(tmp_path):
    path = _log(tmp_path, "12/01/2020", "not a date")
    with pytest.raises(DataFormatError, match=r":3: column 'timestamp': cannot read 'not a "
                                              r"date' as a time"):
        load_table(path, timestamp_format="%d/%m/%Y")
