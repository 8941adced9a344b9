"""Seventy-eighth probe, pipeline files: a model's own error raised in the train step
("features: item_columns names ...") named neither the pipeline file nor its [model]
table, as an experiment's names its [[models]] entry; a pipeline name with a '/' was
refused in an experiment's words (a run name inside the results folder, "use --out")."""

from __future__ import annotations

import json

import pytest

from recstack.cli import main
from recstack.errors import ConfigError
from recstack.ops.pipeline_config import load_pipeline
from tests.ops.scenario import work, write_pipeline


def test_a_model_error_in_the_train_step_names_the_file_and_model_table(folder, capsys):
    path = write_pipeline(folder, model='type = "two_stage"\n'
                                        'generators = [{type = "most_popular"}]\n'
                                        'ranker = {type = "logistic"}\n'
                                        'features = {item_columns = ["genress"]}')
    assert main(["pipeline", "run", str(path), "--quiet"]) != 0
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"recstack: error: {path}: [model] (two_stage): features: "
                          "item_columns names ['genress']"), err
    # nothing of the train step was committed
    (run,) = (work(folder) / "runs").iterdir()
    assert not (run / "train").exists()


@pytest.mark.parametrize("name", ["sh/op", "..", "a\\b"])
def test_a_pipeline_name_with_a_path_is_refused_in_a_pipelines_words(folder, name):
    path = write_pipeline(folder, name=name.replace("\\", "\\\\"))
    with pytest.raises(ConfigError) as error:
        load_pipeline(path)
    message = str(error.value)
    assert message == (f"{path}: name = {json.dumps(name)}: a pipeline name is the name of "
                       "its work folder (NAME.pipeline) and registry model, without '/', "
                       "'\\' or '..'; set work = \"...\" to put the work folder elsewhere"), message
    assert "--out" not in message and "results folder" not in message


@pytest.mark.parametrize(("partitions", "words"), [
    ("nosuch", "no such partitioned data folder"),
    ("items.parquet", "is a file, not a partitioned data folder"),
])
def test_a_missing_partitions_folder_names_the_file_and_key(folder, capsys, partitions,
                                                            words):
    path = write_pipeline(folder)
    path.write_text(path.read_text().replace('partitions = "logs"',
                                             f'partitions = "{partitions}"'))
    assert main(["pipeline", "run", str(path)]) != 0
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"recstack: error: {path}: [data] partitions = {partitions!r}: "
                          f"{folder / partitions}: {words}"), err
    assert len(err.splitlines()) == 1
