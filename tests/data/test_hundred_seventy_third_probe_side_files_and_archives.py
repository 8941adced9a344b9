"""MovieLens side files that are folders, a release folder one level down, archives whose
release sits below a renamed or extra folder, and the cache folder and digest arguments
of fetch (no network: archives are read through file:// URLs)."""

from __future__ import annotations

import hashlib
import os
import time
import zipfile
from pathlib import Path

import pytest

from recstack.data.fetch import cached_path, fetch
from recstack.data.movielens import load_movielens
from recstack.errors import ConfigError, DataFormatError, RecstackError

ML_CSV = {
    "ratings.csv": "userId,movieId,rating,timestamp\n1,1,4.0,964982703\n"
                   "1,3,4.5,964981247\n2,2,0.5,964982224\n",
    "movies.csv": "movieId,title,genres\n1,Toy Story (1995),Adventure|Animation|Children\n"
                  '2,"American President, The (1995)",Comedy|Drama|Romance\n'
                  "3,Some Series,(no genres listed)\n",
    "tags.csv": "userId,movieId,tag,timestamp\n2,1,pixar,1445714994\n",
}
ML_1M = {
    "ratings.dat": "1::1193::5::978300760\n2::661::3::978302109\n",
    "movies.dat": "1193::One Flew Over the Cuckoo's Nest, The (1975)::Drama\n"
                  "661::James and the Giant Peach (1996)::Animation|Children's|Musical\n",
    "users.dat": "1::F::1::10::48067\n2::M::56::16::70072\n",
}


def _write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


# ---------------------------------------------------------------------------- side files
@pytest.mark.parametrize(("files", "name", "gives"), [
    (ML_CSV, "tags.csv", "the movies' tags"),
    (ML_1M, "users.dat", "the user table"),
])
def test_a_side_file_that_is_a_folder_is_refused(tmp_path, files, name, gives):
    folder = _write(tmp_path / "release", files)
    (folder / name).unlink()
    (folder / name).mkdir()
    # it was passed over: the data came back without its tags or users, without a word
    with pytest.raises(DataFormatError) as caught:
        load_movielens(folder)
    assert caught.value.file == str(folder)
    assert f"{name} is a folder, not a file: {gives} would be left out" in str(caught.value)


def test_a_u_user_folder_is_refused(tmp_path, write_tiny_ml100k):
    folder = write_tiny_ml100k(tmp_path / "ml-100k")
    (folder / "u.user").unlink()
    (folder / "u.user").mkdir()
    with pytest.raises(DataFormatError, match=r"u\.user is a folder, not a file"):
        load_movielens(folder)


def test_a_side_file_left_out_still_loads_without_it(tmp_path):
    folder = _write(tmp_path / "ml-latest-small", ML_CSV)
    (folder / "tags.csv").unlink()
    data = load_movielens(folder)
    assert "tags" not in data.item_table.columns and len(data) == 3


def test_a_folder_of_another_layout_s_side_file_name_is_not_read(tmp_path):
    # users.dat is no file of the CSV releases: a folder of that name is none of theirs
    folder = _write(tmp_path / "ml-latest-small", ML_CSV)
    (folder / "users.dat").mkdir()
    assert len(load_movielens(folder)) == 3


# ---------------------------------------------------------------------------- one level up
def test_the_folder_above_the_release_names_the_release_folder(tmp_path, write_tiny_ml100k):
    release = write_tiny_ml100k(tmp_path / "downloads" / "ml-100k")
    (tmp_path / "downloads" / "__MACOSX").mkdir()
    with pytest.raises(DataFormatError) as caught:
        load_movielens(tmp_path / "downloads")
    assert (f"ml-100k/ inside it is a MovieLens release folder: give {str(release)!r}"
            in str(caught.value))
    with pytest.raises(DataFormatError) as caught:
        load_movielens(tmp_path / "downloads", "100k")
    assert "u.data is missing; ml-100k/ inside it is a MovieLens release folder" in str(
        caught.value)


def test_two_release_folders_below_are_both_named(tmp_path, write_tiny_ml100k):
    write_tiny_ml100k(tmp_path / "all" / "ml-100k")
    _write(tmp_path / "all" / "ml-latest-small", ML_CSV)
    with pytest.raises(DataFormatError, match=r"ml-100k/, ml-latest-small/ inside it are "
                                              r"MovieLens release folders"):
        load_movielens(tmp_path / "all")


def test_a_folder_with_nothing_below_says_no_more(tmp_path):
    (tmp_path / "empty" / "sub").mkdir(parents=True)
    with pytest.raises(DataFormatError) as caught:
        load_movielens(tmp_path / "empty")
    assert "inside it" not in str(caught.value)


# ---------------------------------------------------------------------------- archives
def _archive(path: Path, members: dict[str, bytes]) -> tuple[str, str]:
    with zipfile.ZipFile(path, "w") as bundle:
        for name, data in members.items():
            bundle.writestr(name, data)
    return path.as_uri(), hashlib.sha256(path.read_bytes()).hexdigest()


def _members(prefix: str, files: dict[str, str]) -> dict[str, bytes]:
    return {f"{prefix}{name}": text.encode() for name, text in files.items()}


@pytest.mark.parametrize("members", [
    # a mirror's renamed folder beside macOS's resource forks
    {**_members("ml-latest-small-mirror/", ML_CSV), "__MACOSX/._ratings.csv": b"x"},
    # the release one folder further down
    _members("data/ml-latest-small/", ML_CSV),
    _members("a/b/ml-latest-small/", ML_CSV),
])
def test_an_archive_with_the_release_below_a_renamed_or_extra_folder(tmp_path, members):
    url, digest = _archive(tmp_path / "mirror.zip", members)
    folder = fetch("movielens-latest-small", cache_dir=tmp_path / "cache", url=url,
                   sha256=digest)
    assert folder == tmp_path / "cache" / "movielens" / "ml-latest-small"
    assert sorted(p.name for p in folder.iterdir()) == [
        ".recstack-fetch.json", "movies.csv", "ratings.csv", "tags.csv"]
    assert len(load_movielens(folder)) == 3


def test_an_archive_with_the_release_in_two_folders_is_refused(tmp_path):
    url, digest = _archive(tmp_path / "two.zip", {**_members("a/", ML_CSV),
                                                  **_members("b/", ML_CSV)})
    with pytest.raises(RecstackError, match=r"in more than one folder \(a/, b/\)"):
        fetch("movielens-latest-small", cache_dir=tmp_path / "cache", url=url,
              sha256=digest)
    assert not (tmp_path / "cache" / "movielens" / "ml-latest-small").exists()


def test_an_archive_lacking_a_file_is_still_refused(tmp_path):
    members = _members("x/ml-latest-small/", ML_CSV)
    del members["x/ml-latest-small/movies.csv"]
    url, digest = _archive(tmp_path / "short.zip", members)
    with pytest.raises(RecstackError, match="is not this MovieLens release: it lacks"):
        fetch("movielens-latest-small", cache_dir=tmp_path / "cache", url=url,
              sha256=digest)


# ---------------------------------------------------------------------------- arguments
@pytest.mark.parametrize("cache_dir", [123, b"/tmp", "", "   ", 1.5])
def test_a_cache_dir_that_is_no_path_is_refused(tmp_path, monkeypatch, cache_dir):
    monkeypatch.chdir(tmp_path)
    # a number was os.fspath's TypeError; "" the current folder, filled without a word
    with pytest.raises(ConfigError, match=r"^cache_dir (must be a path|is empty)"):
        fetch("movielens-latest-small", cache_dir=cache_dir, url="file:///nowhere.zip",
              sha256="0" * 64)
    with pytest.raises(ConfigError, match=r"^cache_dir (must be a path|is empty)"):
        cached_path("movielens-latest-small", cache_dir=cache_dir)
    assert list(tmp_path.iterdir()) == []


def test_a_cache_dir_of_an_unknown_user_s_home_is_refused():
    with pytest.raises(ConfigError, match="cannot find the home folder its '~' names"):
        cached_path("movielens-100k", cache_dir="~no_such_user_hundred_seventy_third/x")


@pytest.mark.parametrize(("digest", "hint"), [
    ("sha256:" + "ab" * 32, "('sha256:' before them): give only the digits"),
    ("SHA-256=" + "AB" * 32, "('sha-256=' before them): give only the digits"),
    ("ab" * 32 + "  ml-100k.zip",
     "(a sha256sum line: the digest, then a file name): give only the digits"),
    ("ab" * 20, "(40 digits, as a SHA-1 digest has): give the archive's SHA-256"),
    ("ab" * 16, "(32 digits, as an MD5 digest has)"),
    ("a" * 63, "(63 digits): give the archive's SHA-256"),
])
def test_a_digest_written_another_way_says_what_to_change(tmp_path, digest, hint):
    with pytest.raises(ConfigError) as caught:
        fetch("movielens-100k", cache_dir=tmp_path, sha256=digest)
    assert hint in str(caught.value)
    assert not (tmp_path / "movielens").exists()


def test_a_digest_of_other_text_keeps_the_plain_message(tmp_path):
    with pytest.raises(ConfigError) as caught:
        fetch("movielens-100k", cache_dir=tmp_path, sha256="not a digest")
    assert str(caught.value) == "--sha256 must be 64 hexadecimal digits, got 'not a digest'"


# ---------------------------------------------------------------------------- leftovers
def test_stale_leftovers_of_a_stopped_fetch_are_removed(tmp_path):
    url, digest = _archive(tmp_path / "plain.zip", _members("ml-latest-small/", ML_CSV))
    cache = tmp_path / "cache" / "movielens"
    cache.mkdir(parents=True)
    old_zip = cache / ".ml-latest-small.k2j4.zip"
    old_zip.write_bytes(b"PK\x03\x04 the first bytes of a download that was killed")
    old_staging = cache / ".ml-latest-small.extracting-x8q1"
    (old_staging / "content").mkdir(parents=True)
    fresh_zip = cache / ".ml-latest-small.z9a0.zip"  # another fetch, running now
    fresh_zip.write_bytes(b"PK")
    other_release = cache / ".ml-latest.a1b2.zip"  # not this release's
    other_release.write_bytes(b"PK")
    two_days_ago = time.time() - 2 * 24 * 3600
    for path in (old_zip, old_staging, other_release):
        os.utime(path, (two_days_ago, two_days_ago))
    fetch("movielens-latest-small", cache_dir=tmp_path / "cache", url=url, sha256=digest)
    assert sorted(p.name for p in cache.iterdir()) == [
        ".ml-latest-small.z9a0.zip", ".ml-latest.a1b2.zip", "ml-latest-small"]


def test_leftovers_of_a_killed_fetch_are_removed_by_the_next(tmp_path):
    # the names recstack.atomic gives work in progress, with the id of a process that is
    # gone (no process has an id this large)
    url, digest = _archive(tmp_path / "plain.zip", _members("ml-latest-small/", ML_CSV))
    cache = tmp_path / "cache" / "movielens"
    cache.mkdir(parents=True)
    (cache / ".ml-latest-small.recstack-tmp-999999999-0a1b2c3d.zip").write_bytes(b"PK")
    (cache / ".ml-latest-small.recstack-tmp-999999999-4e5f6a7b" / ".recstack-archive").mkdir(
        parents=True)
    fetch("movielens-latest-small", cache_dir=tmp_path / "cache", url=url, sha256=digest)
    assert sorted(p.name for p in cache.iterdir()) == ["ml-latest-small"]


def test_a_fetch_again_replaces_the_cached_copy_whole(tmp_path):
    url, digest = _archive(tmp_path / "plain.zip", _members("ml-latest-small/", ML_CSV))
    folder = fetch("movielens-latest-small", cache_dir=tmp_path / "cache", url=url,
                   sha256=digest)
    (folder / "stray.txt").write_text("left by hand")
    smaller = {**ML_CSV}
    del smaller["tags.csv"]
    url, digest = _archive(tmp_path / "smaller.zip", _members("ml-latest-small/", smaller))
    assert fetch("movielens-latest-small", cache_dir=tmp_path / "cache", url=url,
                 sha256=digest, force=True) == folder
    assert sorted(p.name for p in folder.iterdir()) == [
        ".recstack-fetch.json", "movies.csv", "ratings.csv"]
    assert sorted(p.name for p in folder.parent.iterdir()) == ["ml-latest-small"]


def test_a_file_in_the_release_folder_s_place_is_refused_before_downloading(tmp_path):
    cache = tmp_path / "cache" / "movielens"
    cache.mkdir(parents=True)
    (cache / "ml-latest-small").write_text("not the release")
    # the URL leads nowhere: it is never opened
    with pytest.raises(RecstackError, match=r"ml-latest-small: is a file, where "
                                            r"movielens-latest-small is unpacked; remove it"):
        fetch("movielens-latest-small", cache_dir=tmp_path / "cache",
              url=(tmp_path / "nowhere.zip").as_uri(), sha256="0" * 64)
    assert (cache / "ml-latest-small").read_text() == "not the release"
