"""``recstack online`` on the event logs a real service leaves: parts compressed by a log
rotation, a part pruned while the log is read, retried posts, the impressions of one list,
clicks on items never shown, a line cut off mid-write, lines of two writers interleaved, a
variant renamed mid-log, parts of an older schema, an empty log and a log of many rows.
Each gives the right numbers (counted here by hand) or one message naming the file, the
line or row, and the field."""

from __future__ import annotations

import gzip
import shutil
import warnings

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.errors import RecstackError
from recstack.serving import request_log
from recstack.serving.online import online_report, read_events
from recstack.serving.request_log import EVENT_SCHEMA, read_log

NOW = 1_796_000_000.0


def _rows(spec: list[tuple], *, received: float = 0.0) -> list[dict]:
    """Rows of the service's event log from (variant, session, event, seconds, item)."""
    return [dict(time=pd.Timestamp(NOW + seconds + received, unit="s", tz="UTC"),
                 timestamp=NOW + seconds, event=event, user_id="u-" + session,
                 item_id=item, session_id=session, variant=variant, model="als@1",
                 request_id="r-" + session, position=1, revenue=None, cost=None)
            for variant, session, event, seconds, item in spec]


def _part(folder, number: int, rows: list[dict], schema: pa.Schema = EVENT_SCHEMA):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"events-20261201T0000{number:02d}000000Z-11-{number:06d}.parquet"
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), path)
    return path


def _list_shown(variant: str, session: str, clicked: str | None = None) -> list[tuple]:
    """One served list of five items shown at one moment, one of them clicked."""
    spec = [(variant, session, "impression", 0, f"i{n}") for n in range(5)]
    return spec + ([(variant, session, "click", 20, clicked)] if clicked else [])


def _report(location):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report = online_report(location)
    return report, [str(w.message) for w in caught
                    if "standard error" not in str(w.message)]  # the tests' own notes


def test_the_impressions_of_one_list_are_no_repeats_and_a_retry_is_said_once(tmp_path):
    folder = tmp_path / "events"
    rows = _rows(_list_shown("control", "s1", "i2") + _list_shown("control", "s2")
                 + _list_shown("B", "s3", "i0") + _list_shown("B", "s4", "i4"))
    _part(folder, 1, rows)
    report, said = _report(tmp_path)
    assert said == []  # five impressions at one time, of five items, are five events
    assert report.metrics.at["control", "impressions"] == 10
    # a client that retried its post of s3's click: logged again, received 2 s later
    retry = _rows([("B", "s3", "click", 20, "i0")], received=2.0)
    second = _part(folder, 2, retry)
    report, said = _report(tmp_path)
    (warning,) = said  # said once, not once per test of the report
    assert "1 row(s) repeat an earlier row in every column" in warning
    assert f"row 0 of {second} repeats row 16 of " in warning
    assert report.metrics.at["B", "clicks"] == 3  # kept, and counted, as the warning says


def test_a_part_compressed_by_a_log_rotation_is_read(tmp_path):
    folder = tmp_path / "events"
    _part(folder, 1, _rows(_list_shown("control", "s1", "i1") + _list_shown("B", "s2")))
    newer = _part(folder, 2, _rows(_list_shown("B", "s3", "i3")))
    older = _part(folder, 3, _rows(_list_shown("control", "s4", "i2")))
    for path in (newer, older):  # logrotate's compress: the part replaced by its .gz
        with path.open("rb") as plain, gzip.open(f"{path}.gz", "wb") as packed:
            shutil.copyfileobj(plain, packed)
        path.unlink()
    report, _ = _report(tmp_path)
    # by hand: control s1 and s4, 10 impressions, 2 clicks; B s2 and s3, 10 and 1
    assert report.metrics.loc["control", ["sessions", "impressions", "clicks"]].tolist() \
        == [2, 10, 2]
    assert report.metrics.loc["B", ["sessions", "impressions", "clicks"]].tolist() \
        == [2, 10, 1]
    frame = read_log(folder, "events")
    assert frame["log_file_"].iloc[-1] == f"{older}.gz"  # in the order of the names


def test_a_part_there_both_plain_and_compressed_is_refused_naming_both(tmp_path):
    folder = tmp_path / "events"
    path = _part(folder, 1, _rows(_list_shown("control", "s1", "i1")))
    with path.open("rb") as plain, gzip.open(f"{path}.gz", "wb") as packed:
        shutil.copyfileobj(plain, packed)
    with pytest.raises(RecstackError) as caught:
        online_report(tmp_path)
    message = str(caught.value)
    assert str(path) in message and f"{path.name}.gz" in message
    assert "the same part of the events log twice" in message


def test_a_damaged_compressed_part_is_named(tmp_path):
    folder = tmp_path / "events"
    _part(folder, 1, _rows(_list_shown("control", "s1", "i1")))
    damaged = folder / "events-20261201T000002000000Z-11-000002.parquet.gz"
    damaged.write_bytes(gzip.compress(b"PAR1 not a whole file")[:20])
    with pytest.raises(RecstackError) as caught:
        online_report(tmp_path)
    assert str(caught.value).startswith(f"{damaged}: not a readable Parquet file")


@pytest.mark.parametrize("ending", [".gz", ".bz2"])
def test_an_export_compressed_is_read_as_the_plain_one(tmp_path, ending):
    import bz2

    plain = tmp_path / "events.csv"
    rows = pd.DataFrame(_rows(_list_shown("control", "s1", "i1") + _list_shown("B", "s2")
                              + _list_shown("B", "s3", "i2")))
    rows.drop(columns=["time"]).to_csv(plain, index=False)
    packed = tmp_path / f"events.csv{ending}"
    packed.write_bytes((gzip.compress if ending == ".gz" else bz2.compress)(
        plain.read_bytes()))
    pd.testing.assert_frame_equal(_report(packed)[0].metrics, _report(plain)[0].metrics)
    # and a compressed one names its line as the plain one does
    lines = plain.read_text().splitlines()
    lines[3] = lines[3].replace("impression", "impresion")
    packed.write_bytes((gzip.compress if ending == ".gz" else bz2.compress)(
        "\n".join(lines).encode()))
    with pytest.raises(RecstackError, match=r"events\.csv\.(gz|bz2): line 4: event "
                                            r"'impresion' is not one of"):
        online_report(packed)


def test_a_parquet_export_compressed_is_read(tmp_path):
    path = _part(tmp_path / "x", 1, _rows(_list_shown("control", "s1", "i1")
                                          + _list_shown("B", "s2", "i3")))
    packed = tmp_path / "events.parquet.gz"
    packed.write_bytes(gzip.compress(path.read_bytes()))
    assert read_events(packed)["event"].value_counts().to_dict() == {"impression": 10,
                                                                    "click": 2}


def test_a_part_pruned_while_the_log_is_read_is_no_error(tmp_path, monkeypatch):
    folder = tmp_path / "events"
    first = _part(folder, 1, _rows(_list_shown("control", "s1", "i1")))
    _part(folder, 2, _rows(_list_shown("control", "s2") + _list_shown("B", "s3", "i0")))
    _part(folder, 3, _rows(_list_shown("B", "s4", "i1")))
    original = request_log.read_log_file

    def pruned_as_read(path, *args, **kwargs):
        if path == first and first.exists():  # the service's keep_files, mid-read
            first.unlink()
        return original(path, *args, **kwargs)

    monkeypatch.setattr(request_log, "read_log_file", pruned_as_read)
    batches = request_log.log_batches

    def pruned_as_batched(files, *args, **kwargs):
        if first.exists():  # pruned once the parts were listed, as the log is read
            first.unlink()
        return batches(files, *args, **kwargs)

    monkeypatch.setattr(request_log, "log_batches", pruned_as_batched)
    report, _ = _report(tmp_path)
    # the log as it is now: s1's part is gone
    assert report.metrics["sessions"].to_dict() == {"B": 2, "control": 1}


def test_a_click_on_an_item_never_shown_is_counted_with_one_warning(tmp_path):
    folder = tmp_path / "events"
    path = _part(folder, 1, _rows(_list_shown("control", "s1", "i1")
                                  + [("control", "s1", "click", 30, "i9")]
                                  + _list_shown("B", "s2", "i2")
                                  + [("B", "s3", "click", 5, "i1")]))
    report, said = _report(tmp_path)
    (warning,) = said
    assert "2 click(s) on an item their session never logged an impression of, the first " \
           f"at row 6 of {path} ('item_id' 'i9', 'session_id' 's1')" in warning
    assert report.metrics.at["control", "ctr"] == pytest.approx(2 / 5)
    assert report.metrics.at["B", "ctr"] == pytest.approx(2 / 5)


def test_a_line_cut_off_mid_write_is_named_with_its_line_and_field(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text("variant,session_id,event,timestamp,revenue,cost\n"
                    f"control,s1,impression,{NOW:.0f},,\n"
                    f"B,s2,impression,{NOW:.0f},,\n"
                    f"B,s2,purchase,{NOW:.0f},12")  # killed while writing the cost
    with pytest.raises(RecstackError) as caught:
        online_report(path)
    assert str(caught.value).startswith(f"{path}:4: column 'cost': ")


def test_lines_of_two_writers_interleaved_are_named(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text("variant,session_id,event,timestamp,revenue,cost\n"
                    f"control,s1,impression,{NOW:.0f},,\n"
                    f"control,s1,clB,s2,impression,{NOW:.0f},,\n"
                    f"ick,{NOW:.0f},,\n")
    with pytest.raises(RecstackError) as caught:
        online_report(path)
    assert str(caught.value).startswith(f"{path}:3: ")
    assert "the row has 8 field(s)" in str(caught.value)


def test_an_unknown_event_kind_in_a_part_names_its_file_and_row(tmp_path):
    folder = tmp_path / "events"
    _part(folder, 1, _rows(_list_shown("control", "s1", "i1")))
    path = _part(folder, 2, _rows([("B", "s2", "impression", 0, "i1"),
                                   ("B", "s2", "add_to_cart", 9, "i1")]))
    with pytest.raises(RecstackError) as caught:
        online_report(tmp_path)
    assert str(caught.value).startswith(f"{path}: row 1: event 'add_to_cart' is not one of")


def test_a_variant_renamed_mid_session_is_named_at_both_rows(tmp_path):
    folder = tmp_path / "events"
    before = _part(folder, 1, _rows(_list_shown("B", "s1") + _list_shown("control", "s2")))
    after = _part(folder, 2, _rows([("treatment", "s1", "click", 50, "i1")]))
    with pytest.raises(RecstackError) as caught:
        online_report(tmp_path)
    message = str(caught.value)
    assert "session 's1' appears in more than one variant" in message
    assert f"'B' at row 0 of {before}" in message
    assert f"'treatment' at row 0 of {after}" in message


def test_parts_of_an_older_schema_are_read_beside_newer_ones(tmp_path):
    folder = tmp_path / "events"
    older = pa.schema([field for field in EVENT_SCHEMA
                       if field.name not in ("position", "request_id", "model")])
    rows = _rows(_list_shown("control", "s1", "i1"))
    _part(folder, 1, [{k: v for k, v in row.items() if k in older.names} for row in rows],
          older)
    _part(folder, 2, _rows(_list_shown("B", "s2", "i2") + _list_shown("B", "s3")))
    report, said = _report(tmp_path)
    assert said == []
    assert report.metrics["impressions"].to_dict() == {"B": 10, "control": 5}
    assert report.metrics["clicks"].to_dict() == {"B": 1, "control": 1}


def test_an_empty_log_says_so(tmp_path):
    folder = tmp_path / "events"
    folder.mkdir()
    with pytest.raises(RecstackError, match="no events logged yet"):
        online_report(tmp_path)
    _part(folder, 1, [])
    with pytest.raises(RecstackError, match="events is empty"):
        online_report(tmp_path)


def test_a_large_log_is_read_without_a_python_call_per_row(tmp_path, monkeypatch):
    sessions = 20_000
    spec = [(("control", "B")[n % 2], f"s{n}", "impression", n % 600, f"i{n % 7}")
            for n in range(sessions)]
    spec += [(("control", "B")[n % 2], f"s{n}", "click", n % 600 + 3, f"i{n % 7}")
             for n in range(sessions) if n % 4 < 2]
    folder = tmp_path / "events"
    for part in range(4):
        _part(folder, part, _rows(spec[part::4]))
    longest = []
    mapped = pd.Series.map

    def map_and_count(self, *args, **kwargs):
        longest.append(len(self))
        return mapped(self, *args, **kwargs)

    monkeypatch.setattr(pd.Series, "map", map_and_count)
    report, _ = _report(tmp_path)
    # each row went through a Python function, in each of several columns, once for the
    # table and once again for each test
    assert max(longest, default=0) < 1_000
    assert report.metrics.loc[["B", "control"], "clicks"].tolist() == [5_000, 5_000]
    frame = read_log(folder, "events")
    assert frame["log_file_"].dtype == "category"
    assert frame["log_row_"].tolist() == [row for part in range(4)
                                          for row in range(len(spec[part::4]))]
    assert np.array_equal(frame["log_row_"].to_numpy()[:3], [0, 1, 2])


def test_a_part_renamed_by_a_rotation_is_named_not_skipped_silently(tmp_path):
    folder = tmp_path / "events"
    _part(folder, 1, _rows(_list_shown("control", "s1", "i1")))
    renamed = _part(folder, 2, _rows(_list_shown("B", "s2", "i1")))
    renamed.rename(f"{renamed}.1")
    with pytest.raises(RecstackError):  # the B part alone held a treatment: none is left
        with pytest.warns(UserWarning, match=rf"{folder}: 1 file\(s\) named as parts of "
                                             rf"the events log are not read, such as "
                                             rf"{renamed.name}\.1: "):
            online_report(tmp_path, control="B")


def test_an_export_ending_inside_its_last_line_is_warned_of(tmp_path):
    path = tmp_path / "events.csv"
    text = ("variant,session_id,event,timestamp,revenue,cost\n"
            f"control,s1,impression,{NOW:.0f},,\n"
            f"B,s2,impression,{NOW:.0f},,\n"
            f"B,s2,click,{NOW + 2:.0f},,\n"
            f"B,s2,purchase,{NOW + 5:.0f},125,12")  # the cost of 125 cut to 12
    path.write_text(text)
    report, said = _report(path)
    (warning,) = said
    assert warning.startswith(f"{path}: the file ends without a line end, as a file cut "
                              "off mid-write does: its last line (line 5) may be cut "
                              "short, and its 'cost' (12.0) with it")
    assert report.metrics.at["B", "cost"] == 12  # read as written, and said
    path.write_text(text + "\n")
    assert _report(path)[1] == []
