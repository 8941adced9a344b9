"""``recstack online`` reads a Parquet log a batch at a time after checking only the
parts' footers. A part whose data page is damaged (its footer intact) raised arrow's bare
``OSError: Unexpected end of stream``, where reading the log whole names the file; and a
part the service pruned (``keep_files``) between the listing and its reading raised
``FileNotFoundError``, where reading the log whole lists it again. Both now go the whole
log's way."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

import recstack.serving.online as online
import recstack.serving.request_log as request_log
from recstack.errors import RecstackError
from tests.serving.test_round56_p_online_batches import _events, _expected, _write_log


def _damage_a_data_page(part: Path) -> None:
    """Overwrite the compressed values of one column's data page, the footer untouched."""
    chunk = pq.ParquetFile(part).metadata.row_group(0).column(2)
    assert chunk.compression == "SNAPPY" and chunk.has_dictionary_page
    data = bytearray(part.read_bytes())
    end = chunk.data_page_offset + chunk.total_compressed_size - 2
    for at in range(chunk.data_page_offset + 20, end):
        data[at] ^= 0xFF
    part.write_bytes(bytes(data))
    pq.read_schema(part)  # the footer still reads: only the rows do not


@pytest.mark.parametrize("batch_rows", [2, 500_000])
def test_a_damaged_data_page_is_named_as_the_whole_log_names_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch_rows: int) -> None:
    folder = _write_log(tmp_path, _events(), parts=3, group_rows=1000)
    part = sorted((folder / "events").glob("events-*.parquet"))[1]
    _damage_a_data_page(part)
    monkeypatch.setattr(online, "_BATCH_ROWS", batch_rows)
    with pytest.raises(RecstackError) as refused:
        online.online_report(folder)
    assert str(refused.value) == (
        f"{part}: not a readable Parquet file (damaged or truncated); move it out of "
        f"{part.parent} or delete it to read the rest of the log")


def test_a_part_pruned_after_the_listing_is_read_around(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    frame = _events()
    folder = _write_log(tmp_path, frame, parts=3)
    parts = sorted((folder / "events").glob("events-*.parquet"))
    kept = frame.iloc[len(pq.read_table(parts[0])):]  # the rows of the two newer parts
    listed = request_log.plain_parts

    def listed_then_pruned(*arguments, **keywords):
        found = listed(*arguments, **keywords)
        parts[0].unlink()  # the service prunes its oldest part as it writes a newer one
        return found

    monkeypatch.setattr(request_log, "plain_parts", listed_then_pruned)
    with warnings.catch_warnings():
        # the pruned part held impressions of clicks in the parts kept: warned of, rightly
        warnings.simplefilter("ignore")
        report = online.online_report(folder)
    expected = _expected(kept)
    assert list(report.metrics.index) == sorted(expected.index)
    for column in ("sessions", "impressions", "clicks", "purchases"):
        assert report.metrics[column].tolist() == expected.loc[report.metrics.index,
                                                               column].tolist()
    np.testing.assert_allclose(report.metrics["engagement"].to_numpy(),
                               expected.loc[report.metrics.index, "engagement"].to_numpy(),
                               rtol=1e-12)
