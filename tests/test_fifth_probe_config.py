"""Fifth probe: experiment-file mistakes that were taken without a word or shown in
Python's spelling rather than TOML's."""

from __future__ import annotations

import pytest

from recstack.config import parse_experiment
from recstack.errors import ConfigError

BASE = {"data": {"source": "synthetic"}, "split": {"method": "random"},
        "models": [{"type": "item_knn"}]}


def parse(**changes):
    return parse_experiment(BASE | changes, source="x.toml")


@pytest.mark.parametrize("choices, repeated", [
    (["cosine", "cosine"], '"cosine"'),
    (["cosine", "jaccard", "cosine"], '"cosine"'),
])
def test_a_categorical_choice_listed_twice_is_refused(choices, repeated):
    # optuna drew it twice as often (and the conditional branches tried it twice)
    space = {"similarity": {"type": "categorical", "choices": choices}}
    with pytest.raises(ConfigError, match=rf"^x.toml: \[tune\] space.similarity: choices = "
                                          rf".*: {repeated} is listed twice; give each "
                                          rf"choice once"):
        parse(tune={"model": "item_knn", "space": space})


def test_distinct_choices_of_different_types_are_not_repeats():
    space = {"neighbors": {"type": "categorical", "choices": [10, 20]},
             "normalize": {"type": "categorical", "choices": [True, False]}}
    spec = parse(tune={"model": "item_knn", "space": space}).tune
    assert spec is not None and spec.space == space


@pytest.mark.parametrize("key, value, shown", [
    ("seed", True, "seed = true"), ("seed", False, "seed = false"),
    ("name", True, "name = true"),
])
def test_true_and_false_are_shown_as_toml_writes_them(key, value, shown):
    with pytest.raises(ConfigError, match=rf"^x.toml: {shown}: expected"):
        parse(**{key: value})


SMALL = "synthetic:n_users=60,n_items=40,n_interactions=900,seed=1"


def _report_experiment(colour_by, projection="tsne"):
    raw = {"name": "colours", "data": {"source": SMALL},
           "split": {"method": "random", "test_fraction": 0.2},
           "evaluation": {"metrics": ["ndcg"], "ks": [5]},
           "models": [{"type": "als", "factors": 4, "iterations": 1, "seed": 0}],
           "report": {"html": True, "projection": projection, "colour_by": colour_by}}
    return parse_experiment(raw, source="colours.toml")


def test_a_colour_by_naming_no_column_is_refused_before_fitting(tmp_path, monkeypatch):
    from recstack.experiment import run_experiment
    from recstack.models.als import ALS

    def never(*args, **kwargs):
        raise AssertionError("a model was fitted before the mistake was named")

    monkeypatch.setattr(ALS, "fit", never)
    with pytest.raises(ConfigError, match=r'^colours.toml: \[report\] colour_by = "genrs": '
                                          r'expected "popularity" or a column of the item '
                                          r"table \(did you mean 'genres'\?\); the item "
                                          r"table has: 'item_id', 'title', 'genres'"):
        run_experiment(_report_experiment("genrs"), out=tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_colour_by_without_maps_is_not_looked_at(tmp_path):
    from recstack.experiment import run_experiment

    # no maps, nothing to colour: the report failed on it after every model was evaluated
    run_experiment(_report_experiment("genrs", projection="none"), out=tmp_path / "out")
    assert (tmp_path / "out" / "report.html").exists()


@pytest.mark.parametrize("blank", ["", "  "])
def test_a_blank_colour_by_is_refused(blank):
    with pytest.raises(ConfigError, match=r'^colours.toml: \[report\] colour_by = "\s*": '
                                          r'expected "popularity" or an item-table column'):
        _report_experiment(blank)


def test_recstack_report_names_a_wrong_colour_by_before_refitting(tmp_path, monkeypatch):
    from recstack.analysis.report import write_report
    from recstack.errors import UnknownColumnError
    from recstack.experiment import run_experiment
    from recstack.models.als import ALS

    out = tmp_path / "out"
    run_experiment(_report_experiment(None, projection="none"), out=out)

    def never(*args, **kwargs):
        raise AssertionError("refitted before the mistake was named")

    monkeypatch.setattr(ALS, "fit", never)
    with pytest.raises(UnknownColumnError, match=r"no column 'genrs' for colouring the "
                                                 r"embedding maps"):
        write_report(out, tmp_path / "page.html", colour_by="genrs", interactive=False)


@pytest.mark.parametrize("value", ["[" * 5000 + "]" * 5000, "{a = " * 3000 + "1" + "}" * 3000])
def test_toml_nested_too_deeply_is_named_with_its_line(tmp_path, value):
    from recstack.config import load_experiment
    from recstack.ops.pipeline_config import load_pipeline

    path = tmp_path / "deep.toml"
    # brackets in a comment and a string do not count
    path.write_text(f'name = "a"\n# [[[[\ns = "[[[["\nx = {value}\n', encoding="utf-8")
    # tomllib recursed until Python's RecursionError: a traceback
    message = (r"deep.toml:4: not valid TOML: arrays or inline tables nested too deeply "
               r"\(more than 100 within one another, from line 4\)")
    with pytest.raises(ConfigError, match=message):
        load_experiment(path)
    with pytest.raises(ConfigError, match=message):
        load_pipeline(path)
