"""Sixty-ninth probe: a bare name where an ``[[models]]`` or ``[[filters]]`` table belongs
(``filters = ["k_core"]``, ``models = ["als", "ease"]``) was refused as "needs a 'type'"
with no word of what had been written or how to write it; a near-miss key of a filter
(``typ``) was not pointed to either, as it is for a model."""

from __future__ import annotations

import pytest

from recstack.config import parse_experiment
from recstack.errors import ConfigError


def _raw(**changes):
    return {"data": {"source": "synthetic"}, "split": {"method": "random"},
            "models": [{"type": "most_popular"}]} | changes


@pytest.mark.parametrize(("changes", "expected"), [
    ({"filters": ["k_core"]},
     "x.toml: [[filters]] #1 needs a 'type' (one of k_core, min_value, time_window, "
     "deduplicate); got 'k_core' (a bare name: write the table {type = 'k_core'}, in Python "
     "{'type': 'k_core'})"),
    ({"models": ["als", "ease"]},
     "x.toml: [[models]] #1 needs a 'type' (one of als, "),
    ({"filters": [{"typ": "k_core"}]},
     "x.toml: [[filters]] #1 needs a 'type' (one of k_core, min_value, time_window, "
     "deduplicate); found 'typ' (did you mean 'type'?)"),
])
def test_an_untyped_entry_says_what_was_written(changes, expected):
    with pytest.raises(ConfigError) as error:
        parse_experiment(_raw(**changes), source="x.toml")
    message = str(error.value)
    assert message.startswith(expected), message
    if changes.get("models"):
        assert message.endswith("; got 'als' (a bare name: write the table {type = 'als'}, "
                                "in Python {'type': 'als'})")


def test_an_empty_entry_still_says_only_what_it_needs():
    with pytest.raises(ConfigError) as error:
        parse_experiment(_raw(filters=[{}]), source="x.toml")
    assert str(error.value) == ("x.toml: [[filters]] #1 needs a 'type' (one of k_core, "
                                "min_value, time_window, deduplicate)")


@pytest.mark.parametrize(("changes", "where", "written"), [
    ({"name": "baseline "}, 'x.toml: name = "baseline "', "baseline"),
    ({"name": " baseline"}, 'x.toml: name = " baseline"', "baseline"),
    ({"output": "run "}, 'x.toml: output = "run "', "run"),
    ({"models": [{"type": "most_popular", "label": "pop "}]},
     'x.toml: [[models]] #1 label = "pop "', "pop"),
])
def test_a_run_name_or_label_with_spaces_at_its_ends_is_refused(changes, where, written):
    # it became a folder results/baseline␣ and a file per_user_pop␣.csv, and
    # `recstack fit --model pop` found no such label
    with pytest.raises(ConfigError) as error:
        parse_experiment(_raw(**changes), source="x.toml")
    assert str(error.value) == (f"{where}: starts or ends with a space; a run name becomes "
                                f"a file or folder name, written without them: \"{written}\"")


def test_inner_spaces_are_still_taken():
    experiment = parse_experiment(_raw(name="my run", models=[
        {"type": "most_popular", "label": "most popular"}]), source="x.toml")
    assert experiment.name == "my run"
    assert experiment.models[0].label == "most popular"
