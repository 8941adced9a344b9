"""`recstack report` on results folders damaged as a hand edit or a crash leaves them, by
class (hypothesis): results.json fields removed, renamed or of the wrong type, odd numbers
in metric values, per-user files cut short, with renamed columns, a BOM or CRLF line ends,
a model in one file and not another. Each run either exits 2 with one line naming the file
and what is right, leaving no report behind, or writes a report whose figures are the
folder's (the means of the per-user files, worked here with pandas, and the aggregates of
results.json); never a traceback."""

from __future__ import annotations

import json
import math
import re
import shutil
import warnings
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

hypothesis = pytest.importorskip("hypothesis", reason="the property tests need hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from recstack.cli import main  # noqa: E402

EXPERIMENT = """\
name = "tiny"
seed = 0
[data]
source = "synthetic:n_users=60,n_items=40,n_interactions=800,seed=3"
[split]
method = "random"
test_fraction = 0.2
[evaluation]
metrics = ["precision", "ndcg", "coverage"]
ks = [5]
[[models]]
type = "most_popular"
[[models]]
type = "random"
seed = 0
[report]
html = false
"""

LABELS = ("most_popular", "random")

PROPERTY = settings(max_examples=25, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A two-model results folder written by `recstack evaluate`; tests damage copies."""
    root = tmp_path_factory.mktemp("four_hundred_sixty_second")
    (root / "tiny.toml").write_text(EXPERIMENT)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main(["evaluate", str(root / "tiny.toml"), "--out", str(root / "good")]) == 0
    return root / "good"


_COPIES = [0]


def _copy(good: Path, tmp_path: Path) -> Path:
    _COPIES[0] += 1
    copy = tmp_path / f"copy{_COPIES[0]}"
    shutil.copytree(good, copy)
    return copy


def _comparison_rows(page: str) -> dict[str, list[str]]:
    """The comparison table of the report: metric -> the cells of each model."""
    table = page.split('<section id="comparison">', 1)[1].split("</table>", 1)[0]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table, flags=re.S):
        cells = [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<td>(.*?)</td>", row)]
        if cells:
            rows[cells[0]] = cells[1:]
    return rows


def _shown(value: float) -> str:
    return "–" if math.isnan(value) else f"{value:.4f}"


def _check_outcome(folder: Path, capsys: pytest.CaptureFixture[str], refit: str = "none"
                   ) -> str | None:
    """Run the report; on refusal check the one line and return it, on success check the
    figures against the folder's files and return None."""
    before = sorted(p.name for p in folder.iterdir())
    out = folder / "page.html"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        status = main(["report", str(folder), "--out", str(out), "--refit", refit,
                       "--projection", "none"])
    err = capsys.readouterr().err
    assert "Traceback" not in err, err
    if status != 0:
        assert status == 2, err
        lines = [line for line in err.strip().splitlines()
                 if line.startswith("recstack: error: ")]
        assert len(lines) == 1, err
        assert str(folder) in lines[0], lines[0]
        # no page, nor a half-written one under another name
        assert sorted(p.name for p in folder.iterdir()) == before, lines[0]
        return lines[0]
    page = out.read_text(encoding="utf-8")
    assert page.rstrip().endswith("</html>")
    rows = _comparison_rows(page)
    payload = json.loads((folder / "results.json").read_text(encoding="utf-8-sig"))
    for number, entry in enumerate(payload["models"]):
        per_user = pd.read_csv(folder / f"per_user_{entry['model']}.csv",
                               encoding="utf-8-sig")
        for metric in entry["metrics"]:
            mean = float(per_user[metric].astype(float).mean())
            cell = rows[metric][number]
            assert cell.startswith(_shown(mean)), (metric, entry["model"], cell, mean)
        for metric, value in (entry.get("aggregate") or {}).items():
            if metric in rows:
                expected = math.nan if value is None else float(value)
                assert rows[metric][number].startswith(_shown(expected)), (metric, value)
        assert rows["users evaluated"][number] == f"{len(per_user):,}"
    return None


# --- results.json -------------------------------------------------------------------------

def _paths(value: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside the JSON value ``value``."""
    found = [at] if at else []
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _paths(inner, at + (key,))
    elif isinstance(value, list):
        for number, inner in enumerate(value):
            found += _paths(inner, at + (number,))
    return found


ODD_VALUES = [None, "0.5", "text", "", "NaN", True, False, [], {}, [0.1], {"mean": 0.1}, -1,
              -0.5, 0, 0.5, 1.5, 2, 10**30, 1e308, -1e308, 3.5]


@pytest.fixture(scope="module")
def json_paths(good: Path) -> list[tuple[Any, ...]]:
    payload = json.loads((good / "results.json").read_text())
    # the environment and split reports are information only: their values are shown as
    # text; keep the damage where the numbers are
    return [path for path in _paths(payload)
            if path[0] in ("models", "diagnostics", "experiment", "format_version")]


def _edit(payload: Any, path: tuple[Any, ...], how: str, value: Any) -> None:
    parent = payload
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if how == "set":
        parent[last] = value
    elif how == "remove":
        if isinstance(parent, dict):
            del parent[last]
        else:
            parent.pop(last)
    elif how == "rename" and isinstance(parent, dict):
        parent[f"{last}_renamed"] = parent.pop(last)


@PROPERTY
@given(data=st.data())
def test_an_edited_results_json_is_refused_by_field_or_reported_as_written(
        good, json_paths, tmp_path, capsys, data):
    folder = _copy(good, tmp_path)
    path = folder / "results.json"
    payload = json.loads(path.read_text())
    where = data.draw(st.sampled_from(json_paths), label="where")
    how = data.draw(st.sampled_from(["set", "remove", "rename"]), label="how")
    value = data.draw(st.sampled_from(ODD_VALUES), label="value")
    _edit(payload, where, how, value)
    path.write_text(json.dumps(payload, indent=2))
    line = _check_outcome(folder, capsys)
    if line is not None:
        assert "results.json" in line or "per_user_" in line, line


@pytest.fixture(scope="module")
def experiment_paths(good: Path) -> list[tuple[Any, ...]]:
    payload = json.loads((good / "results.json").read_text())
    return [path for path in _paths(payload) if path[0] in ("experiment", "split",
                                                            "base_folder")]


@PROPERTY
@given(data=st.data())
def test_an_edited_experiment_is_refused_by_field_when_the_report_refits(
        good, experiment_paths, tmp_path, capsys, data):
    # the report refits the models from the experiment of results.json (--refit all): a
    # damaged data source, split or model setting is met there, not when the folder is read
    folder = _copy(good, tmp_path)
    path = folder / "results.json"
    payload = json.loads(path.read_text())
    where = data.draw(st.sampled_from(experiment_paths), label="where")
    how = data.draw(st.sampled_from(["set", "remove", "rename"]), label="how")
    value = data.draw(st.sampled_from(ODD_VALUES), label="value")
    _edit(payload, where, how, value)
    path.write_text(json.dumps(payload, indent=2))
    _check_outcome(folder, capsys, refit="all")


# --- per-user files -----------------------------------------------------------------------

@settings(PROPERTY, max_examples=60)
@given(data=st.data())
def test_a_damaged_per_user_file_is_refused_by_line_or_reported_as_written(
        good, tmp_path, capsys, data):
    folder = _copy(good, tmp_path)
    label = data.draw(st.sampled_from(LABELS), label="label")
    path = folder / f"per_user_{label}.csv"
    text = path.read_text()
    lines = text.splitlines()
    damage = data.draw(st.sampled_from(
        ["cut", "drop_rows", "rename_column", "odd_cell", "bom", "crlf", "empty",
         "swap_columns", "blank_lines", "extra_column", "remove"]), label="damage")
    if damage == "cut":
        text = text[:data.draw(st.integers(1, len(text) - 1), label="at")]
    elif damage == "drop_rows":
        keep = data.draw(st.integers(1, len(lines) - 1), label="rows")
        text = "\n".join(lines[:keep]) + "\n"
    elif damage == "rename_column":
        header = lines[0].split(",")
        column = data.draw(st.integers(0, len(header) - 1), label="column")
        header[column] = data.draw(st.sampled_from(["uid", "ndcg@10", "Precision@5", "",
                                                    header[column] + " "]), label="name")
        text = "\n".join([",".join(header)] + lines[1:]) + "\n"
    elif damage == "odd_cell":
        row = data.draw(st.integers(1, len(lines) - 1), label="row")
        cells = lines[row].split(",")
        column = data.draw(st.integers(0, len(cells) - 1), label="column")
        cells[column] = data.draw(st.sampled_from(
            ["nan", "NaN", "inf", "-inf", "", "x", "True", "1e400", "-0.1", "1.5", "0.5",
             "1,2", "\"0.3\"", "0x1"]), label="cell")
        lines[row] = ",".join(cells)
        text = "\n".join(lines) + "\n"
    elif damage == "bom":
        text = "\ufeff" + text
    elif damage == "crlf":
        text = text.replace("\n", "\r\n")
    elif damage == "empty":
        text = data.draw(st.sampled_from(["", "\n", lines[0] + "\n"]), label="text")
    elif damage == "swap_columns":
        table = [line.split(",") for line in lines]
        text = "\n".join(",".join([row[0], row[2], row[1]]) for row in table) + "\n"
    elif damage == "blank_lines":
        text = text.replace("\n", "\n\n", 3)
    elif damage == "extra_column":
        text = "\n".join(line + ("," + ("extra" if n == 0 else "1"))
                         for n, line in enumerate(lines)) + "\n"
    if damage == "remove":
        path.unlink()
    else:
        path.write_bytes(text.encode("utf-8"))
    line = _check_outcome(folder, capsys)
    if line is not None:
        assert path.name in line, line


# --- one model in one file and not another ------------------------------------------------

@PROPERTY
@given(data=st.data())
def test_a_model_in_one_file_and_not_another_is_refused_or_said(good, tmp_path, capsys,
                                                               data):
    folder = _copy(good, tmp_path)
    path = folder / "results.json"
    payload = json.loads(path.read_text())
    label = data.draw(st.sampled_from(LABELS), label="label")
    number = LABELS.index(label)
    damage = data.draw(st.sampled_from(
        ["drop_entry", "relabel_entry", "drop_diagnostics", "extra_diagnostics",
         "rename_file", "copy_file", "drop_significance"]), label="damage")
    if damage == "drop_entry":
        payload["models"].pop(number)
    elif damage == "relabel_entry":
        payload["models"][number]["model"] = "als"
    elif damage == "drop_diagnostics":
        del payload["diagnostics"][label]
    elif damage == "extra_diagnostics":
        payload["diagnostics"]["als"] = ["a note"]
    elif damage == "rename_file":
        (folder / f"per_user_{label}.csv").rename(folder / "per_user_als.csv")
    elif damage == "copy_file":
        shutil.copy(folder / f"per_user_{label}.csv", folder / "per_user_als.csv")
    elif damage == "drop_significance":
        payload["significance"] = {"als": "made up"}
    path.write_text(json.dumps(payload, indent=2))
    _check_outcome(folder, capsys)


def test_the_undamaged_folder_reports_its_figures(good, tmp_path, capsys):
    assert _check_outcome(_copy(good, tmp_path), capsys) is None


def test_results_json_with_bom_and_crlf_reports_its_figures(good, tmp_path, capsys):
    folder = _copy(good, tmp_path)
    path = folder / "results.json"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    assert _check_outcome(folder, capsys) is None


# --- the split made again for the report ------------------------------------------------

@pytest.mark.parametrize(("where", "value"), [
    (("experiment", "split", "test_fraction"), 0.5),
    (("experiment", "seed"), 1),
    (("experiment", "data", "source"),
     "synthetic:n_users=60,n_items=40,n_interactions=900,seed=3"),
])
def test_a_split_other_than_the_evaluated_one_is_not_used_for_the_report(
        good, tmp_path, capsys, where, value):
    # the report refits on the split made from the experiment of results.json: edited (or
    # its data changed), that split is another one, whose segments and lists were shown
    # as of "the same split"
    folder = _copy(good, tmp_path)
    path = folder / "results.json"
    payload = json.loads(path.read_text())
    _edit(payload, where, "set", value)
    path.write_text(json.dumps(payload, indent=2))
    out = tmp_path / "first.html"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert main(["report", str(folder), "--out", str(out), "--projection", "none"]) == 0
    page = out.read_text(encoding="utf-8")
    assert f"the split made again from the experiment in {path} is not the one" in page
    assert "refitted on the same split" not in page
    assert "Recall@10 of the relevant test items" not in page  # a section of the data's
    err = capsys.readouterr().err
    assert "is not the one the results were measured on" in err + " ".join(
        str(w.message) for w in caught)
    # the figures of the results are the folder's still
    assert _check_outcome(folder, capsys, refit="all") is None


def test_the_same_split_is_used_and_said(good, tmp_path, capsys):
    folder = _copy(good, tmp_path)
    assert _check_outcome(folder, capsys, refit="all") is None
    page = (folder / "page.html").read_text(encoding="utf-8")
    assert "refitted on the same split" in page
    assert "Recall@10 of the relevant test items" in page


def test_a_relevance_threshold_other_than_the_evaluated_one_is_not_used(good, tmp_path,
                                                                         capsys):
    # the split is the same, but the relevant test pairs are not: the recall by item
    # popularity counted the pairs of the edited threshold, as if evaluated so
    folder = _copy(good, tmp_path)
    path = folder / "results.json"
    payload = json.loads(path.read_text())
    payload["experiment"]["evaluation"]["relevance_threshold"] = 4.0
    path.write_text(json.dumps(payload, indent=2))
    out = tmp_path / "first.html"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main(["report", str(folder), "--out", str(out), "--projection", "none"]) == 0
    page = out.read_text(encoding="utf-8")
    assert (f"the relevant test pairs made again from the experiment in {path} are not "
            "those the results were measured on: models[1].meta.test_pairs is") in page
    assert "refitted on the same split" not in page
    assert "Recall@10 of the relevant test items" not in page


@pytest.mark.parametrize("cell", ["", "nan", "NA", "null"])
def test_a_cleared_per_user_value_names_its_line(good, tmp_path, capsys, cell):
    # every user's row is there, one value cleared: the message gave the counts alone
    # ("59 users, results.json says 60"), naming no line of the 60
    folder = _copy(good, tmp_path)
    path = folder / "per_user_random.csv"
    lines = path.read_text().splitlines()
    cells = lines[30].split(",")
    cells[2] = cell
    lines[30] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n")
    line = _check_outcome(folder, capsys)
    assert line == (f"recstack: error: {path}: line 31: column 'ndcg@5' has no value, but "
                    "results.json says 60 users have one; the file is damaged: rerun "
                    "`recstack evaluate`")


def test_a_metric_some_users_lack_by_definition_names_no_row_of_theirs(good, tmp_path, capsys):
    # AUC and novelty leave some users without a value by definition, and results.json's
    # n_users counts those with one: an empty cell is then no damage, and the first empty
    # row (line 2 here, a user told to have none) was named as the cleared one
    folder = _copy(good, tmp_path)
    path = folder / "per_user_random.csv"
    lines = path.read_text().splitlines()
    column = lines[0].split(",").index("ndcg@5")
    for number in (1, 30):  # line 2: blank by definition; line 31: cleared
        cells = lines[number].split(",")
        cells[column] = ""
        lines[number] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n")
    payload = json.loads((folder / "results.json").read_text())
    entry = next(model for model in payload["models"] if model["model"] == "random")
    entry["metrics"]["ndcg@5"]["n_users"] = 59
    (folder / "results.json").write_text(json.dumps(payload))
    line = _check_outcome(folder, capsys)
    assert line is not None and "line 2:" not in line, line
    assert "58 users, results.json says 59" in line, line
