"""Three-hundred-fourteenth probe: an experiment file naming a metric by its function's
name in :mod:`recstack.metrics` (``metrics = ["gini_index"]``, ``catalog_coverage``,
``intra_list_diversity``, ``average_popularity``) got no hint, the names too far apart for
did_you_mean, where the Evaluator now points to its own name (``gini``); the file is now
told the same (:func:`recstack.evaluation.evaluator.metric_name_hint`). And from Python,
``check_output(out="res ")`` and ``ExperimentResult.write("res ")`` made a folder padded
with a space beside ``res``, which ``--out 'res '`` and ``output = "res "`` refuse. Each
test failed before the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from recstack.cli import main
from recstack.config import parse_experiment
from recstack.errors import ConfigError, RecstackError
from recstack.experiment import check_output

SMALL = "synthetic:n_users=60,n_items=40,n_interactions=600,seed=1"
KNOWN = ("precision, recall, recall_capped, hit_rate, f1, mrr, map, ndcg, ndcg_linear, "
         "auc, coverage, gini, novelty, diversity, popularity")
FUNCTIONS = {"gini_index": "gini", "catalog_coverage": "coverage",
             "intra_list_diversity": "diversity", "average_popularity": "popularity"}


def _raw(metrics):
    return {"data": {"source": SMALL}, "split": {"method": "random"},
            "models": [{"type": "most_popular"}],
            "evaluation": {"metrics": metrics, "ks": [10]}}


@pytest.mark.parametrize(("function", "short"), FUNCTIONS.items())
def test_a_metric_function_name_points_to_the_evaluator_name(function, short):
    with pytest.raises(ConfigError) as caught:
        parse_experiment(_raw(["ndcg", function]), source="exp.toml")
    assert str(caught.value) == (
        f'exp.toml: [evaluation] metrics: "{function}" is not a known metric (did you mean '
        f"{short!r}? {function} is the function's name in recstack.metrics; the evaluator "
        f"names its metric {short!r}); known: {KNOWN}")


def test_the_name_suggested_is_taken():
    experiment = parse_experiment(_raw(["ndcg", *FUNCTIONS.values()]), source="exp.toml")
    assert experiment.evaluation.metrics == ("ndcg", "gini", "coverage", "diversity",
                                             "popularity")


def test_a_function_name_with_a_cutoff_gets_both_hints():
    with pytest.raises(ConfigError) as caught:
        parse_experiment(_raw(["gini_index@10"]), source="exp.toml")
    assert str(caught.value) == (
        'exp.toml: [evaluation] metrics: "gini_index@10" is not a known metric (did you mean '
        "'gini'? gini_index is the function's name in recstack.metrics; the evaluator names "
        f"its metric 'gini'; the cut-offs go in ks, not in the names); known: {KNOWN}")
    with pytest.raises(ConfigError) as caught:
        parse_experiment(_raw(["ndgc@10"]), source="exp.toml")
    assert str(caught.value) == (
        'exp.toml: [evaluation] metrics: "ndgc@10" is not a known metric (did you mean '
        f"'ndcg'? The cut-offs go in ks, not in the names); known: {KNOWN}")


def test_a_misspelling_still_gets_the_nearest_name():
    with pytest.raises(ConfigError, match=r'"ginni" is not a known metric \(did you mean '
                                          r"'gini'\?\); known: "):
        parse_experiment(_raw(["ginni"]), source="exp.toml")


def test_recstack_evaluate_says_it_in_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    Path("exp.toml").write_text(
        f'[data]\nsource = "{SMALL}"\n[split]\nmethod = "random"\n[[models]]\n'
        'type = "most_popular"\n[evaluation]\nmetrics = ["ndcg", "gini_index"]\nks = [10]\n')
    code = main(["evaluate", "exp.toml"])
    out, err = capsys.readouterr()
    assert code != 0 and out == ""
    assert err == (
        'recstack: error: exp.toml: [evaluation] metrics: "gini_index" is not a known '
        "metric (did you mean 'gini'? gini_index is the function's name in recstack.metrics;"
        f" the evaluator names its metric 'gini'); known: {KNOWN}\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exp.toml"]


@pytest.mark.parametrize(("given", "end"), [
    ("res ", "'res ' ends with a space, which makes it another folder than 'res'; write it "
             "without: 'res'"),
    (" res", "' res' starts with a space, which makes it another folder than 'res'; write "
             "it without: 'res'"),
    ("sub/res\u00a0", "'sub/res\\xa0' ends with the blank '\\xa0', which makes it another "
                      "folder than 'sub/res'; write it without: 'sub/res'"),
    ("res /", "'res /' ends with a space, which makes it another folder than 'res'; write "
              "it without: 'res'"),
])
def test_check_output_refuses_a_folder_padded_with_a_space(tmp_path, monkeypatch, given,
                                                            end):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "res").mkdir()
    with pytest.raises(RecstackError) as caught:
        check_output(given, overwrite=True)
    assert str(caught.value) == f"out: {end}"
    with pytest.raises(RecstackError) as caught:
        check_output(Path(given), overwrite=False)
    assert str(caught.value).endswith("another folder than " + end.split("than ", 1)[1])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["res"]


def test_check_output_takes_folder_names_that_are_fine(tmp_path):
    for name in ["res", "res/", "v1.", "a b", "runs/2024.05"]:
        assert check_output(tmp_path / name, overwrite=False) == tmp_path / name.rstrip("/")


def test_run_experiment_and_result_write_refuse_it_before_any_work(tmp_path, monkeypatch):
    from recstack.experiment import run_experiment

    monkeypatch.chdir(tmp_path)
    experiment = parse_experiment(_raw(["ndcg"]), source="exp.toml")
    with pytest.raises(RecstackError, match=r"^out: 'res ' ends with a space"):
        run_experiment(experiment, out="res ")
    result = run_experiment(experiment)
    with pytest.raises(RecstackError) as caught:
        result.write("res ")
    assert str(caught.value) == ("ExperimentResult.write: out: 'res ' ends with a space, "
                                 "which makes it another folder than 'res'; write it "
                                 "without: 'res'")
    assert list(tmp_path.iterdir()) == []
    assert result.write("res") == Path("res") and (tmp_path / "res").is_dir()
