"""Experiment files mutated one field at a time, run through ``recstack evaluate``.

Three files are the bases, each in the form the README (or the package) shows it: the
README's baselines experiment, ``recstack/experiments/demo.toml`` (the experiment ``make
demo`` runs) and the graph-CF protocol form (``[data] split`` naming a folder of
``train.txt``/``valid.txt``/``test.txt``, with a ``[tune]`` table). Their data are made
tiny (a 12-user CSV, 10-user split files in ``tmp_path``) and the demo's sizes small, so
that the one unmutated run of each stays cheap; nothing else about them changes.

Every field (a key, a table, an entry of an array of tables) is then replaced by hostile
values of its kind, one at a time: the wrong TOML type (text for a number, a table for a
list, an array for text), empty text, an empty table, NaN and infinities, negative and zero
counts, 1e300, booleans for numbers, a folder, a missing file, a name registered nowhere
(a model, a metric, a method with a typo), a list of cut-offs holding a duplicate or zero;
and a near-miss spelling of each key is added next to it, and a second spelling of it (in
other case, with a dash for an underscore). Each mutated file must be refused by the
command: a non-zero exit, one line on stderr starting ``recstack: error:`` that names the
experiment file and the mutated field's table and key, no traceback, and no results folder
(nor a staging folder beside it).
"""

from __future__ import annotations

import copy
import math
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.toml_mutations import fields, holder, near_miss

tomllib = pytest.importorskip("tomllib", reason="TOML reading needs Python 3.11 or later")
tomli_w = pytest.importorskip("tomli_w", reason="the mutated files are written with tomli_w")

#: the README's baselines experiment, on a small CSV instead of the built-in dataset (its
#: k-core and cut-offs scaled to it)
README_FORM = """\
name = "baselines"

[data]
source = "ratings.csv"

[[filters]]
type = "k_core"
user_min = 2
item_min = 2

[split]
method = "random"
test_fraction = 0.2

[evaluation]
metrics = ["precision", "recall", "ndcg", "map", "auc", "coverage"]
ks = [3, 5]
relevance_threshold = 4.0

[[models]]
type = "most_popular"

[[models]]
type = "random"
seed = 0
"""

#: the README's graph-CF protocol: a folder of adjacency-list split files and a [tune] table
GRAPH_CF_FORM = """\
name = "graph_cf"
seed = 0

[data]
split = "splits"

[evaluation]
metrics = ["recall", "ndcg"]
ks = [5]

[tune]
model = "item_knn"
trials = 2
metric = "recall@5"

[tune.space]
neighbors = { type = "int", low = 2, high = 5 }

[[models]]
type = "most_popular"

[[models]]
type = "item_knn"
neighbors = 3
"""


def _demo_form() -> str:
    """``demo.toml`` as the package ships it, on the small CSV, with sizes that fit it and
    without the HTML report (the run is the check, not the page)."""
    import recstack

    text = (Path(recstack.__file__).parent / "experiments" / "demo.toml").read_text(
        encoding="utf-8")
    for before, after in [('source = "synthetic"', 'source = "ratings.csv"'),
                          ("user_min = 5", "user_min = 2"), ("item_min = 5", "item_min = 2"),
                          ("ks = [10, 20]", "ks = [3, 5]"), ("html = true", "html = false"),
                          ("neighbors = 100", "neighbors = 3"), ("factors = 128", "factors = 4"),
                          ("iterations = 15", "iterations = 2"),
                          # 50 shrinks the factors of 12 users to nothing (a warning)
                          ("regularization = 50.0", "regularization = 0.5")]:
        assert before in text, before  # the demo changed: the substitutions need a look
        text = text.replace(before, after)
    return text


#: what each run's folder holds before the command: the command adds nothing to it
DATA_FILES = ["empty_folder", "experiment.toml", "headless.csv", "ratings.csv", "splits",
              "test.tsv", "train.tsv"]


def _write_data(folder: Path) -> None:
    rows = []
    moment = 1_600_000_000
    for user in range(12):
        for item in range(8):
            if (user + item) % 3:
                rows.append(f"u{user},i{item},{1 + (user * item) % 5},{moment}")
                moment += 60
    header = "user_id,item_id,value,timestamp"
    (folder / "ratings.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    (folder / "headless.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    # the same rows split by hand, tab-separated: every seventh row is a test row
    for name, part in (("train", [r for n, r in enumerate(rows) if n % 7]),
                       ("test", rows[::7])):
        (folder / f"{name}.tsv").write_text(
            "\n".join(line.replace(",", "\t") for line in [header, *part]) + "\n",
            encoding="utf-8")
    splits = folder / "splits"
    splits.mkdir()
    parts: dict[str, list[str]] = {"train": [], "valid": [], "test": []}
    for user in range(10):
        items = [(user + step) % 9 for step in range(6)]
        parts["train"].append(" ".join(map(str, [user, *items[:4]])))
        parts["valid"].append(f"{user} {items[4]}")
        parts["test"].append(f"{user} {items[5]}")
    for name, lines in parts.items():
        (splits / f"{name}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "empty_folder").mkdir()


#: where a value names a thing that must exist (a registered model, a method, a file):
#: a typo of it is a mistake; elsewhere (a run name, a label) any text is a name
NAMED_THINGS = {"type", "method", "model", "metric", "source", "split", "train", "test",
                "protocol"}
#: the keys naming a path of data
DATA_PATHS = ("source", "split", "train", "test")
#: settings where 0 is a value like any other (a seed), not an empty count
ZERO_TAKEN = {"seed"}
#: settings where 1e300 is a value of their own: a half-life longer than any log is no decay
HUGE_TAKEN = {"half_life_days"}


def _hostile_values(key: Any, value: Any) -> list[tuple[str, Any]]:
    """The hostile replacements of ``value`` (the value of ``key``), by its TOML kind."""
    values: list[tuple[str, Any]]
    if isinstance(value, bool):
        return [("text", "yes"), ("integer", 1), ("table", {})]
    if isinstance(value, date):  # a TOML date or date-time (a datetime is a date)
        return [("not a time", "yesterday"), ("empty text", ""), ("boolean", True),
                ("array", [value]), ("table", {})]
    if isinstance(value, int):
        values = [("quoted", str(value)), ("nan", math.nan), ("inf", math.inf),
                  ("negative", -1), ("boolean", True), ("table", {}), ("array", [value]),
                  ("empty text", "")]
        values += [] if key in ZERO_TAKEN else [("zero", 0)]
        return values if key in HUGE_TAKEN else [*values, ("1e300", 1e300)]
    if isinstance(value, float):
        # a negative or zero threshold, a zero regularization are values of their own
        return [("quoted", str(value)), ("nan", math.nan), ("inf", math.inf),
                ("-inf", -math.inf), ("boolean", True), ("table", {}), ("array", [value]),
                ("empty text", "")]
    if isinstance(value, str):
        values = [("empty text", ""), ("array", [value]), ("table", {}), ("integer", 3),
                  ("boolean", False)]
        if key in NAMED_THINGS:
            values += [("typo", value[:-1] + "x"), ("missing file", "nosuch.csv")]
        if key in DATA_PATHS:
            # the experiment's own folder holds a ratings.csv: read as a MovieLens release
            values += [("a folder of nothing", "empty_folder"), ("this folder", ".")]
        return values
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        # [[models]] written as [models]; no model at all (no filter is a file's right)
        return [("one table", value[0])] + ([("empty array", [])] if key == "models" else [])
    if isinstance(value, list):
        values = [("empty array", []), ("table", {"a": 1}), ("text", "x"),
                  ("duplicate", [*value, value[0]])]
        if isinstance(value[0], int):
            values += [("zero in", [0, *value]), ("negative in", [-1, *value]),
                       ("fraction in", [1.5]), ("boolean in", [True]), ("nan in", [math.nan])]
        else:
            values += [("typo in", [value[0][:-1] + "x"]), ("integer in", [3]),
                       ("empty in", [""])]
        return values
    if isinstance(value, dict):
        # an empty [report] or [split]-less file is a file's right; these are not
        return [("array", [1]), ("text", "x")] + (
            [("empty table", {})] if key in ("data", "split", "tune", "space") else [])
    return []


def _mutations(form: str) -> list[tuple[str, tuple[Any, ...], dict[str, Any]]]:
    base = tomllib.loads(form)
    cases = []
    for path, value in fields(base):
        key = path[-1]
        for name, hostile in _hostile_values(key, value):
            mutated = copy.deepcopy(base)
            holder(mutated, path)[key] = hostile
            cases.append((name, path, mutated))
        if not isinstance(key, str) or len(key) < 3 or isinstance(value, list | dict):
            continue  # a misspelt table: each base checks the tables' own names below
        twins = [("near miss", near_miss(key)), ("other case", key.capitalize())]
        if "_" in key:
            twins.append(("dashed", key.replace("_", "-")))
        for name, twin in twins:
            mutated = copy.deepcopy(base)
            holder(mutated, path)[twin] = value
            cases.append((f"{name} {twin!r} beside it", path, mutated))
    return cases


BASES = {"readme": README_FORM, "graph_cf": GRAPH_CF_FORM}


def _cases() -> list[Any]:
    forms = {**BASES, "demo": _demo_form()}
    return [pytest.param(kind, path, mutated,
                         id=f"{kind}-{'.'.join(map(str, path))}-{name}")
            for kind, form in forms.items() for name, path, mutated in _mutations(form)]


def _named_parts(path: tuple[Any, ...]) -> list[str]:
    """What the refusal names of the field at ``path``: its table as the file writes its
    header (an array entry by its number) and its key."""
    if len(path) == 1:
        return [str(path[0])]
    if isinstance(path[1], int):
        return [f"[[{path[0]}]] #{path[1] + 1}", *map(str, path[2:])]
    return [f"[{path[0]}]", *map(str, path[1:])]


def _run(folder: Path, document: dict[str, Any], capsys: Any) -> tuple[int, str, str]:
    from recstack.cli import main

    _write_data(folder)
    experiment = folder / "experiment.toml"
    experiment.write_text(tomli_w.dumps(document), encoding="utf-8")
    code = main(["evaluate", str(experiment), "--out", str(folder / "results")])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("kind, path, mutated", _cases())
def test_a_field_mutated_to_a_hostile_value_is_refused_naming_it(tmp_path, capsys, kind, path,
                                                                  mutated):
    code, _, err = _run(tmp_path, mutated, capsys)
    lines = err.strip().splitlines()
    assert code != 0, err
    assert "Traceback" not in err
    assert len(lines) == 1, err
    line = lines[0]
    assert line.startswith(f"recstack: error: {tmp_path / 'experiment.toml'}: "), line
    for part in _named_parts(path):
        assert part in line, (part, line)
    # neither the results nor a staging folder of them
    assert sorted(p.name for p in tmp_path.iterdir()) == DATA_FILES


@pytest.mark.parametrize("kind", [*BASES, "demo"])
def test_each_base_runs_as_written(tmp_path, capsys, kind):
    # the mutations are refused for what they change, not for a base that never ran
    form = _demo_form() if kind == "demo" else BASES[kind]
    code, _, err = _run(tmp_path, tomllib.loads(form), capsys)
    assert code == 0, err
    assert (tmp_path / "results" / "results.json").is_file()


@pytest.mark.parametrize("kind, table", [
    ("graph_cf", "data"), ("graph_cf", "tune"), ("readme", "split"), ("readme", "data"),
    ("readme", "models"), ("graph_cf", "models"), ("readme", "filters")])
def test_a_table_under_a_misspelt_name_is_named_with_the_one_meant(tmp_path, capsys, kind,
                                                                    table):
    # before: `[dtaa] split = "splits"` was told "'split' is a top-level key, but written
    # below the [dtaa] header ... move it above the first [table] header", and `[[mdoels]]`
    # holding a model's seed "[[mdoels]] takes no seed": advice for a name that was right
    document = tomllib.loads(BASES[kind])
    misspelt = near_miss(table)
    document[misspelt] = document.pop(table)
    code, _, err = _run(tmp_path, document, capsys)
    assert code == 2
    assert err == (f"recstack: error: {tmp_path / 'experiment.toml'}: unknown key "
                   f"{misspelt!r} (did you mean {table!r}?); known keys: name, seed, output, "
                   "data, filters, split, evaluation, models, tune, report, spark\n")
