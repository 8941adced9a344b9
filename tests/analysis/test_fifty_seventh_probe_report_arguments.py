"""write_report's second argument is the page's file: an option's value given there (a
slip for refit=..., projection=...) is refused, not written as a page named 'all'."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from recstack.analysis.report import write_report
from recstack.errors import RecstackError


@pytest.mark.parametrize("value, option", [
    ("all", "refit"), ("embeddings", "refit"), ("none", "refit or projection"),
    ("tsne", "projection"), ("umap", "projection"), ("popularity", "colour_by"),
    ("TSNE", "projection"),
])
def test_an_option_value_in_the_place_of_the_file_is_refused(results_dir: Path, tmp_path: Path,
                                                             monkeypatch, value,
                                                             option) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(RecstackError, match=rf"write_report\(out\) = '{value}': .* is a "
                                            rf"value of {option}; pass it by name"):
        write_report(results_dir, value, refit="none", projection=None)
    assert os.listdir(tmp_path) == []  # no page named after the option


def test_a_file_named_with_its_extension_is_written(results_dir: Path, tmp_path: Path) -> None:
    page = write_report(results_dir, tmp_path / "all.html", refit="none", projection=None,
                        interactive=False)
    assert page == tmp_path / "all.html" and page.stat().st_size > 0


def test_shown_as_must_be_a_path(results_dir: Path) -> None:
    with pytest.raises(RecstackError, match=r"write_report\(shown_as\): expected a path"):
        write_report(results_dir, refit="none", projection=None, shown_as=3)
