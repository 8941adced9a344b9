"""fetch()'s timeout: an integer past the float range was an OverflowError traceback from
math.isfinite, one past what the socket takes (1e10 seconds) an OverflowError from the
socket once the download began, and a Decimal or Fraction was refused as "not a positive
number" where every other numeric option of the project takes one.

Nothing here touches the internet: archives are local files read through file:// URLs.
"""

from __future__ import annotations

import hashlib
import io
import urllib.request
import zipfile
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from recstack.data import fetch as fetch_module
from recstack.data.fetch import fetch
from recstack.errors import ConfigError


@pytest.fixture
def archive(tmp_path: Path) -> tuple[str, str]:
    """A small ml-100k zip on disk: its file:// URL and its SHA-256."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        bundle.writestr("ml-100k/u.data", "1\t1\t5\t881250949\n2\t1\t3\t881250950\n")
        bundle.writestr("ml-100k/u.item", "1|Toy Story (1995)|01-Jan-1995||http://x|"
                                          + "|".join("0" * 19) + "\n")
    path = tmp_path / "ml-100k.zip"
    path.write_bytes(buffer.getvalue())
    return path.as_uri(), hashlib.sha256(buffer.getvalue()).hexdigest()


@pytest.mark.parametrize(("timeout", "said"), [
    (10**400, "got a 401-digit integer"),
    (-(10**400), "got a 401-digit integer"),
    (Decimal("NaN"), r"got Decimal\('NaN'\)"),
    (Decimal("-2"), r"got Decimal\('-2'\)"),
    (np.True_, "got True"),
    (1e10, r"at most 86,400 \(a day: it is the wait for each network read, not for the "
           r"whole download\), got 10000000000.0"),
    (86_401, "at most 86,400 .*got 86401"),
])
def test_a_timeout_that_cannot_be_waited_is_refused_first(tmp_path: Path,
                                                          archive: tuple[str, str],
                                                          timeout: Any, said: str) -> None:
    url, digest = archive
    with pytest.raises(ConfigError, match=f"timeout must be a positive number of seconds, "
                                          f".*{said}"):
        fetch("movielens-100k", cache_dir=tmp_path / "cache", url=url, sha256=digest,
              timeout=timeout)
    assert not (tmp_path / "cache").exists()  # refused before anything was downloaded


@pytest.mark.parametrize(("timeout", "seconds"), [
    (Decimal("2.5"), 2.5), (Fraction(5, 2), 2.5), (np.float32(2.5), 2.5), (86_400, 86_400.0),
    (np.int64(7), 7.0)])
def test_a_timeout_of_any_real_number_waits_that_long(tmp_path: Path, archive: tuple[str, str],
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      timeout: Any, seconds: float) -> None:
    url, digest = archive
    waits: list[Any] = []
    opened = urllib.request.urlopen

    def urlopen(request: Any, *, timeout: Any) -> Any:
        waits.append(timeout)
        return opened(request, timeout=timeout)

    monkeypatch.setattr(fetch_module.urllib.request, "urlopen", urlopen)
    folder = fetch("movielens-100k", cache_dir=tmp_path / "cache", url=url, sha256=digest,
                   timeout=timeout)
    assert (folder / "u.data").is_file()
    assert waits == [seconds]
    assert type(waits[0]) is float
