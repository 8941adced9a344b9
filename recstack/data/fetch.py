"""Download, verify and unpack the official MovieLens archives into a local cache.

``fetch("movielens-100k")`` downloads ``ml-100k.zip`` from GroupLens (in chunks, with
progress), checks its SHA-256 against the value pinned in
:data:`recstack.data.movielens.RELEASES`, extracts it (refusing members that would land
outside the cache) and renames the folder into place, so the cache never holds half an
archive. The next call finds the verified folder and downloads nothing.

The cache is ``$RECSTACK_CACHE`` or ``~/.cache/recstack``; releases go to
``<cache>/movielens/<folder>``, e.g. ``~/.cache/recstack/movielens/ml-100k``.

``recstack data fetch`` (in :mod:`recstack.cli`) is the command line.
"""

from __future__ import annotations

import errno
import hashlib
import http.client
import json
import math
import numbers
import os
import re
import secrets
import shutil
import time
import urllib.error
import urllib.request
import zipfile
import zlib
from decimal import Decimal
from pathlib import Path, PurePosixPath

import numpy as np

from recstack import __version__
from recstack.atomic import atomic_directory, blocking_parent, describe_path, recover
from recstack.data.files import as_path
from recstack.data.interactions import check_flag
from recstack.data.movielens import RELEASES, MovieLensRelease, release
from recstack.errors import ConfigError, RecstackError, counted, shown, shown_number
from recstack.progress import Progress, resolve
from recstack.specs import arguments_named, finite_or_infinite
from recstack.strict_json import loads as strict_loads

__all__ = ["fetch", "cached_path", "default_cache_dir", "CACHE_ENV", "DATASETS"]

CACHE_ENV = "RECSTACK_CACHE"
# Everything fetch() knows, by registry name ("movielens-100k", ...).
DATASETS = RELEASES
_MARKER = ".recstack-fetch.json"  # written into a folder only once it is verified
_CHUNK = 1 << 20
_SHA256 = re.compile(r"[0-9a-f]{64}")
#: the longest wait for a network read: the socket refuses a timeout past about 9.2e9
#: seconds (with an OverflowError), and a read that stalls for a day has failed
_MOST_TIMEOUT = 86_400


def default_cache_dir() -> Path:
    """``$RECSTACK_CACHE`` if set, else ``~/.cache/recstack``."""
    configured = os.environ.get(CACHE_ENV, "")  # blank is unset
    try:
        return (Path(configured).expanduser() if configured.strip()
                else Path.home() / ".cache" / "recstack")
    except RuntimeError:  # "~nobody/x": no such user (a bare RuntimeError traceback)
        raise ConfigError(f"{CACHE_ENV}={configured!r}: cannot find the home folder its "
                          f"'~' names; set {CACHE_ENV} to an absolute folder, or unset it "
                          "for ~/.cache/recstack") from None


def _release_folder(chosen: MovieLensRelease, cache_dir: str | os.PathLike[str] | None
                    ) -> Path:
    if cache_dir is None:
        return default_cache_dir() / "movielens" / chosen.folder
    # a number or bytes was os.fspath's TypeError, and "" the folder the program runs in
    # (the release was unpacked there without a word), as $RECSTACK_CACHE="" is not
    folder = as_path(cache_dir, "cache_dir")
    try:
        cache = folder.expanduser()
    except RuntimeError:  # "~nobody/x": no such user (a bare RuntimeError traceback)
        raise ConfigError(f"cache_dir {str(cache_dir)!r}: cannot find the home folder its "
                          "'~' names; give an absolute folder") from None
    return cache / "movielens" / chosen.folder


def cached_path(name: str, *, cache_dir: str | os.PathLike[str] | None = None
                ) -> Path | None:
    """The folder of a completed fetch of ``name``, or None when it is not in the cache.

    Only folders that :func:`fetch` finished (verified, or knowingly unverified) count;
    nothing is downloaded.
    """
    target = _release_folder(release(name), cache_dir)
    return target if _is_verified(target, None) else None


@arguments_named
def fetch(
    name: str,
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    url: str | None = None,
    sha256: str | None = None,
    verify: bool = True,
    progress: Progress | None = None,
    force: bool = False,
    timeout: float = 60.0,
) -> Path:
    """Make a MovieLens release available locally and return its folder.

    Parameters
    ----------
    name
        ``"movielens-100k"``, ``"movielens-1m"``, ... (``"ml-100k"`` and ``"100k"`` work too).
    cache_dir
        Where downloads live; default :func:`default_cache_dir`.
    url
        Download from here instead of GroupLens (a mirror, or a test server).
    sha256
        The expected SHA-256 of the archive, overriding the pinned one; needed for
        releases without a pinned digest (10M, latest) unless ``verify=False``.
    verify
        ``False`` accepts an archive whose digest cannot be checked (only for releases
        without a pinned digest and no ``sha256``; a known digest is always checked).
    progress
        Progress reporter (None: silent).
    force
        Download again even when a verified copy is cached.
    timeout
        Seconds to wait on the network before giving up.

    Returns
    -------
    Path
        The extracted release folder, ready for
        :func:`recstack.data.movielens.load_movielens`.

    Raises
    ------
    RecstackError
        Unknown release, no digest to verify against, network failure, SHA-256
        mismatch (the download is deleted), or an unsafe or broken archive.
    """
    chosen = release(name)
    timeout = _check_fetch_options(url, verify, force, timeout)
    expected = _expected_digest(chosen, sha256, verify)
    target = _release_folder(chosen, cache_dir)
    if not force and _is_verified(target, expected):
        return target
    source = url or chosen.url
    # the cache folder as given opens a refusal of it: `data fetch --cache-dir afile` was
    # told of "the cache folder afile/movielens" without the option that named it (the
    # command line names the option of a message that opens with its path)
    given = "" if cache_dir is None else f"{os.fspath(cache_dir)}: "
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        # "Not a directory" did not say which part of the path is the file in the way
        raise RecstackError(f"{given}cannot create the cache folder {target.parent}: "
                            f"{blocking_parent(target)}; choose another cache folder"
                            ) from None
    except OSError as error:
        if error.errno == errno.ELOOP:  # a link that loops: "Too many levels of ..."
            raise RecstackError(f"{given}cannot create the cache folder {target.parent}: "
                                f"{blocking_parent(target)}; choose another cache folder"
                                ) from None
        raise RecstackError(f"{given}cannot create the cache folder {target.parent}: "
                            f"{error.strerror or error}") from None
    if os.path.lexists(target) and (target.is_symlink() or not target.is_dir()):
        # refused by the swap, but only once the archive had been downloaded
        raise RecstackError(f"{target}: is {describe_path(target)}, where {chosen.name} is "
                            "unpacked; remove it (fetch replaces only a folder it unpacked), "
                            "or choose another cache folder")
    # what a fetch killed by force left (recstack.atomic's leftovers of a process that is
    # gone; those of older versions' names by their age)
    recover(target)
    _remove_stale_leftovers(target.parent, chosen)
    archive, actual = _download(source, target.parent, chosen, progress, timeout)
    try:
        if expected is not None and actual != expected:
            raise RecstackError(
                f"SHA-256 mismatch for {source}: expected {expected}, got {actual}. "
                "The download was deleted. If GroupLens re-issued the archive and you trust "
                "it, pass its digest with --sha256 (sha256=...).")
        marker = {"name": chosen.name, "url": source, "sha256": actual,
                  "verified": expected is not None}
        _extract(archive, source, chosen.folder, target, marker, progress, chosen.layout)
    finally:
        archive.unlink(missing_ok=True)
    return target


#: a partial download or extraction untouched this long belongs to no running fetch
_STALE_SECONDS = 24 * 3600


def _remove_stale_leftovers(folder: Path, chosen: MovieLensRelease) -> None:
    """Delete what a fetch of ``chosen`` by an earlier version, stopped by force (killed,
    the machine off), left in the cache: its partial download (``.ml-25m.<random>.zip``,
    up to the archive's size) and extraction folder (``.ml-25m.extracting-<random>``),
    whose names hold no process id for :func:`recstack.atomic.recover` to go by. Each
    crash left one more, hidden, never reused and never deleted. Only those untouched for
    a day go: a running fetch writes its download every second and its folder as it
    extracts."""
    now = time.time()
    patterns = (f".{chosen.folder}.*.zip", f".{chosen.folder}.extracting-*")
    for pattern in patterns:
        for path in folder.glob(pattern):
            try:
                if path.is_symlink() or now - path.stat().st_mtime < _STALE_SECONDS:
                    continue
                if path.is_dir():
                    shutil.rmtree(path)
                else:
                    path.unlink()
            except OSError:
                continue  # removed by another fetch, or not ours to remove: left as it is


def _check_fetch_options(url: object, verify: object, force: object, timeout: object) -> float:
    """Refuse, before anything is downloaded, options that would be misread: an empty url
    fell back to GroupLens without a word, a timeout given as text failed inside the
    socket, and NaN or a negative one was reported as a failed download. Returns the
    timeout in seconds, as a float."""
    if url is not None and (not isinstance(url, str) or not url.strip()):
        raise ConfigError(f"url must be a URL such as https://host/path/ml-100k.zip or "
                          f"file:///path/ml-100k.zip, got {url!r} (leave it out for "
                          "GroupLens)")
    check_flag(verify, "verify")
    check_flag(force, "force")
    # any real number (a Decimal or Fraction too, as every other numeric option takes),
    # read as its float: an integer past the float range was an OverflowError from
    # math.isfinite, and a timeout past what the socket takes (1e10) one from the socket
    # once the download began
    seconds = math.nan
    if not isinstance(timeout, bool | np.bool_) and isinstance(timeout,
                                                               numbers.Real | Decimal):
        seconds = finite_or_infinite(timeout)
    given = shown_number(timeout) if isinstance(timeout, int) else shown(timeout)
    if not 0 < seconds < math.inf:
        raise ConfigError(f"timeout must be a positive number of seconds, got {given}")
    if seconds > _MOST_TIMEOUT:
        raise ConfigError(f"timeout must be a positive number of seconds, at most "
                          f"{_MOST_TIMEOUT:,} (a day: it is the wait for each network read, "
                          f"not for the whole download), got {given}")
    return seconds


def _expected_digest(chosen: MovieLensRelease, sha256: str | None, verify: bool) -> str | None:
    if sha256 is not None:
        if not isinstance(sha256, str):
            raise ConfigError(f"--sha256 must be 64 hexadecimal digits (text), got "
                              f"{sha256!r}")
        digest = sha256.strip().lower()
        if not _SHA256.fullmatch(digest):
            raise ConfigError(f"--sha256 must be 64 hexadecimal digits, got {sha256!r}"
                              + _digest_hint(digest))
        return digest
    if chosen.sha256 is not None:
        return chosen.sha256
    if verify:
        raise ConfigError(
            f"no SHA-256 is pinned for {chosen.name}, so the download cannot be verified. "
            "Pass the archive's digest with --sha256 <hex> (sha256=...), or accept it "
            "unverified with --no-verify (verify=False).")
    return None


def _digest_hint(digest: str) -> str:
    """What to change in a digest written another way: with its algorithm before it
    (``sha256:...``, as registries and SRI write it), as a ``sha256sum`` line (the
    digest, then the file's name), or with the wrong number of hexadecimal digits (a
    SHA-1 or MD5 digest, a digit lost in copying). The message said only "must be 64
    hexadecimal digits"."""
    named = re.fullmatch(r"sha-?256\s*[:=-]\s*([0-9a-f]{64})", digest)
    if named:
        return f" ({digest[:digest.index(named.group(1))].strip()!r} before them): give only " \
               "the digits"
    listed = re.fullmatch(r"([0-9a-f]{64})\s+\*?\S.*", digest)
    if listed:
        return " (a sha256sum line: the digest, then a file name): give only the digits"
    if re.fullmatch(r"[0-9a-f]+", digest):
        kind = {40: ", as a SHA-1 digest has", 32: ", as an MD5 digest has"}.get(
            len(digest), "")
        return f" ({counted(len(digest), 'digit')}{kind}): give the archive's SHA-256"
    return ""


def _is_verified(target: Path, expected: str | None) -> bool:
    """Whether ``target`` is a complete fetch matching ``expected`` (any, when None)."""
    try:
        marker = strict_loads((target / _MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(marker, dict):  # edited by hand: fetched again, as a damaged one is
        return False
    return expected is None or marker.get("sha256") == expected


def _download(source: str, folder: Path, chosen: MovieLensRelease, progress: Progress | None,
              timeout: float) -> tuple[Path, str]:
    """Stream ``source`` to a temporary file in ``folder``; return it and its SHA-256."""
    try:
        request = urllib.request.Request(source,
                                         headers={"User-Agent": f"recstack/{__version__}"})
    except ValueError as error:  # not a URL at all
        raise RecstackError(f"could not download {source}: {error}; give a URL such as "
                            "https://host/path/ml-100k.zip or file:///path/ml-100k.zip"
                            ) from None
    try:
        response = urllib.request.urlopen(request, timeout=timeout)  # noqa: S310
    except urllib.error.HTTPError as error:
        raise RecstackError(f"could not download {source}: HTTP {error.code} {error.reason}"
                            ) from None
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise RecstackError(f"could not download {source}: {reason}") from None
    # named as recstack.atomic names work in progress (with this process's id), so that
    # the next fetch removes it when this one is killed
    path = folder / f".{chosen.folder}.recstack-tmp-{os.getpid()}-{secrets.token_hex(4)}.zip"
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as error:
        raise RecstackError(f"cannot write the download into {folder}: "
                            f"{error.strerror or error}") from None
    digest = hashlib.sha256()
    received = 0
    try:
        with response, os.fdopen(handle, "wb") as out:
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            with resolve(progress).task(f"Downloading {chosen.folder}.zip", total=total) as task:
                while chunk := response.read(_CHUNK):
                    out.write(chunk)
                    digest.update(chunk)
                    received += len(chunk)
                    task.advance(len(chunk))
        if total is not None and received != total:
            raise RecstackError(f"the download of {source} stopped after {received:,} of "
                                f"{total:,} bytes; try again")
    except (OSError, http.client.HTTPException) as error:
        # a dropped connection surfaces as either (IncompleteRead is an HTTPException)
        path.unlink(missing_ok=True)
        raise RecstackError(f"could not download {source}: {error!r}") from None
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path, digest.hexdigest()


def _unsafe_member(name: str) -> bool:
    """Whether a zip member would be written outside the folder it is extracted into."""
    normalised = name.replace("\\", "/")
    parts = PurePosixPath(normalised).parts
    return (normalised.startswith("/") or ".." in parts
            or bool(parts and re.match(r"[A-Za-z]:", parts[0])))


def _check_release_files(extracted: Path, source: str, layout: str) -> None:
    """Refuse an archive (a mirror's, or one given by --url) that is not the release: the
    fetch would succeed and the cache hold a folder no loader can read."""
    from recstack.data.movielens import required_files

    missing = [name for name in required_files(layout) if not (extracted / name).is_file()]
    if missing:
        held = sorted(p.name + ("/" if p.is_dir() else "") for p in extracted.iterdir())
        raise RecstackError(
            f"{source} is not this MovieLens release: it lacks {', '.join(missing)} (it "
            f"holds {', '.join(held[:8]) or 'nothing'}{' ...' if len(held) > 8 else ''}); "
            "check the URL")


#: the folder of the staging folder the archive is unpacked into, before the release's
#: files are moved up into the staging folder itself
_ARCHIVE = ".recstack-archive"
#: folders that archivers add beside the content (macOS's resource forks)
_ARCHIVER_FOLDERS = ("__MACOSX",)
#: how deep below the archive's top a release folder is looked for
_RELEASE_DEPTH = 3


def _release_root(extracted: Path, content: Path, source: str, layout: str) -> Path:
    """The folder of the archive that holds the release's files: ``extracted`` when it
    does, else the one folder below ``content`` that does. A mirror's archive with its
    folder renamed beside ``__MACOSX/``, or with the release one folder further down
    (``data/ml-100k/``), was refused as "not this MovieLens release" though every file
    was there. Two such folders are refused, naming them: which one is meant is a guess."""
    from recstack.data.movielens import required_files

    wanted = required_files(layout)
    if all((extracted / name).is_file() for name in wanted):
        return extracted
    found: list[Path] = []
    level = [content]
    for _ in range(_RELEASE_DEPTH):
        below = sorted(child for folder in level for child in folder.iterdir()
                       if child.is_dir() and not child.is_symlink()
                       and child.name not in _ARCHIVER_FOLDERS
                       and not child.name.startswith("."))
        found += [folder for folder in below
                  if all((folder / name).is_file() for name in wanted)]
        if found:
            break
        level = below
    if len(found) > 1:
        shown = ", ".join(f"{folder.relative_to(content).as_posix()}/" for folder in found[:4])
        raise RecstackError(
            f"{source} holds the files of this MovieLens release ({', '.join(wanted)}) in "
            f"more than one folder ({shown}{' ...' if len(found) > 4 else ''}); give an "
            "archive of one release")
    return found[0] if found else extracted


def _extract(archive: Path, source: str, folder: str, target: Path, marker: dict[str, object],
             progress: Progress | None, layout: str) -> None:
    """Unpack ``archive`` and rename its release folder to ``target`` (atomically)."""
    try:
        bundle = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError):
        raise RecstackError(f"{source} is not a zip archive (or one cut short); "
                            "download it again") from None
    with bundle:
        members = bundle.infolist()
        for member in members:
            if _unsafe_member(member.filename):
                raise RecstackError(
                    f"refusing to extract {source}: member {member.filename!r} would be "
                    "written outside the cache folder")
        tops = {PurePosixPath(m.filename).parts[0] for m in members if m.filename.strip("/")}
        directories = {t for t in tops
                       if any(m.filename.startswith(t + "/") for m in members)}
        # The release folder itself, or the archive's only folder (a mirror may rename it),
        # or, for an archive of loose files, the whole archive.
        inner = folder if folder in directories else (
            next(iter(directories)) if len(tops) == 1 and directories else "")
        try:
            # the project's folder swap (recstack.atomic): a cached copy stays whole under
            # its name until the new one is complete, and a killed fetch's staging folder
            # is removed by the next one (the swap of its own set the old copy aside first,
            # and left it and the staging folder behind when killed between its renames)
            with atomic_directory(target, overwrite=True) as staging:
                content = staging / _ARCHIVE
                with resolve(progress).task(f"Extracting {folder}",
                                            total=len(members)) as task:
                    for member in members:
                        bundle.extract(member, content)
                        task.advance()
                extracted = content / inner if inner else content
                if not extracted.is_dir():
                    raise RecstackError(f"{source} holds no files")
                extracted = _release_root(extracted, content, source, layout)
                _check_release_files(extracted, source, layout)
                for child in list(extracted.iterdir()):
                    os.replace(child, staging / child.name)
                shutil.rmtree(content)
                (staging / _MARKER).write_text(json.dumps(marker, indent=2), encoding="utf-8")
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError,
                RuntimeError) as error:
            # a bad checksum, truncated or corrupt data, an unsupported method, encryption
            raise RecstackError(f"{source} is a damaged zip archive ({error}); download it "
                                "again") from None
        except OSError as error:
            raise RecstackError(f"cannot extract {source} into {target.parent}: "
                                f"{error.strerror or error}") from None
