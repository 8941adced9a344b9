"""Twenty-second probe, a misspelt path ('ratigns.csv', 'ml/rating.csv', 'ratings.cvs', a
folder 'split' for 'splits', a name copied with a space after it) was only "no such file",
where every other misspelt name gets the near one. Now the file or folder beside it whose
name is close (or the same but for case, or without the spaces) is suggested, as written
(relative to an experiment file's folder); a name close to nothing gets no suggestion."""

import pytest

from recstack.cli import main
from recstack.config import load_experiment
from recstack.data.files import load_table
from recstack.data.movielens import load_movielens
from recstack.data.side_table import read_side_table
from recstack.errors import ConfigError, RecstackError

LOG = "user_id,item_id\n1,10\n2,20\n"


@pytest.fixture()
def folder(tmp_path, monkeypatch):
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "ratings.csv").write_text(LOG)
    (tmp_path / "logs" / "movies.csv").write_text("item_id,title\n10,Heat\n")
    (tmp_path / "ml-100k").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("given, meant", [
    ("logs/ratigns.csv", "logs/ratings.csv"),    # two letters swapped
    ("logs/rating.csv", "logs/ratings.csv"),     # a letter dropped
    ("logs/ratings.cvs", "logs/ratings.csv"),    # the extension misspelt
    ("logs/Ratings.CSV", "logs/ratings.csv"),    # case
])
def test_a_misspelt_file_name_says_which_file_was_meant(folder, given, meant):
    with pytest.raises(RecstackError, match=rf"^{given}: no such file \(did you mean "
                                            rf"'{meant}'\?\)$"):
        load_table(given)


def test_a_name_with_a_space_after_it_says_so(folder):
    with pytest.raises(RecstackError, match=r"^logs/ratings\.csv : no such file \(its name has "
                                            r"spaces around it: did you mean "
                                            r"'logs/ratings\.csv'\?\)$"):
        load_table("logs/ratings.csv ")


def test_a_name_close_to_nothing_gets_no_suggestion(folder):
    with pytest.raises(RecstackError, match=r"^logs/zzzzz\.csv: no such file$"):
        load_table("logs/zzzzz.csv")
    with pytest.raises(RecstackError, match=r"^nowhere/ratings\.csv: no such file$"):
        load_table("nowhere/ratings.csv")


def test_side_tables_and_movielens_folders_get_the_near_name(folder):
    with pytest.raises(RecstackError, match=r"^logs/movie\.csv: no such items file \(did you "
                                            r"mean 'logs/movies\.csv'\?\)$"):
        read_side_table("logs/movie.csv")
    with pytest.raises(RecstackError, match=r"^ml-100K: no such folder \(did you mean "
                                            r"'ml-100k'\?\)$"):
        load_movielens("ml-100K")


def test_an_experiment_file_suggests_the_path_as_written_from_its_folder(folder, tmp_path,
                                                                          monkeypatch):
    experiment = folder / "exp.toml"
    experiment.write_text('[data]\nsource = "logs/ratigns.csv"\n[split]\nmethod = "random"\n'
                          '[[models]]\ntype = "most_popular"\n')
    monkeypatch.chdir(tmp_path.parent)  # the path is taken from the file's folder
    with pytest.raises(ConfigError) as error:
        load_experiment(experiment)
    assert str(error.value).startswith(
        f"{experiment}: [data] source: no such file or folder: 'logs/ratigns.csv' (looked at "
        f"{folder / 'logs' / 'ratigns.csv'}) (did you mean 'logs/ratings.csv'?); a source is")


def test_an_experiment_split_folder_gets_the_near_name(folder):
    (folder / "splits").mkdir()
    experiment = folder / "exp.toml"
    experiment.write_text('[data]\nsplit = "split"\n[[models]]\ntype = "most_popular"\n')
    with pytest.raises(ConfigError, match=r"\[data\] split = \"split\": no such folder \(looked "
                                          r"at .*\) \(did you mean 'splits'\?\)$"):
        load_experiment(experiment)


def test_the_command_line_says_it_in_one_line(folder, capsys):
    assert main(["data", "info", "logs/ratigns.csv"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "no such file or folder: 'logs/ratigns.csv'" in err
    assert "(did you mean 'logs/ratings.csv'?)" in err
