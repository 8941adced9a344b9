"""Thirty-fifth bad-input probe, pipeline files: ``seed`` written below a table that takes
none (TOML reads it into the table above it) was "unknown key 'seed'" with that table's
keys, none of them a seed; as for experiment files, it now points to where a seed goes."""

from __future__ import annotations

import pytest

from recstack.cli import main
from recstack.errors import ConfigError
from recstack.ops.pipeline_config import parse_pipeline

TABLES = {"data": 'partitions = "logs"', "model": 'type = "als"',
          "registry": 'root = "registry"', "training": 'window = "expanding"',
          "evaluation": 'metric = "ndcg@10"', "drift": "psi_warn = 0.2",
          "quality": "volume_warn = 2.0"}


def _raw(table: str) -> dict:
    raw = {"data": {"partitions": "logs"}, "model": {"type": "als"},
           "registry": {"root": "registry"}}
    raw.setdefault(table, {})["seed"] = 7
    return raw


@pytest.mark.parametrize("table", ["data", "training", "evaluation", "drift", "quality",
                                   "registry"])
def test_a_seed_under_a_table_without_one_points_to_where_seeds_go(table):
    with pytest.raises(ConfigError) as refused:
        parse_pipeline(_raw(table), source="p.toml", base="/base")
    assert str(refused.value) == (
        f"p.toml: [{table}] seed = 7: [{table}] takes no seed; write it at the top of the "
        "file, above the first [table] header (the default of every seeded part), or in "
        "[model] (the model's, for the models with a seed)")


def test_the_models_own_seed_is_still_taken():
    assert parse_pipeline(_raw("model"), source="p.toml", base="/base").model.params == {
        "seed": 7}


def test_the_cli_says_it_in_one_line(tmp_path, capsys):
    # the seed written last, below [training], as someone adding it at the end would
    text = "\n".join(f"[{name}]\n{body}" for name, body in TABLES.items()) + "\nseed = 3\n"
    (tmp_path / "p.toml").write_text(text, encoding="utf-8")
    assert main(["pipeline", "run", str(tmp_path / "p.toml")]) == 2
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    assert lines[0].startswith(f"recstack: error: {tmp_path / 'p.toml'}: [quality] seed = 3: "
                               "[quality] takes no seed; write it at the top of the file")
    assert "unknown key" not in err
