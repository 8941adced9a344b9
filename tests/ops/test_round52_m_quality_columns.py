"""Round 52 (M): the quality checks judge the columns the pipeline reads. A null in a log
column the run never reads (an optional ``device``) failed the nulls check and stopped the
run, while blank text ids, which training refuses, passed it; the duplicate and
unknown-id checks compared ids untrimmed, where the pipeline reads ``" a"`` as ``"a"``."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from recstack.errors import ConfigError, DataFormatError
from recstack.ops.partitions import to_interactions
from recstack.ops.pipeline import run_pipeline
from recstack.ops.quality import FAILED, PASSED, QualityFailure, QualitySpec, check_partition

from .scenario import add_month, month_frame, next_month, write_pipeline

T = 1_600_000_000


def _checks(table, **options):
    options.setdefault("now", T + 10)
    return {r.check: r for r in check_partition(table, QualitySpec(), **options)}


def _log(user_id, **extra):
    n = len(user_id)
    return pa.table({"user_id": user_id, "item_id": list(range(n)),
                     "value": [3.0] * n, "timestamp": [T] * n, **extra})


def test_nulls_in_a_column_the_pipeline_does_not_read_are_reported_not_counted():
    table = _log([1, 2, 3, 4], device=["ios", None, None, "web"],
                 country=pa.array([None, "fr", "de", "fr"]))
    nulls = _checks(table, rating_range=(1.0, 5.0))["nulls"]
    assert (nulls.status, nulls.count, nulls.share, nulls.examples) == (PASSED, 0, 0.0, [])
    assert nulls.message == ("0 rows with an empty value; not counted, as the pipeline does "
                             "not read the column: 2 rows in device, 1 row in country")


def test_an_empty_id_still_fails_beside_an_unread_column_and_only_its_rows_count():
    # rows 1 and 2 lack a device, row 3 a user: only row 3 is an event the run cannot use
    table = _log([1, 2, None, 4], device=["ios", None, None, "web"])
    nulls = _checks(table, rating_range=(1.0, 5.0))["nulls"]
    assert (nulls.status, nulls.count, nulls.examples) == (FAILED, 1, [2])
    assert nulls.share == pytest.approx(1 / 4)
    assert nulls.message == ("1 row with an empty value (in user_id); not counted, as the "
                             "pipeline does not read the column: 2 rows in device")


def test_the_value_column_counts_for_explicit_data_only():
    table = _log([1, 2, 3]).set_column(2, "value", pa.array([3.0, np.nan, None]))
    explicit = _checks(table, rating_range=(1.0, 5.0))["nulls"]
    assert (explicit.status, explicit.count, explicit.examples) == (FAILED, 2, [1, 2])
    # implicit events: the run reads each row as 1.0 and never the value column
    implicit = _checks(table, explicit=False)["nulls"]
    assert (implicit.status, implicit.count) == (PASSED, 0)
    assert implicit.message.endswith("2 rows in value (a NaN counts as empty)")


def test_a_context_column_named_as_read_counts_and_must_be_present():
    table = _log([1, 2, 3, 4], device=["ios", None, None, "web"])
    nulls = _checks(table, rating_range=(1.0, 5.0), read_columns=["device"])["nulls"]
    assert (nulls.status, nulls.count, nulls.examples) == (FAILED, 2, [1, 2])
    assert nulls.message == "2 rows with an empty value (in device)"
    schema = _checks(_log([1, 2]), rating_range=(1.0, 5.0), read_columns=["device"])["schema"]
    assert schema.status == FAILED and "no column 'device'" in schema.message


@pytest.mark.parametrize("read_columns", ["device", [3], [""], None])
def test_read_columns_must_be_a_list_of_names(read_columns):
    with pytest.raises(ConfigError, match=r"check_partition: read_columns must be a list of "
                                          r"column names \(e\.g\. \['device'\]\)"):
        check_partition(_log([1]), QualitySpec(), now=T + 10, read_columns=read_columns)


def test_blank_text_ids_are_empty_as_training_finds_them():
    table = _log(["a", "", "  ", "b"])
    nulls = _checks(table, rating_range=(1.0, 5.0))["nulls"]
    assert (nulls.status, nulls.count, nulls.examples) == (FAILED, 2, [1, 2])
    assert nulls.message == ("2 rows with an empty value (in user_id; blank text ids count "
                             "as empty)")
    # what the check stands in for: training would refuse these rows
    with pytest.raises(DataFormatError, match="empty id"):
        to_interactions([table], explicit=True, rating_range=(1.0, 5.0))


def test_blank_text_outside_an_id_column_is_a_value():
    table = _log(["a", "b"], device=["", "ios"])
    nulls = _checks(table, rating_range=(1.0, 5.0), read_columns=["device"])["nulls"]
    assert (nulls.status, nulls.count) == (PASSED, 0)


def test_ids_differing_only_by_spaces_repeat_one_event():
    table = pa.table({"user_id": ["a", " a", "b"], "item_id": [1, 1, 1],
                      "value": [3.0, 4.0, 3.0], "timestamp": [T, T, T]})
    duplicates = _checks(table, rating_range=(1.0, 5.0))["duplicates"]
    assert (duplicates.status, duplicates.count) == (FAILED, 1)
    assert duplicates.examples == [(" a", 1, T)]  # as written, to be found in the file
    # the pipeline reads them as one user: two events of user "a" on item 1 at T
    data, _ = to_interactions([table], explicit=True, rating_range=(1.0, 5.0))
    assert data.n_users == 2


def test_rows_with_an_empty_key_are_the_nulls_checks_not_duplicates():
    # two rows of user None, one of user "": same item and time, yet no user to repeat
    table = _log(pa.array([None, None, ""], pa.string())).set_column(
        1, "item_id", pa.array([1, 1, 1]))
    checks = _checks(table, rating_range=(1.0, 5.0))
    assert (checks["nulls"].status, checks["nulls"].count) == (FAILED, 3)
    assert (checks["duplicates"].status, checks["duplicates"].count) == (PASSED, 0)


def test_an_id_with_spaces_is_the_catalogs_id():
    table = _log([" a", "b ", "", "c"])
    unknown = _checks(table, rating_range=(1.0, 5.0),
                      catalog_users=np.array(["a", "b"], dtype=object))["unknown_users"]
    # "c" only: " a" and "b " are the catalog's a and b, the blank id the nulls check's
    assert (unknown.count, unknown.examples) == (1, ["c"])


def test_a_partly_empty_device_column_no_longer_stops_the_pipeline(folder):
    path = write_pipeline(folder)
    frame = next_month(folder)
    frame["device"] = np.where(np.arange(len(frame)) % 3 == 0, None, "ios")
    add_month(folder, "2019-05", frame)
    outcome = run_pipeline(path)
    nulls = [c for c in outcome.report["quality"]["checks"]
             if c["check"] == "nulls" and c["partition"] == "2019-05"]
    assert [(c["status"], c["count"]) for c in nulls] == [(PASSED, 0)]
    assert f"{len(frame[frame.device.isna()]):,} rows in device" in nulls[0]["message"]


def test_a_blank_user_id_stops_the_pipeline_at_the_check_not_at_training(folder):
    path = write_pipeline(folder)
    frame = next_month(folder)
    frame["user_id"] = frame["user_id"].astype(str)
    frame.loc[frame.index[:2], "user_id"] = " "
    for label in ("2019-01", "2019-02", "2019-03", "2019-04"):
        # one id type throughout: text in every partition
        month = month_frame(folder, label)
        month["user_id"] = month["user_id"].astype(str)
        add_month(folder, label, month)
    add_month(folder, "2019-05", frame)
    with pytest.raises(QualityFailure, match=r"quality check 'nulls' failed in partition "
                                             r"2019-05: 2 rows with an empty value \(in "
                                             r"user_id; blank text ids count as empty\)"):
        run_pipeline(path)
