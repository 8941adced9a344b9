"""Hundred sixty-ninth bad-input probe, the pipeline file's paths and the drift report.

A path setting too long for the file system (a name over 255 bytes, a path over 4,095)
was accepted with the file, and the run stopped at its first look at the path with the
system's OSError (File name too long) or a refusal naming no setting; now the file is
refused naming the key. A popularity rank correlation that is undefined (every item of a
window counted alike) was reported as NaN and never flagged without a word on why; now
the report carries a note. Each test failed before its fix."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.ops.drift import measure_drift
from recstack.ops.pipeline_config import parse_pipeline


def _raw(**changes):
    raw = {"name": "shop", "data": {"partitions": "logs", "items": "items.parquet"},
           "model": {"type": "most_popular"}, "registry": {"root": "registry"}}
    for key, value in changes.items():
        table, _, name = key.partition("__")
        if name:
            raw[table] = {**raw[table], name: value}
        else:
            raw[table] = value
    return raw


@pytest.mark.parametrize("change, key", [
    ({"data__partitions": "p" * 300}, "[data] partitions"),
    ({"data__items": "i" * 300}, "[data] items"),
    ({"data__users": "u" * 300}, "[data] users"),
    ({"registry__root": "r" * 300}, "[registry] root"),
    ({"work": "w" * 300}, "work"),
])
def test_a_name_too_long_for_the_file_system_is_refused_with_its_key(tmp_path, change, key):
    text = next(iter(change.values()))
    with pytest.raises(ConfigError) as refused:
        parse_pipeline(_raw(**change), source="p.toml", base=tmp_path)
    assert str(refused.value) == (
        f"p.toml: {key} = '{text[:30]}...{text[-15:]}' (300 characters): is a name longer "
        f"than the file system allows: its part '{text[:30]}...{text[-15:]}' (300 "
        "characters) is 300 bytes long, and a file or folder name holds at most 255; check "
        "the path (relative ones are taken from the pipeline file's folder)")


def test_a_path_too_long_for_the_system_is_refused(tmp_path):
    with pytest.raises(ConfigError, match=r"^p\.toml: \[data\] partitions = .* is a path "
                                          r"longer than the system allows"):
        parse_pipeline(_raw(data__partitions="p/" * 2100), source="p.toml", base=tmp_path)


def test_a_registry_url_is_not_taken_for_a_local_path(tmp_path):
    pipeline = parse_pipeline(_raw(registry__root="s3://bucket/" + "r" * 300),
                              source="p.toml", base=tmp_path)
    assert pipeline.registry.root.startswith("s3://")


def _data(users, items):
    return Interactions.from_arrays(np.array(users), np.array(items))


def test_an_undefined_popularity_correlation_is_noted():
    # the reference counts items 1 and 2 once each: no popularity order to correlate
    report = measure_drift(_data([1, 2], [1, 2]), _data([1, 2, 3], [1, 1, 2]))
    assert np.isnan(report.measures["popularity_spearman"])
    assert "popularity_spearman" not in report.flagged
    assert report.notes["popularity_spearman"].startswith(
        "undefined: every item of either window has the same count in the reference "
        "window, so there is no popularity order to correlate")
    assert report.to_dict()["measures"]["popularity_spearman"] is None


def test_both_windows_counted_alike_are_both_named():
    report = measure_drift(_data([1, 2], [1, 2]), _data([3, 4], [1, 2]))
    assert "in the reference and the new window" in report.notes["popularity_spearman"]


def test_a_defined_correlation_has_no_note():
    # reference counts (2, 1, 0), new (1, 2, 1): ranks (3, 2, 1) and (1.5, 3, 1.5),
    # Spearman's rho = 0.0 by hand (the covariance of the ranks is 0)
    report = measure_drift(_data([1, 2, 3], [1, 1, 2]), _data([1, 2, 3, 4], [1, 2, 2, 3]))
    assert report.measures["popularity_spearman"] == pytest.approx(0.0)
    assert "popularity_spearman" not in report.notes
