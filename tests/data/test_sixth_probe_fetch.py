"""Sixth probe, fetch(): its options are checked before anything is downloaded, and a cache
marker edited into something other than a table is a cache miss, not a traceback.

Nothing here touches the internet: archives are local files read through file:// URLs.
"""

import hashlib
import io
import json
import zipfile

import pytest

from recstack.data.fetch import fetch
from recstack.errors import RecstackError


@pytest.fixture
def archive(tmp_path):
    """A small ml-100k zip on disk: its file:// URL and its SHA-256."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        bundle.writestr("ml-100k/u.data", "1\t1\t5\t881250949\n2\t1\t3\t881250950\n")
        bundle.writestr("ml-100k/u.item", "1|Toy Story (1995)|01-Jan-1995||http://x|"
                                          + "|".join("0" * 19) + "\n")
    path = tmp_path / "ml-100k.zip"
    path.write_bytes(buffer.getvalue())
    return path.as_uri(), hashlib.sha256(buffer.getvalue()).hexdigest()


@pytest.mark.parametrize(("options", "message"), [
    # '' fell back to GroupLens without a word
    ({"url": ""}, r"url must be a URL such as https://host/path/ml-100k\.zip .*, got ''"),
    ({"url": "   "}, r"url must be a URL .*, got '   '"),
    # text failed inside the socket (a TypeError); NaN and -1 read as a failed download
    ({"timeout": "5"}, r"timeout must be a positive number of seconds, got '5'"),
    ({"timeout": float("nan")}, r"timeout must be a positive number of seconds, got nan"),
    ({"timeout": -1}, r"timeout must be a positive number of seconds, got -1"),
    ({"timeout": True}, r"timeout must be a positive number of seconds, got True"),
    # 'no' is truthy: verify='no' meant verify=True
    ({"verify": "no"}, r"verify must be True or False, got 'no'"),
    ({"force": "yes"}, r"force must be True or False, got 'yes'"),
])
def test_options_that_would_be_misread_are_refused_first(tmp_path, archive, options, message):
    url, digest = archive
    arguments = {"cache_dir": tmp_path / "cache", "url": url, "sha256": digest, **options}
    with pytest.raises(RecstackError, match=message):
        fetch("movielens-100k", **arguments)
    assert not (tmp_path / "cache").exists()  # nothing was downloaded


def test_a_digest_that_is_not_text_is_refused(tmp_path, archive):
    # int.strip: an AttributeError
    url, _ = archive
    with pytest.raises(RecstackError, match=r"--sha256 must be 64 hexadecimal digits \(text\), "
                                            r"got 123"):
        fetch("movielens-100k", cache_dir=tmp_path, url=url, sha256=123)


def test_a_marker_edited_into_a_list_is_fetched_again(tmp_path, archive):
    url, digest = archive
    folder = fetch("movielens-100k", cache_dir=tmp_path, url=url, sha256=digest)
    marker = folder / ".recstack-fetch.json"
    marker.write_text("[1, 2]")
    # list.get: an AttributeError on every later fetch of the release
    assert fetch("movielens-100k", cache_dir=tmp_path, url=url, sha256=digest) == folder
    assert json.loads(marker.read_text())["sha256"] == digest
