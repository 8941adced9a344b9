"""The mutations of ``test_four_hundred_fifty_eighth_mutated_experiments`` on the other
forms the README shows an experiment in: data already split (``[data] train`` and
``test``, with loader options) evaluated under the sampled protocol, a k-fold split of a
file without a header (``column_names``) after two filters, with the evaluation's run
settings, and a leave-last-out split after a ``time_window`` filter written with TOML
dates. Each field mutated to a hostile value is refused by ``recstack evaluate`` in one
line naming the file, the table and the key, without a traceback or a results folder."""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_four_hundred_fifty_eighth_mutated_experiments import (
    DATA_FILES,
    _mutations,
    _named_parts,
    _run,
)

tomllib = pytest.importorskip("tomllib", reason="TOML reading needs Python 3.11 or later")

FORMS = {
    "already_split_sampled": """\
name = "already_split"
seed = 3

[data]
train = "train.tsv"
test = "test.tsv"
separator = "\\t"
rating_range = [1, 5]
timestamp_unit = "s"

[evaluation]
metrics = ["hit_rate", "ndcg"]
ks = [1, 2]
protocol = "sampled"
n_negatives = 2

[[models]]
type = "most_popular"
""",
    "kfold": """\
name = "kfold"

[data]
source = "headless.csv"
column_names = ["user_id", "item_id", "value", "timestamp"]

[[filters]]
type = "min_value"
threshold = 2.0

[[filters]]
type = "deduplicate"
policy = "last"

[split]
method = "kfold"
k = 2
seed = 1

[evaluation]
metrics = ["ndcg", "gini"]
ks = [3]
graded = true
batch_size = 4
n_threads = 1

[[models]]
type = "ease"
regularization = 10.0
""",
    "leave_last_out": """\
name = "leave_last_out"

[data]
source = "ratings.csv"

[[filters]]
type = "time_window"
start = 2020-09-13T12:00:00
end = 2030-01-01

[split]
method = "leave_last_out"
n = 1

[evaluation]
metrics = ["ndcg"]
ks = [3]

[[models]]
type = "item_knn"
neighbors = 3
similarity = "cosine"
shrink = 1.0
""",
}

#: values that are settings of their own, not mistakes, in these forms: no filter at all;
#: a minimum value at or below every value (kept, with a warning that it removes nothing);
#: no shrinkage
TAKEN = {("filters", "empty array"), ("threshold", "negative"), ("threshold", "zero"),
         ("shrink", "zero")}


def _cases() -> list[Any]:
    return [pytest.param(path, mutated, id=f"{kind}-{'.'.join(map(str, path))}-{name}")
            for kind, form in FORMS.items() for name, path, mutated in _mutations(form)
            if (path[-1], name) not in TAKEN]


@pytest.mark.parametrize("path, mutated", _cases())
def test_a_field_mutated_to_a_hostile_value_is_refused_naming_it(tmp_path, capsys, path,
                                                                  mutated):
    code, _, err = _run(tmp_path, mutated, capsys)
    lines = err.strip().splitlines()
    assert code != 0, err
    assert "Traceback" not in err
    assert len(lines) == 1, err
    assert lines[0].startswith(f"recstack: error: {tmp_path / 'experiment.toml'}: "), err
    for part in _named_parts(path):
        assert part in lines[0], (part, lines[0])
    assert sorted(p.name for p in tmp_path.iterdir()) == DATA_FILES


@pytest.mark.parametrize("kind", FORMS)
def test_each_form_runs_as_written(tmp_path, capsys, kind):
    code, _, err = _run(tmp_path, tomllib.loads(FORMS[kind]), capsys)
    assert code == 0, err
    assert (tmp_path / "results" / "results.json").is_file()
