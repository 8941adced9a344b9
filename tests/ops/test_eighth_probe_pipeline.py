"""Eighth probe: pipeline partitions naming one period twice, and gate thresholds no value
can reach."""

from __future__ import annotations

import shutil

import pytest

from recstack.errors import ConfigError, RecstackError
from recstack.ops.partitions import list_partitions
from recstack.ops.pipeline_config import load_pipeline
from tests.ops.scenario import make_data, partition_file, write_pipeline


def _logs(tmp_path, *relatives):
    for relative in relatives:
        folder = tmp_path / "logs" / relative
        folder.mkdir(parents=True)
        (folder / "part-0.parquet").write_bytes(b"")
    return tmp_path / "logs"


@pytest.mark.parametrize("relatives, label", [
    (("year=2019/month=04", "year=2019/month=4"), "2019-04"),
    (("year=2019/month=04", "year=2019/month=004"), "2019-04"),
    (("year=2019/month=01/day=02", "year=2019/month=1/day=2"), "2019-01-02"),
    (("year=2019", "year=02019"), "2019"),
])
def test_two_folders_of_one_period_are_refused(tmp_path, relatives, label):
    # they were two partitions with one label: trained on one, evaluated on the other
    first, second = sorted(relatives)
    with pytest.raises(RecstackError, match=rf"folders '{first}' and '{second}' both name "
                                            rf"the period {label}"):
        list_partitions(_logs(tmp_path, *relatives))


def test_one_folder_per_period_is_still_read(tmp_path):
    logs = _logs(tmp_path, "year=2019/month=4", "year=2019/month=05")
    assert [p.label for p in list_partitions(logs)] == ["2019-04", "2019-05"]


def test_a_pipeline_over_a_repeated_period_publishes_nothing(tmp_path, capsys):
    from recstack.cli import main

    make_data(tmp_path)
    copy = partition_file(tmp_path, "2019-04")
    twin = tmp_path / "logs" / "year=2019" / "month=4"
    twin.mkdir()
    shutil.copy(copy, twin / "part-1.parquet")
    path = write_pipeline(tmp_path)
    assert main(["pipeline", "run", str(path)]) == 2
    err = capsys.readouterr().err
    assert "both name the period 2019-04" in err and "Traceback" not in err
    assert not (tmp_path / "registry").exists()


def _pipeline(tmp_path, evaluation, data='rating_range = [1.0, 5.0]'):
    text = (f'name = "shop"\n[data]\npartitions = "logs"\n{data}\n'
            f'[evaluation]\nmetric = "ndcg@10"\n{evaluation}\n'
            '[registry]\nroot = "registry"\n[model]\ntype = "ease"\n')
    path = tmp_path / "pipeline.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("threshold", ["5.5", "10.0", "6"])
def test_a_threshold_above_the_rating_range_is_refused(tmp_path, threshold):
    # every user of the evaluation window had no relevant item: "not published", status 0
    with pytest.raises(ConfigError, match=rf"\[evaluation\] relevance_threshold = "
                                          rf"{threshold}.*above the highest rating of "
                                          r"\[data\] rating_range = \[1.0, 5.0\].*<= 5.0"):
        load_pipeline(_pipeline(tmp_path, f"relevance_threshold = {threshold}"))


@pytest.mark.parametrize("threshold", ["1.0", "4.0", "5.0", "0.0"])
def test_a_threshold_within_the_ratings_is_taken(tmp_path, threshold):
    pipeline = load_pipeline(_pipeline(tmp_path, f"relevance_threshold = {threshold}"))
    assert pipeline.gate.relevance_threshold == float(threshold)


@pytest.mark.parametrize("threshold", ["4.0", "1.0"])
def test_a_threshold_over_implicit_events_is_refused(tmp_path, threshold):
    # every implicit event is 1.0: the threshold kept all of them (ignored) or none
    with pytest.raises(ConfigError, match=r"relevance_threshold = .*declares no "
                                          r"rating_range.*remove relevance_threshold"):
        load_pipeline(_pipeline(tmp_path, f"relevance_threshold = {threshold}", data=""))


def test_a_gate_cutoff_past_the_catalog_is_refused_before_training(tmp_path, capsys):
    # every list held every item: recall@1000 was 1.0 for both models and the gate published
    from recstack.cli import main

    make_data(tmp_path)  # 250 items
    path = write_pipeline(tmp_path)
    path.write_text(path.read_text().replace('"ndcg@10"', '"recall@1000"'))
    assert main(["pipeline", "run", str(path)]) == 2
    err = capsys.readouterr().err
    assert ("[evaluation] metric = 'recall@1000': K = 1000 is larger than the catalog (250 "
            "items in the partitions)" in err and "use K <= 250" in err), err
    run = next((tmp_path / "shop.pipeline" / "runs").iterdir())
    assert not (run / "train").exists() and not (tmp_path / "registry").exists()


def test_a_gate_cutoff_of_the_whole_catalog_still_runs(tmp_path, capsys):
    from recstack.cli import main

    make_data(tmp_path)
    path = write_pipeline(tmp_path)
    path.write_text(path.read_text().replace('"ndcg@10"', '"ndcg@250"'))
    assert main(["pipeline", "run", "--quiet", str(path)]) == 0
    assert "published as shop@1" in capsys.readouterr().out
