"""Eighth probe: a TOML time of day where a moment is expected."""

from __future__ import annotations

import pytest

from recstack.config import parse_experiment
from recstack.errors import ConfigError
from recstack.ops.pipeline_config import load_pipeline


def _raw(split=None, filters=()):
    return {"data": {"source": "synthetic"}, "split": split or {"method": "random"},
            "filters": list(filters), "models": [{"type": "most_popular"}]}


@pytest.mark.parametrize("raw, where", [
    (_raw(split={"method": "temporal", "cutoff": "07:32:00"}), r"\[split\] cutoff"),
    (_raw(filters=[{"type": "time_window", "start": "07:32:00"}]),
     r"\[\[filters\]\] #1 start"),
])
def test_a_time_of_day_alone_is_shown_as_written_with_the_fix(tmp_path, raw, where):
    # it read "cutoff = datetime.time(7, 32): expected an integer or a string"
    import tomllib

    from recstack.config import dump_toml

    text = dump_toml(raw).replace('"07:32:00"', "07:32:00")
    parsed = tomllib.loads(text)
    with pytest.raises(ConfigError, match=rf"{where} = 07:32:00: expected an integer or a "
                                          r"string, not a time of day alone; give the date "
                                          r"too, e.g. 2020-01-31T07:32:00") as error:
        parse_experiment(parsed, source="exp.toml")
    assert "datetime" not in str(error.value)


def test_a_pipeline_floor_as_a_time_of_day_gets_the_same_words(tmp_path):
    path = tmp_path / "pipeline.toml"
    path.write_text('[data]\npartitions = "logs"\n[quality]\ntimestamp_floor = 00:00:00\n'
                    '[model]\ntype = "ease"\n[registry]\nroot = "registry"\n',
                    encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[quality\] timestamp_floor = 00:00:00: expected "
                                          r"a string, not a time of day alone"):
        load_pipeline(path)
