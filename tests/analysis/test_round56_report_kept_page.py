"""`write_report(..., overwrite=False)`: a page another program wrote at ``out`` while the
report was built is kept and the write refused (the final rename checks); before, the
report replaced it, as `recstack report --out` without `--overwrite` did."""

from __future__ import annotations

from pathlib import Path

import pytest

from recstack.analysis import report as report_module
from recstack.errors import RecstackError


def _building_while_another_writes(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    render = report_module.render_html

    def render_then_another_writes(*args, **kwargs):
        page = render(*args, **kwargs)
        out.write_text("another program's page", encoding="utf-8")
        return page

    monkeypatch.setattr(report_module, "render_html", render_then_another_writes)


def test_a_page_written_meanwhile_is_kept_without_overwrite(results_dir, tmp_path, monkeypatch):
    out = tmp_path / "page.html"
    _building_while_another_writes(out, monkeypatch)
    with pytest.raises(RecstackError, match="meanwhile"):
        report_module.write_report(results_dir, out, refit="none", projection=None,
                                   interactive=False, overwrite=False)
    assert out.read_text(encoding="utf-8") == "another program's page"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.html"]


def test_overwrite_replaces_a_page_written_meanwhile(results_dir, tmp_path, monkeypatch):
    out = tmp_path / "page.html"
    _building_while_another_writes(out, monkeypatch)
    report_module.write_report(results_dir, out, refit="none", projection=None,
                               interactive=False)
    assert out.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")
