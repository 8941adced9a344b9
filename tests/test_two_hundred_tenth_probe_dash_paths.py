"""Two-hundred-tenth probe: ``-`` (standard input or output) where a path belongs.

``recstack fit --registry -`` published the model into a folder named ``-`` (and
``--registry=-q`` into one named ``-q``, which other commands read as an option); ``--out -``
was called "an option given where the file or folder to write belongs"; a data source ``-``
was looked for as a file of that name, without a word on standard input.
"""

from __future__ import annotations

import pytest

from recstack.cli import main
from recstack.data.sources import load_source
from recstack.errors import ConfigError


def _parser_refusal(capsys, argv: list[str]) -> str:
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err, err
    return err.strip().splitlines()[-1]


@pytest.fixture()
def experiment(tmp_path):
    path = tmp_path / "e.toml"
    path.write_text('[data]\nsource = "synthetic:n_users=40,n_items=30,n_interactions=400,'
                    'seed=1"\n[split]\nmethod = "random"\n[[models]]\ntype = "most_popular"\n')
    return path


@pytest.mark.parametrize("command", [
    ["fit", "EXP", "--model", "most_popular", "--registry", "-"],
    ["recommend", "m", "--users", "1", "--registry", "-"],
])
def test_a_dash_registry_is_refused_not_made_a_folder(capsys, tmp_path, monkeypatch,
                                                      experiment, command):
    monkeypatch.chdir(tmp_path)
    argv = [str(experiment) if word == "EXP" else word for word in command]
    line = _parser_refusal(capsys, argv)
    assert line == (f"recstack {command[0]}: error: argument --registry: '-' (standard input "
                    f"or output) is not taken here: give the registry folder by its path; if "
                    f"that is its name, write ./-")
    assert not (tmp_path / "-").exists()


def test_an_option_like_registry_is_refused_as_an_out_is(capsys, tmp_path, monkeypatch,
                                                         experiment):
    monkeypatch.chdir(tmp_path)
    line = _parser_refusal(capsys, ["fit", str(experiment), "--model", "most_popular",
                                    "--registry=-q"])
    assert line == ("recstack fit: error: argument --registry: '-q' starts with '-', as an "
                    "option does: an option was given where the registry folder belongs; if "
                    "that is its name, write ./-q")
    assert not (tmp_path / "-q").exists()


def test_a_registry_named_dash_is_taken_when_written_with_its_folder(capsys, tmp_path,
                                                                     monkeypatch, experiment):
    monkeypatch.chdir(tmp_path)
    assert main(["fit", str(experiment), "--model", "most_popular", "--registry", "./-"]) == 0
    assert (tmp_path / "-").is_dir()


@pytest.mark.parametrize("command", [
    ["data", "split", "synthetic", "--out", "-"],
    ["data", "synth", "--out", "-"],
])
def test_a_dash_out_is_said_to_be_standard_output(capsys, tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    line = _parser_refusal(capsys, command)
    prog = " ".join(command[:2])
    assert line == (f"recstack {prog}: error: argument --out: '-' (standard input or output) "
                    f"is not taken here: give the file or folder to write by its path; if "
                    f"that is its name, write ./-")
    assert not (tmp_path / "-").exists()


def test_a_dash_source_says_standard_input_is_not_read(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as refused:
        load_source("-")
    assert ("'-' does not read standard input here: save the data to a CSV, TSV or Parquet "
            "file and give its path; a source is a path") in str(refused.value)
    assert main(["data", "info", "-"]) == 2
    err = capsys.readouterr().err
    assert "does not read standard input here" in err and len(err.strip().splitlines()) == 1


# ---------------------------------------------- relative paths: the file's folder, stated
def _experiment_in_a_subfolder(tmp_path, data_lines: str):
    (tmp_path / "sub").mkdir()
    path = tmp_path / "sub" / "e.toml"
    path.write_text(f"[data]\n{data_lines}\n[split]\nmethod = \"random\"\n"
                    "[[models]]\ntype = \"most_popular\"\n")
    return path


@pytest.mark.parametrize(("lines", "key", "written"), [
    ('source = "log.csv"', "source: no such file or folder: 'log.csv'", "log.csv"),
    ('train = "log.csv"\ntest = "log.csv"', "train: no such file or folder: 'log.csv'",
     "log.csv"),
])
def test_a_relative_source_beside_the_user_not_the_file_is_said_so(tmp_path, monkeypatch,
                                                                   lines, key, written):
    from recstack.config import load_experiment

    monkeypatch.chdir(tmp_path)
    (tmp_path / "log.csv").write_text("user_id,item_id,rating,timestamp\n1,1,5,1\n")
    path = _experiment_in_a_subfolder(tmp_path, lines)
    with pytest.raises(ConfigError) as refused:
        load_experiment(path)
    message = str(refused.value)
    assert message.startswith(f"{path}: [data] {key} (looked at {tmp_path / 'sub' / written})")
    assert (f"; a relative path in an experiment file is read from the file's folder, "
            f"{tmp_path / 'sub'}, not the current folder, which holds {written}: write "
            f"'../{written}' (its path from the file's folder) or "
            f"'{tmp_path / written}'") in message


def test_a_relative_split_folder_beside_the_user_is_said_so(tmp_path, monkeypatch):
    from recstack.config import load_experiment

    monkeypatch.chdir(tmp_path)
    (tmp_path / "parts" / "one").mkdir(parents=True)
    (tmp_path / "sub").mkdir()
    path = tmp_path / "sub" / "e.toml"
    path.write_text('[data]\nsplit = "parts/one"\n[[models]]\ntype = "most_popular"\n')
    with pytest.raises(ConfigError) as refused:
        load_experiment(path)
    assert str(refused.value) == (
        f"{path}: [data] split = \"parts/one\": no such folder (looked at "
        f"{tmp_path / 'sub' / 'parts' / 'one'}); a relative path in an experiment file is "
        f"read from the file's folder, {tmp_path / 'sub'}, not the current folder, which "
        f"holds parts/one: write '../parts/one' (its path from the file's folder) or "
        f"'{tmp_path / 'parts' / 'one'}'")


def test_a_relative_path_missing_everywhere_gets_no_note(tmp_path, monkeypatch):
    from recstack.config import load_experiment

    monkeypatch.chdir(tmp_path)
    path = _experiment_in_a_subfolder(tmp_path, 'source = "nowhere.csv"')
    with pytest.raises(ConfigError) as refused:
        load_experiment(path)
    assert "read from the file's folder" not in str(refused.value)
    assert f"(looked at {tmp_path / 'sub' / 'nowhere.csv'})" in str(refused.value)
