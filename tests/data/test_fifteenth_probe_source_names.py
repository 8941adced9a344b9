"""Fifteenth probe, a near miss of a source name (``movielens-100K``, ``synthtic``,
``movielens_latest_small``) was "no such file or folder" without the "did you mean" that
every other name of an experiment file gets; a path is still only a path."""

import pytest

from recstack.config import load_experiment
from recstack.data.sources import resolve_source
from recstack.errors import ConfigError


@pytest.mark.parametrize(("given", "meant"), [
    ("movielens-100K", "movielens-100k"),          # the case of a letter
    ("movielens_latest_small", "movielens-latest-small"),  # '_' for '-'
    ("synthtic", "synthetic"),                     # a letter dropped
    ("Synthetic", "synthetic"),
    ("synthtic:n_users=50", "synthetic:n_users=50"),  # its settings kept
])
def test_a_near_miss_of_a_name_says_which_name_was_meant(tmp_path, given, meant):
    with pytest.raises(ConfigError) as error:
        resolve_source(given, base=tmp_path)
    message = str(error.value)
    assert message.startswith(f"no such file or folder: {given!r} (looked at "
                              f"{tmp_path / given}) (did you mean {meant!r}?); a source is")


def test_a_path_far_from_every_name_gets_no_suggestion(tmp_path):
    with pytest.raises(ConfigError) as error:
        resolve_source("logs/ratings.csv", base=tmp_path)
    assert "did you mean" not in str(error.value)
    assert str(error.value).startswith("no such file or folder: 'logs/ratings.csv' (looked at "
                                       f"{tmp_path / 'logs' / 'ratings.csv'}); a source is")


def test_an_experiment_file_names_the_key_and_the_near_name(tmp_path):
    path = tmp_path / "exp.toml"
    path.write_text('[data]\nsource = "MovieLens-100K"\n[split]\nmethod = "random"\n'
                    '[[models]]\ntype = "most_popular"\n')
    with pytest.raises(ConfigError) as error:
        load_experiment(path)
    assert str(error.value).startswith(
        f"{path}: [data] source: no such file or folder: 'MovieLens-100K' (looked at "
        f"{tmp_path / 'MovieLens-100K'}) (did you mean 'movielens-100k'?)")
