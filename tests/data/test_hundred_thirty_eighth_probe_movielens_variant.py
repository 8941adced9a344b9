"""Hundred-thirty-eighth probe, ``load_movielens`` given a variant another release's folder.

The CSV releases (20M, 25M, 32M, latest, latest-small) read alike, so
``load_movielens("ml-latest-small", "20m")`` loaded the small release as 20M without a
word; it is refused now, naming the release the folder's name belongs to. ``variant=""``
named no release and was taken as "detect it"; it is refused as ``release("")`` is."""

from __future__ import annotations

import pytest

from recstack.data.movielens import load_movielens
from recstack.errors import DataFormatError, RecstackError

RATINGS = "userId,movieId,rating,timestamp\n1,10,4.0,964982703\n2,10,3.5,964982704\n"
MOVIES = "movieId,title,genres\n10,A (1995),Drama\n"


def _csv_release(folder):
    folder.mkdir()
    (folder / "ratings.csv").write_text(RATINGS)
    (folder / "movies.csv").write_text(MOVIES)
    return folder


@pytest.mark.parametrize("variant", ["20m", "movielens-25m", "latest"])
def test_a_variant_for_another_releases_folder_is_refused(tmp_path, variant):
    folder = _csv_release(tmp_path / "ml-latest-small")
    with pytest.raises(DataFormatError) as refused:
        load_movielens(folder, variant)
    message = str(refused.value)
    assert message.startswith(f"{folder}: variant='{variant.removeprefix('movielens-')}' "
                              "names MovieLens"), message
    assert "the folder is named ml-latest-small, the folder MovieLens LATEST-SMALL" in message
    assert "variant='latest-small'" in message


@pytest.mark.parametrize("variant", [None, "latest-small", "ml-latest-small"])
def test_the_folders_own_release_reads(tmp_path, variant):
    folder = _csv_release(tmp_path / "ml-latest-small")
    assert load_movielens(folder, variant).value.tolist() == [4.0, 3.5]


def test_a_folder_of_no_release_name_takes_any_variant_of_its_layout(tmp_path):
    folder = _csv_release(tmp_path / "my-ratings")
    assert len(load_movielens(folder, "20m")) == 2


def test_an_empty_variant_is_refused_not_detected(tmp_path):
    folder = _csv_release(tmp_path / "ml-latest-small")
    with pytest.raises(RecstackError, match=r"the MovieLens release name '' names no release"):
        load_movielens(folder, "")
