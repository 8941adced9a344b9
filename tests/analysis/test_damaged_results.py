"""`recstack report` on a damaged or hand-edited results folder: one line naming the file
(and its line or field), exit status 2, never a report built from what is left."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from recstack.cli import main
from recstack.errors import RecstackError


def _per_user(folder: Path) -> Path:
    return next(folder.glob("per_user_*.csv"))


def _refused(folder: Path, capsys) -> str:
    assert main(["report", str(folder), "--out", str(folder / "r.html"), "--refit",
                 "none"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("recstack: error: "), err
    assert not (folder / "r.html").exists()
    return lines[0]


def test_the_undamaged_folder_makes_a_report(results, capsys):
    assert main(["report", str(results), "--out", str(results / "r.html"), "--refit",
                 "none"]) == 0
    assert (results / "r.html").exists()


def test_a_truncated_per_user_file_is_refused_with_both_counts(results, capsys):
    path = _per_user(results)
    lines = path.read_text().splitlines()
    stored = json.loads((results / "results.json").read_text())["models"][0]["metrics"]
    expected = stored["ndcg@5"]["n_users"]
    assert expected == len(lines) - 1  # every evaluated user has an ndcg
    path.write_text("\n".join(lines[:3]) + "\n")  # the header and two users
    line = _refused(results, capsys)
    assert f"{path}: 2 users, results.json says {expected}" in line
    assert "the file is damaged: rerun" in line


def test_an_empty_per_user_file_is_refused(results, capsys):
    path = _per_user(results)
    path.write_text("")
    assert f"{path}: is empty (0 bytes): a run cut short" in _refused(results, capsys)


def test_a_word_among_the_per_user_numbers_names_its_line(results, capsys):
    path = _per_user(results)
    table = pd.read_csv(path)
    table[table.columns[1]] = table[table.columns[1]].astype(object)
    table.iloc[4, 1] = "oops"
    table.to_csv(path, index=False)
    line = _refused(results, capsys)
    # row 4 of the data is line 6: the header is line 1
    assert f"{path}: line 6: column {table.columns[1]!r} holds 'oops'; expected a finite " \
        "number" in line


def _edit_per_user(results: Path, edit) -> tuple[Path, pd.DataFrame]:
    path = _per_user(results)
    table = pd.read_csv(path)
    edit(table)
    table.to_csv(path, index=False)
    return path, table


def test_an_infinite_per_user_value_names_its_line(results, capsys):
    path, table = _edit_per_user(results, lambda t: t.__setitem__(t.columns[1], [float("inf")]
                                                                   + list(t[t.columns[1]][1:])))
    assert (f"{path}: line 2: column {table.columns[1]!r} holds inf; expected a finite "
            "number") in _refused(results, capsys)


def test_a_user_listed_twice_names_the_second_line(results, capsys):
    def repeat_first_user(table):
        table.iloc[3, 0] = table.iloc[0, 0]

    path, table = _edit_per_user(results, repeat_first_user)
    assert (f"{path}: line 5: user {table.iloc[0, 0].item()!r} appears a second time"
            in _refused(results, capsys))


def test_a_per_user_file_without_a_summarised_metric_names_it(results, capsys):
    path, _ = _edit_per_user(results, lambda t: t.pop("ndcg@5"))
    assert f"{path}: no column for 'ndcg@5', which results.json summarises" \
        in _refused(results, capsys)


def test_a_model_label_listed_twice_is_refused(results, capsys):
    path = results / "results.json"
    payload = json.loads(path.read_text())
    payload["models"].append(payload["models"][0])
    path.write_text(json.dumps(payload))
    assert f"{path}: model label(s) ['most_popular'] appear more than once" \
        in _refused(results, capsys)


def test_a_word_in_a_calibration_table_names_its_line(results, capsys):
    path = results / "calibration_most_popular.csv"
    path.write_text("mean_predicted,observed_rate,count\n0.1,0.2,3\nhigh,0.5,4\n")
    assert f"{path}: line 3: column 'mean_predicted' holds 'high'" in _refused(results, capsys)


@pytest.mark.parametrize(("options", "message"), [
    ({"max_points": 0}, "max_points must be a whole number >= 5, got 0"),
    ({"n_threads": 0}, "n_threads must be a whole number >= 1, got 0"),
    ({"interactive": "yes"}, "interactive must be True, False or None, got 'yes'"),
    ({"colour_by": ["genres"]}, r"colour_by must be 'popularity' or an item-table column"),
])
def test_report_options_are_checked_before_any_work(results, options, message):
    from recstack.analysis.report import write_report

    with pytest.raises(RecstackError, match=message):
        write_report(results, refit="none", **options)
    assert not (results / "report.html").exists()


def test_a_report_path_that_is_a_folder_is_refused_before_building(results, capsys):
    (results / "page").mkdir()
    from recstack.analysis.report import write_report

    with pytest.raises(RecstackError, match="page: is a folder; give the report's file name"):
        write_report(results, results / "page", refit="none")


def test_results_json_that_is_not_utf8_is_refused(results, capsys):
    path = results / "results.json"
    raw = path.read_bytes().replace(b'"tiny"', b'"t\xe9ny"', 1)
    path.write_bytes(raw)
    at = raw.index(b"\xe9")
    line = raw.count(b"\n", 0, at) + 1
    # the line is named too (hundred_sixty_third)
    assert f"{path}: line {line}: byte {at} (0xe9) is not UTF-8 text" \
        in _refused(results, capsys)


@pytest.mark.parametrize(("field", "value"), [("diagnostics", None), ("base_folder", 123),
                                              ("significance", [1])])
def test_a_field_of_the_wrong_type_is_refused_naming_it(results, capsys, field, value):
    path = results / "results.json"
    payload = json.loads(path.read_text())
    payload[field] = value
    path.write_text(json.dumps(payload))
    line = _refused(results, capsys)
    assert f"{path}: {field!r} is {json.dumps(value)}; expected" in line


def test_a_non_numeric_value_in_a_result_built_by_hand_names_the_user():
    from recstack.errors import RecstackError
    from recstack.evaluation.results import EvaluationResult

    result = EvaluationResult("m", pd.DataFrame({"ndcg@5": [0.5, "x"]}, index=["u1", "u2"]))
    with pytest.raises(RecstackError, match="per-user 'ndcg@5' of user 'u2' is 'x'"):
        result.summary()


@pytest.mark.parametrize("name", ["results.json", "per_user_most_popular.csv",
                                  "calibration_most_popular.csv"])
def test_a_folder_in_place_of_a_results_file_is_named(results, capsys, name):
    path = results / name
    if path.exists():
        path.unlink()
    path.mkdir()
    assert f"{path}: is a folder, where `recstack evaluate` writes a file" \
        in _refused(results, capsys)
