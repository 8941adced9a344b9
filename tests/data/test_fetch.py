"""fetch() against a real HTTP server on 127.0.0.1 that serves archives built by the tests.

Nothing here touches the internet: every URL is the local server's.
"""

from __future__ import annotations

import hashlib
import http.server
import io
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from recstack.cli import main as cli_main
from recstack.data.fetch import DATASETS, cached_path, default_cache_dir, fetch
from recstack.data.movielens import load_movielens
from recstack.errors import RecstackError


class _Server:
    """Serves ``routes`` (path -> bytes) and records every requested path."""

    def __init__(self) -> None:
        self.routes: dict[str, bytes] = {}
        self.requests: list[str] = []
        self.truncate: set[str] = set()  # paths whose body stops half-way
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                server.requests.append(self.path)
                body = server.routes.get(self.path)
                if body is None:
                    self.send_error(404, "Not Found")
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/zip")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2] if self.path in server.truncate
                                 else body)

            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def serve(self, path: str, body: bytes) -> str:
        self.routes[path] = body
        return self.url + path


@pytest.fixture
def server() -> Iterator[_Server]:
    local = _Server()
    thread = threading.Thread(target=local.httpd.serve_forever, kwargs={"poll_interval": 0.02},
                              daemon=True)
    thread.start()
    try:
        yield local
    finally:
        local.httpd.shutdown()
        local.httpd.server_close()
        thread.join(timeout=5)


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, data in members.items():
            bundle.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture
def tiny_zip(tiny_ml100k_files):
    """A function building a zip of the tiny 100K files inside ``folder``/."""

    def build(folder: str = "ml-100k") -> bytes:
        return _zip({f"{folder}/{name}": data for name, data in tiny_ml100k_files.items()})

    return build


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _leftovers(cache: Path) -> list[str]:
    """Everything in the cache except complete release folders' contents."""
    return sorted(p.name for p in (cache / "movielens").iterdir()) if (
        cache / "movielens").exists() else []


class _RecordingProgress:
    def __init__(self) -> None:
        self.tasks: list[tuple[str, int | None, int]] = []

    @contextmanager
    def task(self, description: str, total: int | None = None):
        advanced = [0]

        class Task:
            def advance(self, n: int = 1) -> None:
                advanced[0] += n

            def report(self, **values: object) -> None:
                pass

        yield Task()
        self.tasks.append((description, total, advanced[0]))


# ---------------------------------------------------------------------------- success
def test_fetch_verifies_extracts_and_loads(server, tiny_zip, tmp_path):
    archive = tiny_zip()
    url = server.serve("/ml-100k.zip", archive)
    progress = _RecordingProgress()
    folder = fetch("movielens-100k", cache_dir=tmp_path, url=url, sha256=_sha256(archive),
                   progress=progress)
    assert folder == tmp_path / "movielens" / "ml-100k"
    assert sorted(p.name for p in folder.iterdir()) == [
        ".recstack-fetch.json", "u.data", "u.item", "u.user"]
    data = load_movielens(folder)
    assert (len(data), data.n_users, data.n_items) == (5, 3, 3)
    assert _leftovers(tmp_path) == ["ml-100k"]  # no temporary download or staging left
    download = progress.tasks[0]
    assert download == ("Downloading ml-100k.zip", len(archive), len(archive))


def test_a_verified_cache_is_reused_without_a_request(server, tiny_zip, tmp_path):
    archive = tiny_zip()
    url = server.serve("/ml-100k.zip", archive)
    first = fetch("100k", cache_dir=tmp_path, url=url, sha256=_sha256(archive))
    assert server.requests == ["/ml-100k.zip"]
    assert fetch("ml-100k", cache_dir=tmp_path, url=url, sha256=_sha256(archive)) == first
    assert server.requests == ["/ml-100k.zip"]  # the second call downloaded nothing
    assert cached_path("movielens-100k", cache_dir=tmp_path) == first
    assert cached_path("movielens-1m", cache_dir=tmp_path) is None
    assert "movielens-32m" in DATASETS
    fetch("100k", cache_dir=tmp_path, url=url, sha256=_sha256(archive), force=True)
    assert len(server.requests) == 2


def test_the_pinned_digest_is_used_by_default(server, tiny_zip, tmp_path):
    archive = tiny_zip()
    url = server.serve("/ml-100k.zip", archive)
    # the real pin is for the real archive, so this test archive must fail against it
    with pytest.raises(RecstackError, match="expected 50d2a982c669.*got " + _sha256(archive)):
        fetch("movielens-100k", cache_dir=tmp_path, url=url)


def test_cache_dir_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("RECSTACK_CACHE", str(tmp_path / "cache"))
    assert default_cache_dir() == tmp_path / "cache"
    monkeypatch.delenv("RECSTACK_CACHE")
    assert default_cache_dir() == Path.home() / ".cache" / "recstack"


# ---------------------------------------------------------------------------- refusals
def test_a_checksum_mismatch_deletes_the_download(server, tiny_zip, tmp_path):
    archive = tiny_zip()
    url = server.serve("/ml-100k.zip", archive)
    wrong = "0" * 64
    with pytest.raises(RecstackError) as caught:
        fetch("movielens-100k", cache_dir=tmp_path, url=url, sha256=wrong)
    message = str(caught.value)
    assert f"expected {wrong}, got {_sha256(archive)}" in message
    assert "download was deleted" in message
    assert _leftovers(tmp_path) == []  # neither the download nor a folder remains


def test_a_mismatch_does_not_touch_a_good_cache(server, tiny_zip, tmp_path):
    archive = tiny_zip()
    url = server.serve("/ml-100k.zip", archive)
    folder = fetch("100k", cache_dir=tmp_path, url=url, sha256=_sha256(archive))
    server.serve("/ml-100k.zip", archive + b"tampered")
    with pytest.raises(RecstackError, match="SHA-256 mismatch"):
        fetch("100k", cache_dir=tmp_path, url=url, sha256=_sha256(archive), force=True)
    assert len(load_movielens(folder)) == 5


@pytest.mark.parametrize("evil", ["../escaped.txt", "/tmp/absolute.txt",
                                  "ml-100k/../../escaped.txt", "C:/windows.txt"])
def test_members_outside_the_folder_are_refused(server, tmp_path, evil):
    archive = _zip({"ml-100k/u.data": b"1\t1\t1\t1\n", evil: b"gotcha"})
    url = server.serve("/evil.zip", archive)
    cache = tmp_path / "cache"
    with pytest.raises(RecstackError, match=f"refusing to extract .*{evil!r}"):
        fetch("100k", cache_dir=cache, url=url, sha256=_sha256(archive))
    assert not (tmp_path / "escaped.txt").exists()
    assert not (cache / "escaped.txt").exists()
    assert _leftovers(cache) == []


def test_unpinned_releases_need_a_digest_or_an_opt_out(server, tmp_path):
    archive = _zip({"ml-10M100K/ratings.dat": b"1::2::4.5::978300760\n",
                    "ml-10M100K/movies.dat": b"2::Heat (1995)::Action\n"})
    url = server.serve("/ml-10m.zip", archive)
    with pytest.raises(RecstackError, match=r"no SHA-256 is pinned for movielens-10m.*"
                                            r"--sha256.*--no-verify"):
        fetch("movielens-10m", cache_dir=tmp_path, url=url)
    assert server.requests == []  # refused before downloading anything
    folder = fetch("movielens-10m", cache_dir=tmp_path, url=url, verify=False)
    assert folder == tmp_path / "movielens" / "ml-10M100K"
    assert (folder / "ratings.dat").is_file()
    assert fetch("movielens-10m", cache_dir=tmp_path, url=url, sha256=_sha256(archive)) == folder


def test_an_archive_without_the_releases_files_is_refused(server, tiny_zip, tmp_path):
    # a wrong --url or mirror: the fetch succeeded and the cache held a folder no loader
    # could read
    archive = tiny_zip(folder="ml-10M100K")  # 100K's files under 10M's name
    url = server.serve("/ml-10m.zip", archive)
    with pytest.raises(RecstackError, match=r"ml-10m\.zip is not this MovieLens release: it "
                                            r"lacks ratings\.dat, movies\.dat \(it holds "
                                            r"u\.data"):
        fetch("movielens-10m", cache_dir=tmp_path, url=url, verify=False)
    assert not (tmp_path / "movielens" / "ml-10M100K").exists()
    assert _leftovers(tmp_path) == []


def test_network_failures_are_explained(server, tiny_zip, tmp_path):
    with pytest.raises(RecstackError, match=r"could not download .*/missing.zip: HTTP 404"):
        fetch("100k", cache_dir=tmp_path, url=server.url + "/missing.zip", sha256="a" * 64)
    archive = tiny_zip()
    url = server.serve("/cut.zip", archive)
    server.truncate.add("/cut.zip")
    with pytest.raises(RecstackError, match=f"download of .*/cut.zip stopped after "
                                             f"{len(archive) // 2:,} of {len(archive):,} bytes"):
        fetch("100k", cache_dir=tmp_path, url=url, sha256=_sha256(archive))
    assert _leftovers(tmp_path) == []
    server.serve("/junk.zip", b"this is not a zip")
    with pytest.raises(RecstackError, match="is not a zip archive"):
        fetch("100k", cache_dir=tmp_path, url=server.url + "/junk.zip",
              sha256=_sha256(b"this is not a zip"))
    with pytest.raises(RecstackError, match="64 hexadecimal digits"):
        fetch("100k", cache_dir=tmp_path, url=url, sha256="abc")


# ---------------------------------------------------------------------------- command line
def test_command_line(server, tiny_zip, tmp_path, capsys):
    archive = tiny_zip()
    url = server.serve("/ml-100k.zip", archive)
    code = cli_main(["data", "fetch", "movielens-100k", "--cache-dir", str(tmp_path),
                     "--url", url, "--sha256", _sha256(archive), "--quiet"])
    out, err = capsys.readouterr()
    assert code == 0 and out.strip() == str(tmp_path / "movielens" / "ml-100k")
    code = cli_main(["data", "fetch", "movielens-100k", "--cache-dir", str(tmp_path),
                     "--url", url, "--sha256", "f" * 64, "--force", "--quiet"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.startswith("recstack: error: SHA-256 mismatch") and "Traceback" not in err
    assert cli_main(["data", "fetch", "--list"]) == 0
    assert "movielens-latest-small" in capsys.readouterr().out


def _damaged_member(archive: bytes) -> bytes:
    """The archive with bytes inside its first member's compressed data changed (the zip
    directory stays readable, so the damage shows only while extracting)."""
    data = bytearray(archive)
    start = data.index(b"PK\x03\x04")
    name_length = int.from_bytes(data[start + 26:start + 28], "little")
    extra_length = int.from_bytes(data[start + 28:start + 30], "little")
    payload = start + 30 + name_length + extra_length
    for offset in range(payload, payload + 8):
        data[offset] ^= 0xFF
    return bytes(data)


@pytest.mark.parametrize("damage", ["member", "truncated", "not a zip"])
def test_a_damaged_archive_is_explained_and_leaves_nothing(server, tiny_zip, tmp_path, damage):
    archive = tiny_zip()
    broken = {"member": _damaged_member(archive), "truncated": archive[:len(archive) // 2],
              "not a zip": b"<html>moved</html>"}[damage]
    url = server.serve("/ml-100k.zip", broken)
    with pytest.raises(RecstackError, match="zip archive") as caught:
        fetch("movielens-100k", cache_dir=tmp_path, url=url, sha256=_sha256(broken))
    assert "download it again" in str(caught.value)
    assert _leftovers(tmp_path) == []


def test_a_required_file_that_is_a_folder_in_the_archive_is_shown_as_one(server, tmp_path):
    # the message said "it lacks u.data (it holds u.data, u.item)"
    archive = _zip({"ml-100k/u.data/ratings": b"1\t1\t5\t874965758\n",
                    "ml-100k/u.item": b"1|Toy Story (1995)|01-Jan-1995||url|0\n"})
    url = server.serve("/ml-100k.zip", archive)
    with pytest.raises(RecstackError, match=r"it lacks u\.data \(it holds u\.data/, u\.item\)"):
        fetch("movielens-100k", cache_dir=tmp_path, url=url, sha256=_sha256(archive))
