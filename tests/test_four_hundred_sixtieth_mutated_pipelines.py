"""Pipeline files mutated one field at a time, run through ``recstack pipeline run``.

Three files are the bases: the annotated example of ``recstack/ops/pipeline_config.py``'s
docstring (the file the README points to; its factors made small), the pipeline the
package's own pipeline tests write (an expanding window and an EASE model), and a file
that sets every other key the tables declare (a users file, the drift reference, the
registry's name and pruning, the gate's fewest users, a work folder). Their data are a
tiny time-partitioned log (four monthly partitions of 60 users and 40 items) and its item
and user tables, in ``tmp_path``, so that each unmutated run stays well under a few
seconds.

Every field is then replaced by hostile values of its kind, one at a time: the wrong TOML
type (text for a number, a table for a list, an array for text), empty text, an empty
table, NaN and infinities, negative and zero counts, 1e300, booleans for numbers, a share
outside [0, 1], a folder, a missing file, a file of another format, a model or metric name
with a typo; and a near-miss spelling of each key is added beside it. Each mutated file
must be refused by the command: a non-zero exit, one line on stderr starting ``recstack:
error:`` that names the pipeline file and the mutated field's table and key, no
traceback, and nothing written (no work folder, no registry).
"""

from __future__ import annotations

import copy
import math
import textwrap
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.toml_mutations import fields, holder, near_miss

tomllib = pytest.importorskip("tomllib", reason="TOML reading needs Python 3.11 or later")
tomli_w = pytest.importorskip("tomli_w", reason="the mutated files are written with tomli_w")


def _docstring_form() -> str:
    """The example of the pipeline_config docstring, as the package shows it, with small
    factors (the run is the check, not the model)."""
    import recstack.ops.pipeline_config as module

    doc = module.__doc__ or ""
    start = doc.index("Example::") + len("Example::")
    end = doc.index("Every mistake is reported")
    text = textwrap.dedent(doc[start:end]).strip() + "\n"
    assert "factors = 64" in text  # the example changed: the substitution needs a look
    return text.replace("factors = 64", "factors = 4")


#: the pipeline the package's pipeline tests write (tests/ops/scenario.py)
SCENARIO_FORM = """\
name = "shop"
seed = 0

[data]
partitions = "logs"
rating_range = [1.0, 5.0]
items = "items.parquet"

[training]
window = "expanding"

[evaluation]
metric = "ndcg@10"
margin = 0.01

[registry]
root = "registry"

[model]
type = "ease"
regularization = 50.0
"""

#: the keys the other two leave out, each at a value the tiny data accepts
EVERY_KEY_FORM = """\
name = "every-key"
seed = 7
work = "work"

[data]
partitions = "logs"
rating_range = [1.0, 5.0]
items = "items.parquet"
users = "users.parquet"

[quality]
timestamp_floor = "2010-01-01"
volume_history = 2
volume_warn = 3.0
volume_fail = 20.0
max_missing_partitions = 1

[quality.unknown_items]
warn = 0.0
fail = 0.5

[drift]
reference_partitions = 2
psi_bins = 4
psi_warn = 0.25
ks_warn = 0.2
ks_alpha = 0.05
new_items_warn = 0.3
new_users_warn = 0.6
spearman_warn = 0.4
genre_tv_warn = 0.2

[training]
window = "expanding"

[model]
type = "most_popular"

[evaluation]
metric = "recall@5"
margin = 0.05
relevance_threshold = 3.0
min_users = 3

[registry]
root = "models"
name = "every-key-model"
keep = 2
"""

BASES = {"docstring": _docstring_form(), "scenario": SCENARIO_FORM,
         "every_key": EVERY_KEY_FORM}

#: what each run's folder holds before the command: a refused file adds nothing to it
DATA_FILES = ["empty_folder", "items.parquet", "logs", "notes.txt", "pipeline.toml",
              "users.parquet"]


def _write_data(folder: Path) -> None:
    from recstack.data.partitioned import write_partitioned
    from recstack.data.synthetic import generate

    data = generate(n_users=60, n_items=40, n_interactions=1200, months=4,
                    start="2019-01-01", seed=0)
    write_partitioned(data, folder / "logs", overwrite=True)
    (folder / "logs" / "_common_metadata").unlink()  # a log job's folder: data files only
    data.item_table.to_parquet(folder / "items.parquet")
    import pandas as pd

    users = pd.DataFrame({"user_id": sorted(set(data.to_frame()["user_id"]))})
    users.to_parquet(folder / "users.parquet")
    (folder / "notes.txt").write_text("not a table of anything\n", encoding="utf-8")
    (folder / "empty_folder").mkdir()


#: keys whose value names something that must exist (a registered model, a metric)
NAMED_THINGS = {"type", "metric", "window"}
#: keys naming an input file or folder
INPUT_PATHS = {"partitions": "folder", "items": "file", "users": "file"}
#: settings where 0 is a value like any other (a fail share of 0: any offending row
#: fails; a rank correlation of 0)
ZERO_TAKEN = {"seed", "fold_in_between", "max_missing_partitions", "margin", "warn", "fail",
              "psi_warn", "ks_warn", "new_items_warn", "new_users_warn", "genre_tv_warn",
              "spearman_warn", "relevance_threshold"}
#: shares and probabilities: [0, 1] (spearman: a correlation, [-1, 1])
SHARES = {"warn", "fail", "ks_warn", "ks_alpha", "new_items_warn", "new_users_warn",
          "genre_tv_warn", "margin"}
#: settings where a negative value is one of its own (a rank correlation; a relevance
#: threshold at or below 0 is the documented "every rating is relevant")
NEGATIVE_TAKEN = {"spearman_warn", "relevance_threshold"}
#: settings where 1e300 is a value of its own: a volume ratio that never fails the run
HUGE_TAKEN = {"volume_fail"}


def _hostile_values(key: Any, value: Any) -> list[tuple[str, Any]]:
    """The hostile replacements of ``value`` (the value of ``key``), by its TOML kind."""
    values: list[tuple[str, Any]]
    if isinstance(value, bool):
        return [("text", "yes"), ("integer", 1), ("table", {}), ("array", [value])]
    if isinstance(value, date):
        return [("not a time", "yesterday"), ("empty text", ""), ("boolean", True),
                ("array", [value]), ("table", {})]
    if isinstance(value, int | float):
        values = [("quoted", str(value)), ("nan", math.nan), ("inf", math.inf),
                  ("-inf", -math.inf), ("boolean", True), ("table", {}), ("array", [value]),
                  ("empty text", "")]
        if key not in HUGE_TAKEN:
            values.append(("1e300", 1e300))
        if key not in NEGATIVE_TAKEN:
            values.append(("negative", -1 if isinstance(value, int) else -0.5))
        if key not in ZERO_TAKEN:
            values.append(("zero", 0))
        if isinstance(value, int) and key != "seed":
            values.append(("fraction", value + 0.5))
        if key in SHARES:
            values.append(("share above 1", 1.5))
        return values
    if isinstance(value, str):
        values = [("empty text", ""), ("array", [value]), ("table", {}), ("integer", 3),
                  ("boolean", False), ("blank", "   ")]
        if key in NAMED_THINGS:
            values += [("typo", value[:-1] + "x")]
        if key == "metric":
            values += [("no cut-off", value.partition("@")[0]),
                       ("zero cut-off", value.partition("@")[0] + "@0"),
                       ("misspelt name", "ndgc@10")]
        if key == "timestamp_floor":
            values += [("not a date", "2019-13-45")]
        if key in INPUT_PATHS:
            values += [("missing", "nosuch"), ("a file of another kind", "notes.txt")]
            if INPUT_PATHS[key] == "file":
                values += [("a folder", "empty_folder")]
            else:
                values += [("a folder of nothing", "empty_folder"), ("a file", "items.parquet")]
        if key in ("work", "root"):
            values += [("an existing file", "notes.txt"), ("the partitions", "logs")]
        return values
    if isinstance(value, list):
        values = [("empty array", []), ("table", {"a": 1}), ("text", "x"),
                  ("one value", [value[0]]), ("three values", [*value, value[-1]]),
                  ("reversed", value[::-1]), ("nan in", [math.nan, value[1]]),
                  ("text in", ["1", value[1]]), ("boolean in", [True, value[1]])]
        return values
    if isinstance(value, dict):
        values = [("array", [1]), ("text", "x")]
        if key in ("data", "model", "registry"):
            values.append(("empty table", {}))
        return values
    return []


def _mutations(form: str) -> list[tuple[str, tuple[Any, ...], dict[str, Any]]]:
    base = tomllib.loads(form)
    cases = []
    for path, value in fields(base, into_arrays=False):
        key = path[-1]
        for name, hostile in _hostile_values(key, value):
            mutated = copy.deepcopy(base)
            holder(mutated, path)[key] = hostile
            cases.append((name, path, mutated))
        if len(key) < 3 or isinstance(value, dict):
            continue  # a misspelt table: its own test below
        mutated = copy.deepcopy(base)
        holder(mutated, path)[near_miss(key)] = value
        cases.append((f"near miss {near_miss(key)!r} beside it", path, mutated))
    return cases


def _cases() -> list[Any]:
    return [pytest.param(kind, path, mutated,
                         id=f"{kind}-{'.'.join(map(str, path))}-{name}")
            for kind, form in BASES.items() for name, path, mutated in _mutations(form)]


def _named_parts(path: tuple[Any, ...]) -> list[str]:
    """What the refusal names of the field at ``path``: its table as the file writes its
    header, and its key."""
    if len(path) == 1:
        return [str(path[0])]
    return [f"[{'.'.join(map(str, path[:-1]))}]", str(path[-1])]


@pytest.fixture(scope="module")
def data(tmp_path_factory: Any) -> Path:
    """The data, written once per module (each test runs on a copy of it)."""
    folder = tmp_path_factory.mktemp("data")
    _write_data(folder)
    return folder


def _run(data: Path, folder: Path, document: dict[str, Any],
         capsys: Any) -> tuple[int, str, str]:
    import shutil

    from recstack.cli import main

    shutil.copytree(data, folder, dirs_exist_ok=True)
    pipeline = folder / "pipeline.toml"
    pipeline.write_text(tomli_w.dumps(document), encoding="utf-8")
    code = main(["pipeline", "run", str(pipeline), "--quiet"])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("kind, path, mutated", _cases())
def test_a_field_mutated_to_a_hostile_value_is_refused_naming_it(data, tmp_path, capsys, kind,
                                                                  path, mutated):
    code, out, err = _run(data, tmp_path, mutated, capsys)
    lines = err.strip().splitlines()
    assert code != 0, (out, err)
    assert "Traceback" not in err
    assert len(lines) == 1, err
    line = lines[0]
    assert line.startswith(f"recstack: error: {tmp_path / 'pipeline.toml'}: "), line
    for part in _named_parts(path):
        assert part in line, (part, line)
    # neither a work folder (runs, state, lock) nor a registry
    assert sorted(p.name for p in tmp_path.iterdir()) == DATA_FILES


@pytest.mark.parametrize("kind", BASES)
def test_each_base_runs_as_written(data, tmp_path, capsys, kind):
    # the mutations are refused for what they change, not for a base that never ran
    code, out, err = _run(data, tmp_path, tomllib.loads(BASES[kind]), capsys)
    assert code == 0, err
    assert out.startswith("result: published as "), out


def _table_cases() -> list[Any]:
    return [pytest.param(kind, table, id=f"{kind}-{table}")
            for kind, form in BASES.items()
            for table, value in tomllib.loads(form).items() if isinstance(value, dict)]


@pytest.mark.parametrize("kind, table", _table_cases())
def test_a_table_under_a_misspelt_name_is_named_with_the_one_meant(data, tmp_path, capsys,
                                                                    kind, table):
    document = tomllib.loads(BASES[kind])
    misspelt = near_miss(table)
    document[misspelt] = document.pop(table)
    code, _, err = _run(data, tmp_path, document, capsys)
    assert code == 2
    assert err == (f"recstack: error: {tmp_path / 'pipeline.toml'}: unknown key "
                   f"{misspelt!r} (did you mean {table!r}?); known keys: name, seed, work, "
                   "data, quality, drift, training, model, evaluation, registry\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == DATA_FILES
