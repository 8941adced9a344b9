"""Hundred-twenty-fourth probe: the pipeline's drift step notes a PSI taken on too few
values (``drift.notes``: mostly sampling noise, not a shift), and report.txt prints the
notes, but the HTML page of the run left them out, so a flagged measure on the page read
as a real shift. The page now shows each note beside its measure; a note that is not text
is refused naming the field."""

from __future__ import annotations

import copy
import json

import pytest

from recstack.analysis.pipeline_report import write_pipeline_report
from recstack.errors import RecstackError
from tests.analysis.test_pipeline_report_damaged import GOOD

NOTE = ("the new window has only 3 active users for 10 bins (fewer than 5 a bin): a PSI on "
        "so few values is mostly sampling noise, not a shift")


def _page(tmp_path, drift_edit) -> str:
    report = copy.deepcopy(GOOD)
    drift_edit(report["drift"])
    folder = tmp_path / "run"
    (folder / "report").mkdir(parents=True)
    (folder / "report" / "report.json").write_text(json.dumps(report))
    return write_pipeline_report(folder).read_text()


def test_a_drift_note_is_shown_beside_its_measure(tmp_path):
    def edit(drift):
        drift["measures"] = {"user_activity_psi": 8.2, "new_item_share": 0.0}
        drift["flagged"] = ["user_activity_psi"]
        drift["notes"] = {"user_activity_psi": NOTE + " <b>"}
    page = _page(tmp_path, edit)
    assert "<th>note</th>" in page or ">note<" in page
    row = page[page.index("user_activity_psi"):]
    row = row[:row.index("</tr>")]
    assert NOTE in row and "&lt;b&gt;" in row  # escaped, in the measure's own row
    other = page[page.index("new_item_share"):]
    assert NOTE not in other[:other.index("</tr>")]


def test_a_note_for_a_measure_not_listed_is_still_shown(tmp_path):
    page = _page(tmp_path, lambda drift: drift.__setitem__("notes", {"rating_psi": NOTE}))
    assert "rating_psi" in page and NOTE in page


def test_a_report_without_notes_still_makes_a_page(tmp_path):
    assert "Drift" in _page(tmp_path, lambda drift: drift.pop("notes", None))


@pytest.mark.parametrize(("notes", "message"), [
    ([NOTE], r"'drift.notes' is \[.*; expected an object of measure: note"),
    ({"psi": 5}, r"'drift.notes.psi' is 5; expected a note's text"),
])
def test_notes_of_the_wrong_kind_are_refused_naming_the_field(tmp_path, notes, message):
    with pytest.raises(RecstackError, match=message):
        _page(tmp_path, lambda drift: drift.__setitem__("notes", notes))
    assert not (tmp_path / "run" / "report" / "report.html").exists()


def test_a_resumed_run_refuses_a_drift_json_whose_notes_are_damaged():
    from pathlib import Path

    from recstack.analysis.pipeline_report import check_step_output

    drift = copy.deepcopy(GOOD["drift"])
    check_step_output(Path("run/drift/drift.json"), "drift", {**drift, "notes": {"psi": NOTE}},
                      "rerun the drift step")
    with pytest.raises(RecstackError, match=r"^run/drift/drift.json: 'notes' is \[.*; expected "
                       r"an object of measure: note; rerun the drift step$"):
        check_step_output(Path("run/drift/drift.json"), "drift", {**drift, "notes": [NOTE]},
                          "rerun the drift step")
