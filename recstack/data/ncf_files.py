"""The split files of the NCF repository (He et al., WWW 2017; hexiangnan/neural_collaborative_
filtering): MovieLens-1M and Pinterest, leave-one-out, with 99 negatives per test user.

A data set ``<name>`` (``ml-1m``, ``pinterest-20``) is three text files:

- ``<name>.train.rating`` and ``<name>.test.rating``: one row per line, tab-separated
  ``user item rating timestamp`` (the timestamp may be left out, as NCF's reader ignores
  it); ids are non-negative integers, the rating a finite number;
- ``<name>.test.negative``: one line per test user, ``(user,item)`` (the held-out pair)
  followed by tab-separated item ids, the negatives its held-out item is ranked against.

Rules of a line, as NCF's reader splits it: fields are separated by tabs; a line ends at
LF, CRLF or a lone CR (an old Mac file; as in every other file recstack reads); blank lines
and an editor's byte-order mark are ignored. Anything else (a field that is no integer id, a
negative id, a rating that is no finite number in ASCII decimal digits, too few or too many
fields, fields separated by spaces or commas, a byte that is not UTF-8, a UTF-16 file) is
refused naming the file and the line. A user with a second line in the negatives file, a
negatives line whose pair is no test row, and a test user without a negatives line are
refused too.

:func:`load_ncf_files` reads them into :class:`~recstack.data.interactions.Interactions`
``train`` and ``test`` sharing one vocabulary (the files' integers are the external ids)
and the negatives by user, ready for
:func:`recstack.evaluation.sampled.evaluate_sampled` (``negatives=data.negatives``).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from recstack.data.files import as_path, near_miss, not_a_file, refuse_pointer_file
from recstack.data.idmap import IdMap
from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, DataFormatError, counted
from recstack.specs import arguments_named, did_you_mean

#: the parts and the suffix of each file after the data set's name
SUFFIXES: dict[str, str] = {"train": ".train.rating", "test": ".test.rating",
                            "negative": ".test.negative"}
_RATING = "'user<TAB>item<TAB>rating<TAB>timestamp', non-negative integer ids"
_NEGATIVE = "'(user,item)<TAB>item<TAB>item...', non-negative integer ids"
_PAIR = re.compile(r"\(\s*(\d+)\s*,\s*(\d+)\s*\)")
_INT64_MAX = np.iinfo(np.int64).max
_LINE_END = re.compile(rb"\r\n|\r|\n")
#: a rating as every loader reads a number: ASCII digits, a sign, a point, an exponent,
#: spaces and tabs around it
_DECIMAL = re.compile(r"[ \t]*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[ \t]*", re.ASCII)


@dataclass(frozen=True)
class NCFFiles:
    """The NCF split: ``train`` and ``test`` (one vocabulary), and ``negatives``: external
    user id -> array of the item ids its held-out item is ranked against."""

    train: Interactions
    test: Interactions
    negatives: dict[int, np.ndarray]
    files: dict[str, str]


@arguments_named
def load_ncf_files(source: str | Path | Mapping[str, str | Path], name: str | None = None
                   ) -> NCFFiles:
    """Read the NCF repository's split files.

    Parameters
    ----------
    source
        A folder holding ``<name>.train.rating``, ``<name>.test.rating`` and
        ``<name>.test.negative``; or a mapping of ``"train"``, ``"test"`` and
        ``"negative"`` to files.
    name
        The data set's name in a folder (``"ml-1m"``, ``"pinterest-20"``); by default the
        one data set the folder holds.

    Returns
    -------
    NCFFiles
        ``train`` and ``test`` (ratings as values, timestamps when every line has one) and
        ``negatives`` by user.

    Raises
    ------
    DataFormatError
        A missing or empty file, or a malformed line, naming the file and the line.
    """
    files = _resolve(source, name)
    train_rows = _read_ratings(files["train"])
    test_rows = _read_ratings(files["test"])
    negatives, heads = _read_negatives(files["negative"])
    _check_heads(heads, test_rows, files)
    users, user_codes = IdMap.encode(np.concatenate(
        [train_rows[0], test_rows[0], np.array(list(negatives), np.int64)]))
    all_negative = (np.concatenate(list(negatives.values())) if negatives
                    else np.zeros(0, np.int64))
    items, item_codes = IdMap.encode(np.concatenate([train_rows[1], test_rows[1],
                                                     all_negative]))
    n_train = len(train_rows[0])
    parts = []
    for offset, rows in ((0, train_rows), (n_train, test_rows)):
        n = len(rows[0])
        parts.append(Interactions(
            user_codes[offset:offset + n].astype(np.int32),
            item_codes[offset:offset + n].astype(np.int32),
            rows[2].astype(np.float32), rows[3], users, items))
    return NCFFiles(parts[0], parts[1], negatives, {p: str(f) for p, f in files.items()})


def _resolve(source: Any, name: Any) -> dict[str, Path]:
    if isinstance(source, Mapping):
        unknown = sorted(str(part) for part in source if part not in SUFFIXES)
        if unknown:
            raise ConfigError(f"NCF files: unknown part {unknown[0]!r}"
                              f"{did_you_mean(unknown[0], list(SUFFIXES))}; the parts are "
                              f"{', '.join(SUFFIXES)}")
        missing = [part for part in SUFFIXES if part not in source]
        if missing:
            raise ConfigError(f"NCF files: no file given for {', '.join(missing)} (train, "
                              "test and negative are required)")
        files = {part: as_path(source[part], f"the {part} file") for part in SUFFIXES}
    else:
        folder = as_path(source, "source")
        if not folder.is_dir():
            what = ("is a file, not a folder: give the folder holding it, or a mapping of "
                    "train, test and negative to files" if folder.is_file()
                    else f"not a folder{near_miss(folder)}")
            raise DataFormatError(f"{what} (expected a folder holding <name>.train.rating, "
                                  "<name>.test.rating and <name>.test.negative)",
                                  file=str(folder))
        present = sorted(child.name for child in folder.iterdir())
        names = sorted({entry[:-len(SUFFIXES["train"])] for entry in present
                        if entry.endswith(SUFFIXES["train"])})
        if name is not None and not isinstance(name, str):
            raise ConfigError(f"name must be the data set's name as text (e.g. 'ml-1m'), "
                              f"got {type(name).__name__}")
        if name is None:
            if len(names) != 1:
                held = ", ".join(present[:8]) or "nothing"
                raise DataFormatError(
                    ("the folder holds no *.train.rating file" if not names else
                     f"the folder holds {len(names)} data sets ({', '.join(names)}); give "
                     "name=") + f" (it holds: {held})", file=str(folder),
                    expected="the NCF repository's <name>.train.rating, .test.rating and "
                             ".test.negative")
            name = names[0]
        elif name not in names:
            raise DataFormatError(
                f"no data set {name!r} (no {name}{SUFFIXES['train']})"
                f"{did_you_mean(name, names)}; the folder holds "
                f"{', '.join(names) or 'no *.train.rating file'}", file=str(folder))
        files = {part: folder / f"{name}{suffix}" for part, suffix in SUFFIXES.items()}
    for part, path in files.items():
        problem = not_a_file(path)
        if problem is not None:
            raise DataFormatError(f"the {part} file: {problem}{near_miss(path)}",
                                  file=str(path))
    return files


def _lines(path: Path, expected: str) -> list[tuple[int, str]]:
    """The non-blank lines of ``path`` with their 1-based numbers, decoded as UTF-8."""
    raw = path.read_bytes()
    file = str(path)
    refuse_pointer_file(path, raw[:4096])  # a clone without its large files
    for marks, encoding in (((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE), "UTF-32"),
                            ((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE), "UTF-16")):
        if raw.startswith(marks):
            raise DataFormatError(f"the file is {encoding} text (it starts with a {encoding} "
                                  "byte-order mark); save it as ASCII or UTF-8", file=file,
                                  expected=expected)
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    out = []
    # a lone CR (an old Mac file) ends a line as LF and CRLF do: split at LF only, a CR file
    # was one line of "10 fields where 3 or 4 ... belong"
    for number, line in enumerate(_LINE_END.split(raw), start=1):
        if b"\x00" in line:
            raise DataFormatError("holds a NUL byte, which no text file does: binary data "
                                  "(or UTF-16 text without its mark), not an NCF file",
                                  file=file, line=number, expected=expected)
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as error:
            raise DataFormatError(f"byte 0x{line[error.start]:02X} is not UTF-8 text: the "
                                  "file is in another encoding or is not text", file=file,
                                  line=number, expected=expected) from None
        if text.strip():
            out.append((number, text))
    if not out:
        raise DataFormatError("the file is empty (no line)", file=file, expected=expected)
    return out


def _id(text: str, what: str, file: str, line: int, expected: str) -> int:
    field = text.strip()
    if field.isascii() and field.isdigit():
        value = int(field)
        if value > _INT64_MAX:
            raise DataFormatError(f"{what} {field} is too large for a 64-bit integer",
                                  file=file, line=line, expected=expected)
        return value
    if field.startswith("-") and field[1:].isdigit():
        raise DataFormatError(f"negative {what} {field}", file=file, line=line,
                              expected=expected)
    hint = ""
    if any(mark in field for mark in (" ", ",", ";")):
        hint = "; the fields are separated by tabs, not spaces, commas or semicolons"
    raise DataFormatError(f"{what} {field[:40]!r} is not a non-negative integer id{hint}",
                          file=file, line=line, expected=expected)


def _fields_problem(fields: list[str], text: str, wanted: str) -> str:
    hint = ""
    if len(fields) == 1 and (" " in text.strip() or "," in text or ";" in text):
        hint = "; the fields are separated by tabs, not spaces, commas or semicolons"
    return f"{counted(len(fields), 'field')} where {wanted} belong{hint}"


def _without_trailing_empty(fields: list[str]) -> list[str]:
    """``fields`` less empty ones at the end (a line ending in a tab)."""
    while fields and not fields[-1].strip():
        fields = fields[:-1]
    return fields


def _read_ratings(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None,
                                       np.ndarray]:
    """Users, items, ratings, timestamps (None unless every line has one) and the 1-based
    line number of each row."""
    file = str(path)
    lines = _lines(path, _RATING)
    users = np.empty(len(lines), np.int64)
    items = np.empty(len(lines), np.int64)
    values = np.empty(len(lines), np.float64)
    times = np.empty(len(lines), np.int64)
    with_time = 0
    numbers = np.empty(len(lines), np.int64)
    for row, (number, text) in enumerate(lines):
        fields = _without_trailing_empty(text.split("\t"))
        numbers[row] = number
        if number == lines[0][0] and not any(c.isdigit() for c in fields[0]):
            raise DataFormatError("the first line looks like a header, which the format "
                                  "has not: delete it", file=file, line=number,
                                  expected=_RATING)
        if len(fields) not in (3, 4):
            raise DataFormatError(_fields_problem(fields, text, "3 or 4 tab-separated "
                                                  "fields (user, item, rating, timestamp)"),
                                  file=file, line=number, expected=_RATING)
        users[row] = _id(fields[0], "user id", file, number, _RATING)
        items[row] = _id(fields[1], "item id", file, number, _RATING)
        # the number rule of every loader: Python's float() also read '1_000' as 1000,
        # '\u0663' (an Arabic-Indic digit) as 3 and a no-break space beside a number, which
        # load_table refuses in a rating column
        value = float(fields[2]) if _DECIMAL.fullmatch(fields[2]) else None
        if value is None or not np.isfinite(value):
            # stripped of spaces and tabs only: a no-break space shown is the cause
            written = fields[2].strip(" \t")[:40]
            raise DataFormatError(f"rating {written!r} is not a finite number",
                                  file=file, line=number,
                                  expected=f"{_RATING}, and a rating in decimal digits "
                                           "(4, 3.5, 1e3)")
        values[row] = value
        if len(fields) == 4:
            times[row] = _id(fields[3], "timestamp", file, number, _RATING)
            with_time += 1
    if with_time and with_time != len(lines):
        first = next(n for (n, t) in lines if len(_without_trailing_empty(t.split("\t"))) == 3)
        raise DataFormatError(f"this line has no timestamp, but {counted(with_time, 'line')} "
                              f"of the file {'has' if with_time == 1 else 'have'} one; give "
                              "every line one or none",
                              file=file, line=first, expected=_RATING)
    return users, items, values, times if with_time else None, numbers


def _read_negatives(path: Path) -> tuple[dict[int, np.ndarray], dict[int, tuple[int, int]]]:
    """Negatives by user, and each user's (held-out item, line)."""
    file = str(path)
    negatives: dict[int, np.ndarray] = {}
    heads: dict[int, tuple[int, int]] = {}
    for number, text in _lines(path, _NEGATIVE):
        fields = text.split("\t")
        match = _PAIR.fullmatch(fields[0].strip())
        if match is None:
            hint = ("; the fields are separated by tabs, not spaces" if " " in
                    fields[0].strip() else "")
            raise DataFormatError(f"the line starts with {fields[0].strip()[:40]!r}, not the "
                                  f"held-out pair '(user,item)'{hint}", file=file, line=number,
                                  expected=_NEGATIVE)
        user = _id(match.group(1), "user id", file, number, _NEGATIVE)
        item = _id(match.group(2), "item id", file, number, _NEGATIVE)
        rest = _without_trailing_empty(fields[1:])
        if not rest:
            # the pair's own comma made this "the fields are separated by tabs, not spaces,
            # commas or semicolons", of a line that holds no other field at all
            raise DataFormatError(f"the line holds the held-out pair {fields[0].strip()} "
                                  "but no negative item id after it; give at least one, "
                                  "tab-separated (NCF's files hold 99)",
                                  file=file, line=number, expected=_NEGATIVE)
        if user in heads:
            raise DataFormatError(f"user {user} has a second line (its first is line "
                                  f"{heads[user][1]}); each test user has one line",
                                  file=file, line=number, expected=_NEGATIVE)
        negatives[user] = np.array([_id(f, "item id", file, number, _NEGATIVE)
                                    for f in rest], np.int64)
        heads[user] = (item, number)
    return negatives, heads


def _check_heads(heads: dict[int, tuple[int, int]], test: tuple[Any, ...],
                 files: dict[str, Path]) -> None:
    """Each negatives line names a test row, and each test user has a negatives line."""
    pairs = set(zip(test[0].tolist(), test[1].tolist(), strict=True))
    for user, (item, line) in heads.items():
        if (user, item) not in pairs:
            raise DataFormatError(
                f"the pair ({user},{item}) is no row of the test file {files['test'].name}; "
                "the line's negatives belong to that held-out pair", file=str(files["negative"]),
                line=line, expected=_NEGATIVE)
    for user, line in zip(test[0].tolist(), test[4].tolist(), strict=True):
        if user not in heads:
            raise DataFormatError(
                f"test user {user} has no line in {files['negative'].name}, so its held-out "
                "item has no negatives", file=str(files["test"]), line=line,
                expected="a negatives line for every test user")
