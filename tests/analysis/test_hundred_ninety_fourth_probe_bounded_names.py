"""Hundred-ninety-fourth probe: the refusals of a results folder named every file, column,
label or metric they concerned, so that a folder of 500 models without their per-user
files, or a per-user file short of 2,000 columns, gave one message of 10,000 to 25,000
characters. Each list now names the first 8 and says how many more there are."""

from __future__ import annotations

import copy
import json
import re

import pytest

from recstack.analysis.results_folder import read_results
from recstack.errors import RecstackError


def _edit(results, edit):
    path = results / "results.json"
    payload = json.loads(path.read_text())
    edit(payload)
    path.write_text(json.dumps(payload))


def test_many_missing_per_user_files_are_counted(results):
    def add_models(payload):
        for number in range(500):
            entry = copy.deepcopy(payload["models"][0])
            entry["model"] = f"m{number}"
            payload["models"].append(entry)

    _edit(results, add_models)
    with pytest.raises(RecstackError) as raised:
        read_results(results)
    first = ", ".join(f"per_user_m{number}.csv" for number in range(8))
    assert str(raised.value) == (
        f"{results}: missing {first} (and 492 more) (each model's per-user values, which "
        "the confidence bands, significance matrix and segments need); rerun `recstack "
        "evaluate`")


def test_many_absent_columns_are_counted(results):
    def add_metrics(payload):
        metrics = payload["models"][0]["metrics"]
        for k in range(6, 2006):
            metrics[f"ndcg@{k}"] = dict(metrics["ndcg@5"])

    _edit(results, add_metrics)
    with pytest.raises(RecstackError) as raised:
        read_results(results)
    first = ", ".join(f"'ndcg@{k}'" for k in range(6, 14))
    assert str(raised.value) == (
        f"{results / 'per_user_most_popular.csv'}: no column for {first} (and 1,992 more), "
        "which results.json summarises; the columns are ['precision@5', 'ndcg@5']; the file "
        "is damaged: rerun `recstack evaluate`")


def test_many_unknown_columns_are_counted(results):
    path = results / "per_user_most_popular.csv"
    lines = path.read_text().splitlines()
    extra = [f"x{number}" for number in range(20)]
    lines = [",".join([lines[0], *extra])] + [",".join([line, *["0"] * 20])
                                               for line in lines[1:]]
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(RecstackError) as raised:
        read_results(results)
    message = str(raised.value)
    first = ", ".join(f"'x{number}'" for number in range(8))
    assert f"column(s) {first} (and 12 more) are not among the metrics" in message
    assert "'x8'" not in message
    # the list of columns given for the missing ones is bounded the same way
    assert len(message) < 600


def test_many_models_lacking_keys_are_counted(results):
    def add_bare_models(payload):
        payload["models"].extend({"model": f"m{number}"} for number in range(30))

    _edit(results, add_bare_models)
    with pytest.raises(RecstackError) as raised:
        read_results(results)
    message = str(raised.value)
    assert re.fullmatch(
        rf"{re.escape(str(results / 'results.json'))}: models\[2\] lacks 'metrics', "
        r"'aggregate'; .*; models\[9\] lacks 'metrics', 'aggregate' \(and 22 more models "
        r"alike\); written by an older recstack\? rerun `recstack evaluate`", message)


def test_a_folder_of_many_files_without_results_names_the_first(tmp_path):
    for number in range(30):
        (tmp_path / f"f{number:02d}.txt").write_text("x")
    with pytest.raises(RecstackError) as raised:
        read_results(tmp_path)
    first = ", ".join(f"f{number:02d}.txt" for number in range(8))
    assert str(raised.value) == (
        f"{tmp_path}: missing results.json, so this is not a results folder of `recstack "
        f"evaluate --out` (it holds: {first} (and 22 more))")


def test_many_stray_files_are_counted_in_the_warning(results):
    for number in range(20):
        (results / f"per_user_gone{number:02d}.csv").write_text("user_id\n")
    with pytest.warns(UserWarning) as caught:
        read_results(results)
    message = str(caught[0].message)
    first = ", ".join(f"per_user_gone{number:02d}.csv" for number in range(8))
    assert message.startswith(f"{results}: {first} (and 12 more) name no model of "
                              "results.json (models: 'most_popular'): left out")
