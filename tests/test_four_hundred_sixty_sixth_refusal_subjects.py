"""Refusals that named the wrong thing:

- ``recstack data fetch NAME --cache-dir FILE`` (a file where the cache folder goes) was
  refused as "cannot create the cache folder FILE/movielens: FILE is a file, not a folder",
  naming no option: the command line had two paths and several options to choose from;
- a ``[quality]`` warning threshold above its failing one was refused starting with the
  failing key, "fail = 0.01 must be at least warn = 0.05", where the user had raised warn
  alone (fail was the default, a value the file never wrote);
- a ``[tune.space]`` range written high to low was told "swap them" even where the swapped
  range is refused in turn: a regularization lower bound below 0, a log-scale range from 0,
  a neighbour count of 0, a step that no longer lands on the high end.
"""

from __future__ import annotations

import pytest

from recstack.errors import ConfigError, RecstackError

# ------------------------------------------------------------------ data fetch --cache-dir


@pytest.mark.parametrize("below", ["", "deeper"])
def test_a_file_given_as_the_cache_folder_is_named_with_its_option(tmp_path, capsys, below):
    from recstack.cli import main

    blocker = tmp_path / "afile"
    blocker.write_text("a file\n", encoding="utf-8")
    cache = blocker / below if below else blocker
    # refused before any download: the folders are made first
    code = main(["data", "fetch", "movielens-100k", "--cache-dir", str(cache), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2
    assert err == (f"recstack data fetch: error: argument --cache-dir: {cache}: cannot create "
                   f"the cache folder {cache / 'movielens'}: {blocker} is a file, not a "
                   "folder; choose another cache folder\n")
    assert blocker.read_text(encoding="utf-8") == "a file\n"


def test_the_library_refusal_opens_with_the_cache_folder_as_given(tmp_path):
    from recstack.data.fetch import fetch

    blocker = tmp_path / "afile"
    blocker.write_text("a file\n", encoding="utf-8")
    with pytest.raises(RecstackError) as refused:
        fetch("movielens-100k", cache_dir=str(blocker), url="http://127.0.0.1:9/none.zip",
              sha256="0" * 64)
    assert str(refused.value).startswith(f"{blocker}: cannot create the cache folder ")


# ----------------------------------------------------------------- [quality] crossed keys
def _quality_refusal(table):
    from recstack.ops.quality import QualitySpec

    with pytest.raises(ConfigError) as refused:
        QualitySpec.from_table(table, "p.toml: ")
    return str(refused.value)


SHARE_WORDS = ("are crossed: a share of offending rows above warn warns and above fail "
               "fails, so warn must be at most fail; ")
VOLUME_WORDS = ("are crossed: a row-count ratio above volume_warn warns and above "
                "volume_fail fails, so volume_warn must be at most volume_fail; ")


@pytest.mark.parametrize("table, expected", [
    # warn raised alone: fail is the default of the check (duplicates: 0.01)
    ({"duplicates": {"warn": 0.05}},
     "p.toml: [quality.duplicates] warn = 0.05 and fail = 0.01 (the default) "
     f"{SHARE_WORDS}lower warn to 0.01 or less, or raise fail to 0.05 or more"),
    # both written
    ({"unknown_items": {"warn": 0.5, "fail": 0.25}},
     f"p.toml: [quality.unknown_items] warn = 0.5 and fail = 0.25 {SHARE_WORDS}lower warn "
     "to 0.25 or less, or raise fail to 0.5 or more"),
    # fail lowered alone: warn is the default (2.0)
    ({"volume_fail": 1.5},
     f"p.toml: [quality] volume_warn = 2.0 (the default) and volume_fail = 1.5 "
     f"{VOLUME_WORDS}lower volume_warn to 1.5 or less, or raise volume_fail to 2.0 or more"),
    # warn raised alone, written as an integer: shown as written
    ({"volume_warn": 12},
     f"p.toml: [quality] volume_warn = 12 and volume_fail = 10.0 (the default) "
     f"{VOLUME_WORDS}lower volume_warn to 10.0 or less, or raise volume_fail to 12.0 or "
     "more"),
])
def test_crossed_thresholds_name_both_keys_and_both_ways_out(table, expected):
    assert _quality_refusal(table) == expected


def test_from_python_the_crossed_thresholds_name_both_too():
    from recstack.ops.quality import QualitySpec, ShareThreshold

    with pytest.raises(ConfigError) as refused:
        ShareThreshold(warn=0.5, fail=0.1)
    assert str(refused.value) == (f"warn = 0.5 and fail = 0.1 {SHARE_WORDS}lower warn to 0.1 "
                                  "or less, or raise fail to 0.5 or more")
    with pytest.raises(ConfigError) as refused:
        QualitySpec(shares={"duplicates": {"warn": 0.5}})
    assert str(refused.value).startswith("QualitySpec: shares['duplicates'] warn = 0.5 and "
                                         "fail = 0.01 (the default) are crossed")


def test_thresholds_in_order_are_taken():
    from recstack.ops.quality import QualitySpec

    spec = QualitySpec.from_table({"duplicates": {"warn": 0.01, "fail": 0.01},
                                   "volume_warn": 3.0, "volume_fail": 3.0})
    assert spec.shares is not None and spec.shares["duplicates"].warn == 0.01
    assert (spec.volume_warn, spec.volume_fail) == (3.0, 3.0)


# ------------------------------------------------------------------ [tune.space] swapping
def _space_refusal(model, name, dimension):
    from recstack.config import check_space

    with pytest.raises(ConfigError) as refused:
        check_space("t.toml: [tune] ", {name: dimension}, model)
    return str(refused.value)


@pytest.mark.parametrize("model, name, dimension, expected", [
    # als' regularization is >= 0: low = -0.01 is refused
    ("als", "regularization", {"type": "float", "low": 0.1, "high": -0.01},
     "got low=0.1, high=-0.01; swapped, the range is refused too (low = -0.01: "
     "regularization must be >= 0, got -0.01); give low < high where regularization takes "
     "float >= 0"),
    # a log-scale range needs low > 0: low = 0.0 is refused
    ("als", "regularization", {"type": "float", "low": 0.1, "high": 0.0, "log": True},
     "got low=0.1, high=0.0; swapped, the range is refused too (a log-scale dimension needs "
     "low > 0, got 0.0); give low < high where regularization takes float >= 0 and a "
     "log-scale range needs low > 0 (log = true)"),
    # item_knn's neighbors is >= 1
    ("item_knn", "neighbors", {"type": "int", "low": 5, "high": 0},
     "got low=5, high=0; swapped, the range is refused too (low = 0: neighbors must be >= 1, "
     "got 0); give low < high where neighbors takes int >= 1"),
])
def test_a_swap_the_setting_refuses_is_not_suggested(model, name, dimension, expected):
    message = _space_refusal(model, name, dimension)
    assert message.endswith(expected), message
    assert "swap them" not in message


def test_a_swapped_range_that_misses_its_step_says_so():
    # 8..64 in steps of 3 does not land on 64: "swap them" led to that refusal next
    message = _space_refusal("als", "factors",
                             {"type": "int", "low": 64, "high": 8, "step": 3})
    assert "swap them" not in message
    assert "; swapped, the range is refused too (step = 3 does not divide high - low = 56" \
        in message


@pytest.mark.parametrize("model, name, dimension, swap", [
    ("item_knn", "neighbors", {"type": "int", "low": 5, "high": 2}, "low = 2, high = 5"),
    ("als", "regularization", {"type": "float", "low": 0.1, "high": 0.01, "log": True},
     "low = 0.01, high = 0.1"),
])
def test_a_swap_the_setting_takes_is_still_suggested(model, name, dimension, swap):
    assert _space_refusal(model, name, dimension).endswith(f"; swap them: {swap}")
