"""A MovieLens zip given to load_movielens before it was extracted (the zip in place of
its folder, or the folder the zip was downloaded to) was "is a file; expected the folder
extracted from a MovieLens zip" or "ratings.csv is missing", which did not say that the
zip was there nor which folder to give; both now name the zip, the folder it holds and
the folder to give once it is extracted."""

from __future__ import annotations

import zipfile

import pytest

from recstack.data.movielens import load_movielens
from recstack.errors import DataFormatError, RecstackError

RATINGS = ("userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,2,3.5,964981247\n"
           "2,1,5.0,964982224\n")
MOVIES = "movieId,title,genres\n1,Toy Story (1995),Animation\n2,Jumanji (1995),Adventure\n"


def _zip(path, top="ml-latest-small/"):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(f"{top}ratings.csv", RATINGS)
        archive.writestr(f"{top}movies.csv", MOVIES)
    return path


def test_the_zip_given_for_its_folder(tmp_path):
    archive = _zip(tmp_path / "ml-latest-small.zip")
    with pytest.raises(RecstackError) as refused:
        load_movielens(archive)
    assert str(refused.value) == (
        f"{archive}: is a MovieLens zip not yet extracted (it holds ml-latest-small/); "
        f"extract it (e.g. python -m zipfile -e {str(archive)!r} {str(tmp_path)!r}) and "
        f"give the folder it makes, {str(tmp_path / 'ml-latest-small')!r}")
    # the advice taken: the folder it names loads
    with zipfile.ZipFile(archive) as opened:
        opened.extractall(tmp_path)
    data = load_movielens(tmp_path / "ml-latest-small")
    assert (len(data), data.n_users, data.n_items) == (3, 2, 2)


def test_a_zip_with_the_files_at_its_top(tmp_path):
    archive = _zip(tmp_path / "latest.zip", top="")
    with pytest.raises(RecstackError, match=r"it holds the release's files at its top\); "
                                            r"extract it .* give the folder it makes, "
                                            + repr(str(tmp_path / "latest"))):
        load_movielens(archive)


def test_other_files_keep_their_words(tmp_path):
    other = tmp_path / "notes.zip"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("readme.txt", "x")
    with pytest.raises(RecstackError, match=r": is a zip archive that holds no MovieLens "
                                            r"ratings file; expected the folder"):
        load_movielens(other)
    plain = tmp_path / "ratings.csv"
    plain.write_text(RATINGS)
    with pytest.raises(RecstackError, match=r": is a file; expected the folder extracted"):
        load_movielens(plain)


@pytest.mark.parametrize("variant", [None, "latest-small"])
def test_the_folder_the_zip_was_downloaded_to(tmp_path, variant):
    archive = _zip(tmp_path / "ml-latest-small.zip")
    with pytest.raises(DataFormatError) as refused:
        load_movielens(tmp_path, variant)
    assert (f"; ml-latest-small.zip inside it is a MovieLens zip not yet extracted: extract "
            f"it (e.g. python -m zipfile -e {str(archive)!r} {str(tmp_path)!r}) and give "
            f"{str(tmp_path / 'ml-latest-small')!r}") in str(refused.value)
