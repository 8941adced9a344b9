"""Adjacency-list split files, the format of the graph-CF benchmarks (NGCF, LightGCN, GF-CF,
BSPM and LightGCN++ ship Gowalla, Yelp2018, Amazon-Book, MovieLens 1M and Last.fm this way).

Each split is one text file per part (``train.txt``, optionally ``valid.txt``,
``test.txt``) with one line per user::

    user item item item ...

user and item ids being non-negative integers separated by spaces; every listed pair is an
implicit positive. The rules of a line, as the benchmarks' loaders read their files:

- spaces and tabs separate ids, and a line ends at LF, CRLF or a lone CR; blank lines,
  surrounding spaces and an editor's byte-order mark are ignored; anything else (a sign,
  a point, a comma, a header line, another space such as U+00A0, a UTF-16 or UTF-32 file
  with or without its mark, a byte that is not UTF-8, a NUL byte) is refused naming the
  file and line, and the character or byte where it is one;
- a user has at most one line per file (a second line is refused at that line); the same
  user may have a line in each of train, valid and test: that is the protocol;
- an item listed twice on one line is read once, with a warning;
- a line holding a user and no item is read: the user joins the shared vocabulary with no
  row in that part (counted by the report's ``users_without_train`` when the part is
  train), but a file whose every line is so is refused (it lists no interaction);
- ids are integers, so ``007`` and ``7`` are one id: written both ways (in one file, or
  across the files) they are read as one with a :class:`~recstack.data.LookalikeIdWarning`.

:func:`load_adjacency_splits` reads the parts into :class:`Interactions` sharing one user
and one item vocabulary (the files' integers are the external ids), and reports what a model
cannot learn from: items and users that occur only in the validation or test file, and
held-out rows that repeat a training pair. Nothing is dropped: under the protocol these papers
use, recall divides by *all* of a user's test items, so such rows stay in the test part and
are only counted. :func:`union` gives the training rows of the refit step (train plus
validation).

The protocol (e.g. He et al., LightGCN, SIGIR 2020, section 4.1): tune on ``valid.txt``
with ``train.txt`` as training data; refit on ``train`` + ``valid``; rank the full catalog
for each test user with their training items masked; recall@20 = hits / |test items|,
nDCG@20 binary with the ideal over ``min(|test items|, 20)``.
"""

from __future__ import annotations

import codecs
import os
import re
import unicodedata
import warnings
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from recstack.atomic import describe_path
from recstack.data.files import (
    as_path,
    check_content,
    near_miss,
    not_a_file,
    warn_of_lookalike_ids,
)
from recstack.data.idmap import IdMap
from recstack.data.interactions import (
    Interactions,
    LookalikeIdWarning,
    caller_stacklevel,
    concat,
)
from recstack.errors import ConfigError, DataFormatError, counted
from recstack.specs import arguments_named, closest, did_you_mean

#: the parts of a split, in the order they are read, and their file names in a folder
PARTS: tuple[str, ...] = ("train", "valid", "test")
FILE_NAMES: dict[str, str] = {"train": "train.txt", "valid": "valid.txt", "test": "test.txt"}

_EXPECTED = "one user per line: 'user item item ...', non-negative integer ids separated by " \
            "spaces"
# uint64 holds every 19-digit number, so ids are built in it and then checked against
# int64 (whose largest value has 19 digits); a longer id is refused before that
_MAX_DIGITS = 19
_INT64_MAX = np.iinfo(np.int64).max
_UTF8_BOM = b"\xef\xbb\xbf"
_DIGIT_0, _DIGIT_9, _SPACE, _TAB, _CR, _LF, _MINUS = 48, 57, 32, 9, 13, 10, 45
#: what became of ids written two ways (``007`` and ``7``), and what to do
_READ_AS_ONE = ("the split files are read with one vocabulary of integers, so they were read "
                "as one id. If they are different ids, renumber them; if they are one id, "
                "write it one way (without leading zeros), or silence this with "
                "warnings.filterwarnings('ignore', category=recstack.data.LookalikeIdWarning)")


@dataclass(frozen=True)
class AdjacencyReport:
    """What the split files hold, and every row a model cannot learn from, by reason.

    Attributes
    ----------
    files
        Part name -> the file it was read from.
    users, items
        Sizes of the shared vocabularies (every id of every file).
    train_rows, valid_rows, test_rows
        Distinct (user, item) rows of each part (``valid_rows`` is 0 without a validation
        file).
    duplicate_rows
        Part name -> items listed twice on one line, read once (a positive is a positive).
    items_without_train
        Items of the vocabulary with no training row (they occur only in valid/test).
    users_without_train
        Users of the vocabulary with no training row (only in valid/test, or a line
        listing no items).
    valid_cold_item_rows, valid_cold_user_rows
        Validation rows whose item / user has no training row.
    test_cold_item_rows, test_cold_user_rows
        Test rows whose item / user has no row in train or valid (the refit's training
        data): no model trained under the protocol can rank them.
    valid_repeated_pair_rows, test_repeated_pair_rows
        Validation rows repeating a training pair; test rows repeating a train or valid
        pair. Evaluation masks training items, so these can never be hit.
    """

    files: dict[str, str]
    users: int
    items: int
    train_rows: int
    valid_rows: int
    test_rows: int
    duplicate_rows: dict[str, int] = field(default_factory=dict)
    items_without_train: int = 0
    users_without_train: int = 0
    valid_cold_item_rows: int = 0
    valid_cold_user_rows: int = 0
    test_cold_item_rows: int = 0
    test_cold_user_rows: int = 0
    valid_repeated_pair_rows: int = 0
    test_repeated_pair_rows: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        # counts and nouns in agreement ("1 users have no training rows" was written)
        lines = [f"adjacency-list split ({counted(self.users, 'user')}, "
                 f"{counted(self.items, 'item')})",
                 f"  train: {counted(self.train_rows, 'row')} ({self.files.get('train')})"]
        if "valid" in self.files:
            lines.append(f"  valid: {counted(self.valid_rows, 'row')} ({self.files['valid']})")
        lines.append(f"  test:  {counted(self.test_rows, 'row')} ({self.files.get('test')})")
        notes = [
            (self.items_without_train, "item occurs", "items occur",
             "only in valid/test (cold items)"),
            (self.users_without_train, "user has", "users have",
             "no training rows (cold users)"),
            (self.valid_cold_item_rows, "valid row has", "valid rows have",
             "an item with no training row"),
            (self.valid_cold_user_rows, "valid row has", "valid rows have",
             "a user with no training row"),
            (self.test_cold_item_rows, "test row has", "test rows have",
             "an item in neither train nor valid"),
            (self.test_cold_user_rows, "test row has", "test rows have",
             "a user in neither train nor valid"),
            (self.valid_repeated_pair_rows, "valid row repeats", "valid rows repeat",
             "a train (user, item) pair"),
            (self.test_repeated_pair_rows, "test row repeats", "test rows repeat",
             "a train or valid pair"),
        ]
        notes += [(count, "item listed", "items listed",
                   f"twice on one line of {part}, read once")
                  for part, count in self.duplicate_rows.items()]
        lines += [f"  note: {counted(count, one, many)} {rest}"
                  for count, one, many, rest in notes if count]
        return "\n".join(lines)


@dataclass(frozen=True)
class AdjacencySplits:
    """The parts of an adjacency-list split, sharing their vocabularies, and the report.

    ``valid`` is None when the split has no validation file. :meth:`refit_train` is the
    training data of the protocol's final step (train plus valid)."""

    train: Interactions
    valid: Interactions | None
    test: Interactions
    report: AdjacencyReport

    def refit_train(self) -> Interactions:
        """Train plus validation rows (each pair once), to refit on before the test."""
        return self.train if self.valid is None else union(self.train, self.valid)


@dataclass(frozen=True)
class _Lists:
    """One parsed file: the user of each non-empty line (and its 1-based line number), and
    the (user, item) rows in file order, repeats within a line removed."""

    line_users: np.ndarray
    line_numbers: np.ndarray
    row_users: np.ndarray
    row_items: np.ndarray
    duplicate_rows: int
    #: per role ("user", "item"): the spellings (value, leading zeros, 1-based line of the
    #: first) of every value the file writes with leading zeros somewhere; empty without
    spellings: dict[str, np.ndarray] = field(default_factory=dict)


@arguments_named
def load_adjacency_splits(source: str | Path | Mapping[str, str | Path]) -> AdjacencySplits:
    """Read an adjacency-list split into :class:`Interactions` sharing one vocabulary.

    Parameters
    ----------
    source
        A folder holding ``train.txt``, ``test.txt`` and optionally ``valid.txt``; or a
        mapping from part (``"train"``, ``"test"``, optionally ``"valid"``) to a file.

    Returns
    -------
    AdjacencySplits
        ``train``, ``valid`` (None without a validation file), ``test`` (values 1.0, no
        timestamps, rows ordered by user then item) and the :class:`AdjacencyReport`.

    Raises
    ------
    DataFormatError
        A missing file, a validation file named otherwise than ``valid.txt`` in a folder
        (``val.txt``, ``dev.txt``: it would be ignored), one file given as two parts, an
        empty file, or a malformed line
        (a token that is not a non-negative integer, an id too long for 64 bits, a user
        with a second line), naming the file and the line.

    Warns
    -----
    UserWarning
        An item listed twice on one line (read once, as the benchmarks' loaders read it),
        naming the file and the first such line.
    """
    files = _resolve_files(source)
    lists = {part: _read_lists(path) for part, path in files.items()}
    _warn_of_lookalikes_across_files(lists, files)
    parts = list(lists)
    # one vocabulary over every file; line heads included, so a user whose line lists no
    # item still belongs to it
    users, user_codes = IdMap.encode(np.concatenate(
        [lists[p].line_users for p in parts] + [lists[p].row_users for p in parts]))
    items, item_codes = IdMap.encode(np.concatenate([lists[p].row_items for p in parts]))
    offset_users = sum(len(lists[p].line_users) for p in parts)
    frames: dict[str, Interactions] = {}
    offset_items = 0
    for part in parts:
        n_rows = len(lists[part].row_items)
        row_users = user_codes[offset_users:offset_users + n_rows]
        row_items = item_codes[offset_items:offset_items + n_rows]
        offset_users += n_rows
        offset_items += n_rows
        frames[part] = _interactions(row_users, row_items, users, items)
    report = _report(frames, {p: str(files[p]) for p in parts},
                     {p: lists[p].duplicate_rows for p in parts})
    return AdjacencySplits(frames["train"], frames.get("valid"), frames["test"], report)


def union(*parts: Interactions) -> Interactions:
    """The rows of several parts sharing vocabularies, each (user, item) pair once, ordered
    by user then item (e.g. train plus valid for the protocol's refit step)."""
    if not parts:
        raise ConfigError("union: give at least one set of interactions")
    if len(parts) == 1 and isinstance(parts[0], list | tuple):
        # union([train, valid]): the parts are separate arguments (concat takes a list)
        raise ConfigError(f"union takes the parts as separate arguments, got one "
                          f"{type(parts[0]).__name__} of {len(parts[0])}; write "
                          "union(*parts) or union(train, valid)")
    # errors name union, the function called, not concat, which does the work
    return concat(list(parts), caller="union").deduplicate("first")


# ---------------------------------------------------------------------------- reading
def _resolve_files(source: str | Path | Mapping[str, str | Path]) -> dict[str, Path]:
    if isinstance(source, Mapping):
        # keys of any type (a path, a number) are named, not compared (sorting text and
        # numbers together raised a TypeError)
        unknown = sorted((part for part in source if part not in PARTS), key=repr)
        if unknown:
            near = did_you_mean(unknown[0], PARTS) if isinstance(unknown[0], str) else ""
            if not near and isinstance(unknown[0], str) and unknown[0].lower() in (
                    "val", "vali", "validation", "dev", "eval"):
                near = " (did you mean 'valid'?)"
            raise ConfigError(f"adjacency split: unknown part(s) {unknown}{near}; the parts "
                              f"are {', '.join(PARTS)}")
        files = {part: as_path(source[part], f"the {part} file")
                 for part in PARTS if part in source}
        missing = [part for part in ("train", "test") if part not in files]
        if missing:
            raise ConfigError(f"adjacency split: no file given for {', '.join(missing)} "
                              "(train and test are required, valid is optional)")
    else:
        folder = as_path(source, "source")
        if not folder.is_dir():
            what = (f"is {describe_path(folder)}, not a folder" if os.path.lexists(folder)
                    else "not a folder: nothing is there")
            raise DataFormatError(f"{what} (expected one holding train.txt, test.txt and "
                                  "optionally valid.txt)", file=str(folder))
        # a valid.txt that is a broken link is refused below like a missing test.txt, not
        # taken for no validation file
        files = {part: folder / name for part, name in FILE_NAMES.items()
                 if part != "valid" or os.path.lexists(folder / name)}
        _refuse_misnamed_parts(folder, files)
    for part, path in files.items():
        problem = not_a_file(path)
        if problem is not None:
            raise DataFormatError(f"the {part} file: {problem}", file=str(path))
    seen: dict[tuple[int, int], str] = {}
    for part, path in files.items():
        # one file as two parts: every held-out pair repeats a training pair, and the
        # evaluation measures nothing (its report only counted them)
        identity = (path.stat().st_dev, path.stat().st_ino)
        if identity in seen:
            raise DataFormatError(
                f"the {part} file is the {seen[identity]} file", file=str(path),
                expected="a different file for each part (train, valid, test)")
        seen[identity] = part
    return files


#: what a validation file is often called elsewhere; beside no valid.txt, such a file was
#: ignored without a word (no validation part: tuning carved one out of train, and the
#: refit left those rows out)
_OTHER_VALID_NAMES = ("val.txt", "vali.txt", "validation.txt", "dev.txt", "valid.txt")


def _refuse_misnamed_parts(folder: Path, files: dict[str, Path]) -> None:
    """Refuse a folder whose parts are named otherwise than :data:`FILE_NAMES`: a missing
    train or test file names the text files the folder does hold (else whatever it holds)
    and a near name (``tset.txt``), and a validation file under another name (``val.txt``,
    ``Valid.txt``) or misspelt (``vaild.txt``, ``valid.txt.txt``) is refused rather than
    ignored."""
    try:
        present = sorted(child.name for child in folder.iterdir())
    except OSError:
        return  # the files' own checks name what cannot be read
    texts = [name for name in present if name.lower().endswith((".txt", ".text"))]
    for part in ("train", "test"):
        if not os.path.lexists(files[part]):
            # with no text file, what is there ('train.txt.gz', 'train.csv') is named: "no
            # .txt file" alone did not say what the folder held instead
            held = ", ".join(texts[:8] or present[:8]) or "nothing"
            raise DataFormatError(
                f"the {part} file: no such file{near_miss(files[part])} (the folder holds: "
                f"{held})", file=str(files[part]),
                expected=f"{FILE_NAMES[part]}, as the graph-CF benchmarks name it")
    if "valid" not in files:
        # a misspelt validation file ('vaild.txt', 'valid.txt.txt') was ignored as
        # surely as 'val.txt' was: no validation part, without a word
        named = set(FILE_NAMES.values())
        other = [name for name in present if name.lower() in _OTHER_VALID_NAMES
                 or (name in texts and name not in named
                     and closest(name, [FILE_NAMES["valid"]], cutoff=0.8))]
        if other:
            raise DataFormatError(
                f"the folder holds {other[0]} but no {FILE_NAMES['valid']}, so {other[0]} "
                "would be ignored and no validation part read", file=str(folder),
                expected=f"the validation part named {FILE_NAMES['valid']} (rename it), or "
                         "no validation file")


def _read_lists(path: Path) -> _Lists:
    """Parse one file with whole-array operations: tokens are found from a mask of digit
    bytes and their values built digit by digit (at most 18 passes over the tokens), never
    by a Python loop over tokens or lines."""
    check_content(path, parquet=False, decompresses=False)  # compressed data, an archive
    raw = path.read_bytes()
    file = str(path)
    _refuse_other_encodings(raw, file)
    mark = len(_UTF8_BOM) if raw.startswith(_UTF8_BOM) else 0
    if mark:
        # an editor's byte-order mark, not content: blanked, so positions stay the same
        raw = b" " * mark + raw[mark:]
    data = np.frombuffer(raw, np.uint8)
    is_digit = (data >= _DIGIT_0) & (data <= _DIGIT_9)
    is_space = (data == _SPACE) | (data == _TAB) | (data == _CR) | (data == _LF)
    # a line ends at LF, CRLF or a lone CR (old Mac files), as text mode reads them
    lone_cr = (data == _CR) & (np.r_[data[1:], np.uint8(_SPACE)] != _LF)
    newlines = np.flatnonzero((data == _LF) | lone_cr)
    bad = np.flatnonzero(~(is_digit | is_space))
    if len(bad):
        _refuse_token(raw, int(bad[0]), newlines, file, mark)
    if not is_digit.any():
        raise DataFormatError("the file is empty (no user line)", file=file,
                              expected=_EXPECTED)
    before = np.r_[False, is_digit[:-1]]
    after = np.r_[is_digit[1:], False]
    starts = np.flatnonzero(is_digit & ~before)
    lengths = np.flatnonzero(is_digit & ~after) + 1 - starts
    token_lines = np.searchsorted(newlines, starts)  # 0-based line of each token
    # leading zeros carry no value (0007 is 7): skipped, the last digit always kept
    significant_at = np.r_[np.flatnonzero(data != _DIGIT_0), len(data)]
    first_significant = significant_at[np.searchsorted(significant_at, starts)]
    leading = np.minimum(first_significant - starts, lengths - 1)
    starts, lengths = starts + leading, lengths - leading
    values = np.zeros(len(starts), np.uint64)
    for position in range(min(int(lengths.max()), _MAX_DIGITS)):
        more = lengths > position
        values[more] = values[more] * np.uint64(10) + (data[starts[more] + position]
                                                       - _DIGIT_0).astype(np.uint64)
    too_large = np.flatnonzero((lengths > _MAX_DIGITS) | (values > _INT64_MAX))
    if len(too_large):
        first = too_large[0]
        token = raw[starts[first]:starts[first] + lengths[first]].decode()
        raise DataFormatError(f"id {token} is too large for a 64-bit integer (the largest is "
                              f"{_INT64_MAX})", file=file, line=int(token_lines[first]) + 1,
                              expected=_EXPECTED)
    values = values.astype(np.int64)
    heads = np.r_[True, token_lines[1:] != token_lines[:-1]]
    spellings: dict[str, np.ndarray] = {}
    if leading.any():
        for role, mask in (("user", heads), ("item", ~heads)):
            _warn_of_lookalike_ids(raw, starts - leading, lengths + leading, leading, values,
                                   np.flatnonzero(mask), token_lines, role, file)
            spellings[role] = _padded_spellings(values[mask], leading[mask],
                                                token_lines[mask] + 1)
    line_users = values[heads]
    line_numbers = token_lines[heads] + 1
    _refuse_repeated_users(line_users, line_numbers, file)
    tokens_per_line = np.diff(np.r_[np.flatnonzero(heads), len(values)])
    row_users = np.repeat(line_users, tokens_per_line - 1)
    row_items = values[~heads]
    if not len(row_items):
        raise DataFormatError("no line lists an item: every line holds a user id alone",
                              file=file, expected=_EXPECTED)
    # repeats within a line: the first of each (user, item) pair is kept, in file order
    pair_order = np.lexsort((row_items, row_users))
    repeated = np.zeros(len(row_items), bool)
    same = ((row_users[pair_order][1:] == row_users[pair_order][:-1])
            & (row_items[pair_order][1:] == row_items[pair_order][:-1]))
    repeated[pair_order[1:][same]] = True
    if repeated.any():
        _warn_repeated_items(row_users, row_items, repeated, line_users, line_numbers, file)
    return _Lists(line_users, line_numbers, row_users[~repeated], row_items[~repeated],
                  int(repeated.sum()), spellings)


def _refuse_other_encodings(raw: bytes, file: str) -> None:
    """Refuse text in UTF-16 or UTF-32, with or without a byte-order mark, by its name: a
    UTF-32 file was "UTF-16 text", and one without its mark "'1\\x00' is not an integer
    id". (Other NUL bytes are named by :func:`_refuse_token`.)"""
    for marks, name in (((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE), "UTF-32"),
                        ((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE), "UTF-16")):
        if raw.startswith(marks):  # UTF-32 first: its little-endian mark begins with UTF-16's
            raise DataFormatError(f"the file is {name} text (it starts with a {name} "
                                  "byte-order mark); save it as ASCII or UTF-8", file=file,
                                  expected=_EXPECTED)
    if b"\x00" not in raw:
        return
    head = raw[:4096]
    for width, name, zeros in ((4, "UTF-32", "three bytes of every four are"),
                               (2, "UTF-16", "every other byte is")):
        # ids and spaces are ASCII: in UTF-16/32 every character but one byte of it is 0
        chunks = len(head) // width
        if not chunks:
            continue
        cells = np.frombuffer(head[:chunks * width], np.uint8).reshape(chunks, width)
        for column in (0, width - 1):  # little- and big-endian
            zero = np.ones(width, bool)
            zero[column] = False
            if (cells[:, zero] == 0).mean() > 0.9 and (cells[:, column] != 0).mean() > 0.9:
                raise DataFormatError(
                    f"the file looks like {name} text without a byte-order mark ({zeros} "
                    "0); save it as ASCII or UTF-8", file=file,
                    expected=_EXPECTED)


def _padded_spellings(values: np.ndarray, leading: np.ndarray, lines: np.ndarray
                      ) -> np.ndarray:
    """Rows (value, leading zeros, first line) of each way the file writes a value that it
    writes with leading zeros at least once (``007`` and, if there, ``7``)."""
    padded = np.isin(values, values[leading > 0])
    table = np.stack([values[padded], leading[padded], lines[padded]])
    return table[:, _distinct(table[0], table[1], table[2])]


def _distinct(*keys: np.ndarray) -> np.ndarray:
    """The positions of the distinct rows of the first two ``keys`` (the earliest by the
    third, if given), sorted by them: np.unique(axis=1) sorted rows as records, several
    times slower on a file of a million tokens."""
    order = np.lexsort(keys[::-1])
    first, second = keys[0][order], keys[1][order]
    new = np.ones(len(order), bool)
    new[1:] = (first[1:] != first[:-1]) | (second[1:] != second[:-1])
    return order[new]


def _warn_of_lookalikes_across_files(lists: dict[str, _Lists], files: dict[str, Path]
                                     ) -> None:
    """Warn (:class:`~recstack.data.LookalikeIdWarning`) where one id is written with
    leading zeros in one file and otherwise in another (``02`` in train.txt, ``2`` in
    test.txt): the files are read with one vocabulary of integers, so they are one id.
    Each file warns of its own (:func:`_warn_of_lookalike_ids`); ids written twice within
    one file are left to that warning. Nothing is done when no file has a leading zero."""
    parts = list(lists)
    for role in ("user", "item"):
        records = {part: got.spellings[role] for part, got in lists.items()
                   if role in got.spellings}
        if not records:
            continue
        padded = np.unique(np.concatenate([r[0][r[1] > 0] for r in records.values()]))
        rows = []  # columns (value, leading zeros, part number, line)
        for number, (part, got) in enumerate(lists.items()):
            known = records.get(part, np.zeros((3, 0), np.int64))
            # a value of the padded set this file writes only plainly: its first line
            held = got.line_users if role == "user" else got.row_items
            plain = padded[np.isin(padded, held) & ~np.isin(padded, known[0])]
            if role == "user":
                owners = plain
            else:  # the user of the item's first row (rows are in file order)
                seen, first = np.unique(got.row_items, return_index=True)
                owners = got.row_users[first[np.searchsorted(seen, plain)]]
            heads = np.argsort(got.line_users, kind="stable")  # one line per user
            lines = got.line_numbers[heads[np.searchsorted(got.line_users[heads], owners)]]
            for values, leading, at in ((known[0], known[1], known[2]),
                                        (plain, np.zeros(len(plain), np.int64), lines)):
                rows.append(np.stack([values, leading, np.full(len(values), number), at]))
        table = np.concatenate(rows, axis=1)  # value, leading, part, line
        # values written more than one way, less those written two ways within one file
        # (that file's own warning named them)
        spellings = table[0][_distinct(table[0], table[1])]  # a value per way it is written
        values, ways = np.unique(spellings, return_counts=True)
        if not (ways > 1).any():
            continue  # each value written one way in every file (0007 throughout)
        # the ways each (value, file) is written: file * 64 + leading zeros (at most 18)
        candidates = np.flatnonzero(np.isin(table[0], values[ways > 1]))
        kept = candidates[_distinct(table[0][candidates],
                                    table[2][candidates] * 64 + table[1][candidates])]
        pair_value, pair_file = table[0][kept], table[2][kept]
        starts = np.flatnonzero(np.r_[True, (pair_value[1:] != pair_value[:-1])
                                      | (pair_file[1:] != pair_file[:-1])])
        runs = np.diff(np.r_[starts, len(kept)])
        written_twice_in_a_file = pair_value[starts][runs > 1]
        across = np.setdiff1d(values[ways > 1], written_twice_in_a_file)
        if not len(across):
            continue
        own = table[:, table[0] == across[0]]
        own = own[:, np.lexsort((own[3], own[2]))]  # in file order
        first, other = own[:, 0], own[:, np.flatnonzero(own[1] != own[1][0])[0]]
        places = []
        for row in (first, other):
            text = "0" * int(row[1]) + str(int(row[0]))
            places.append(f"{text!r} ({files[parts[int(row[2])]].name}, line {int(row[3])})")
        warnings.warn(
            f"{', '.join(str(files[p]) for p in parts)}: {role} ids: {len(across):,} id(s) are "
            f"written one way in one file and another way in another, e.g. {places[0]} and "
            f"{places[1]}; {_READ_AS_ONE.replace('one way', 'one way in every file')}",
            LookalikeIdWarning, stacklevel=caller_stacklevel())


def _warn_of_lookalike_ids(raw: bytes, starts: np.ndarray, lengths: np.ndarray,
                           leading: np.ndarray, values: np.ndarray, tokens: np.ndarray,
                           token_lines: np.ndarray, role: str, file: str) -> None:
    """Warn (:class:`~recstack.data.LookalikeIdWarning`, by the rule of every loader that
    reads ids as text) where one id of ``role`` is written with leading zeros and also
    otherwise (``007`` and ``7``): the ids are integers, so they were read as one id.
    ``tokens``: the positions of that role's tokens; ``starts``/``lengths`` span each
    token with its zeros. Ids padded alike throughout (``0007`` only) are not warned of."""
    role_values, role_leading = values[tokens], leading[tokens]
    padded = np.unique(role_values[role_leading > 0])
    if not len(padded):
        return
    candidates = np.isin(role_values, padded)
    spellings = np.unique(np.stack([role_values[candidates], role_leading[candidates]]),
                          axis=1)
    written_twice = padded[np.bincount(np.searchsorted(padded, spellings[0]),
                                       minlength=len(padded)) > 1]
    if not len(written_twice):
        return
    chosen = tokens[np.isin(role_values, written_twice)]
    texts = pa.array([raw[starts[t]:starts[t] + lengths[t]].decode("ascii") for t in chosen],
                     pa.string())

    def fail_at(index: int, name: str, message: str, wanted: str) -> DataFormatError:
        return DataFormatError(message.format(text=texts[index].as_py()), file=file,
                               line=int(token_lines[chosen[index]]) + 1)

    # a file of integers only, which load_table cannot read: in the words of the warning
    # across files (it said "column 'item'" and "read the file with load_table")
    warn_of_lookalike_ids(texts, role, fail_at, file, read_as_integers=True,
                          subject=f"{role} ids", kept=_READ_AS_ONE)


def _warn_repeated_items(row_users: np.ndarray, row_items: np.ndarray, repeated: np.ndarray,
                         line_users: np.ndarray, line_numbers: np.ndarray, file: str) -> None:
    """Warn, at the first line concerned, that items listed twice on a line are read once:
    the benchmarks' loaders build a set of each user's items, so the split stays usable,
    but a file that repeats items was not written by them (or was edited)."""
    first = int(np.argmax(repeated))
    user, item = int(row_users[first]), int(row_items[first])
    line = int(line_numbers[np.flatnonzero(line_users == user)[0]])
    count = int(repeated.sum())
    others = f"{count:,} repeats in the file, " if count > 1 else ""
    warnings.warn(f"{file}:{line}: item {item} is listed twice on user {user}'s line; read "
                  f"once, as the graph-CF benchmarks' loaders do ({others}counted in the "
                  "report's duplicate_rows)", UserWarning, stacklevel=caller_stacklevel())


def _refuse_token(raw: bytes, position: int, newlines: np.ndarray, file: str, mark: int = 0
                  ) -> None:
    """Raise a DataFormatError naming the line and the token that holds byte ``position``;
    ``mark``: the bytes of a byte-order mark blanked at the start of ``raw``."""
    line = int(np.searchsorted(newlines, position)) + 1
    # the first line's characters are counted after the mark, which no editor shows: they
    # were counted from the blanks that replace it, three too many ('x' of '0 1 x' was
    # character 8)
    line_start = int(newlines[line - 2]) + 1 if line > 1 else mark
    line_end = int(newlines[line - 1]) if line - 1 < len(newlines) else len(raw)
    # only the separators the format knows split tokens (str.split would also split at a
    # vertical tab or a no-break space, the very bytes refused here)
    text = raw[line_start:line_end].decode("utf-8", errors="replace")
    tokens = [t for t in re.split(r"[ \t\r]+", text) if t]
    token = next((t for t in tokens if not t.isdigit() or not t.isascii()), text)
    character = len(raw[line_start:position].decode("utf-8", errors="replace")) + 1
    undecodable = _first_undecodable(raw[line_start:line_end])
    if raw[position] == 0:
        # a NUL was shown inside a token ('2\x00' is not an integer id), as if mistyped
        raise DataFormatError(f"holds a NUL byte (code 0) at character {character}, which no "
                              "text file does: binary data, not an adjacency list",
                              file=file, line=line, expected=_EXPECTED)
    if undecodable is not None:
        # a byte of another encoding (latin-1's e-acute) was shown as the replacement
        # character '\ufffd', a character the file does not hold
        at = line_start + undecodable
        character = len(raw[line_start:at].decode("utf-8", errors="replace")) + 1
        raise DataFormatError(f"byte 0x{raw[at]:02X} (character {character}) is not UTF-8 "
                              "text: the file is in another encoding (such as latin-1) or is "
                              "not text; save it as ASCII or UTF-8", file=file, line=line,
                              expected=_EXPECTED)
    odd = raw[position:position + 4].decode("utf-8", errors="ignore")[:1]
    if odd.isspace() or odd == "\ufeff":
        # a no-break space, a vertical tab or a byte-order mark inside the file was shown as
        # part of a token ('1\xa02' is not an integer id), as if the ids were mistyped
        name = unicodedata.name(odd, "") or {"\x0b": "VERTICAL TAB", "\x0c": "FORM FEED",
                                             "\x1c": "FILE SEPARATOR", "\x1d": "GROUP "
                                             "SEPARATOR", "\x1e": "RECORD SEPARATOR",
                                             "\x1f": "UNIT SEPARATOR", "\x85": "NEXT LINE"
                                             }.get(odd, "a control character")
        what = ("is a byte-order mark, which belongs only at the start of a file (two files "
                "joined?)" if odd == "\ufeff" else "does not separate ids: only spaces and "
                "tabs do, and a line ends at LF, CRLF or CR")
        raise DataFormatError(f"{token[:40]!r} is not an integer id (character {character}): "
                              f"U+{ord(odd):04X} ({name.lower()}) {what}", file=file,
                              line=line, expected=_EXPECTED)
    if token.startswith("-") and token[1:].isdigit():
        message = f"negative id {token}"
    else:
        message = f"{token[:40]!r} is not an integer id"
    hint = ""
    if "," in token or ";" in token:
        hint = "; the ids are separated by spaces, not commas or semicolons"
    elif line == 1 and tokens and not any(c.isdigit() for c in tokens[0]):
        # a first line of words, 'user items': a header, which the format has none of
        hint = "; the first line looks like a header, which the format has not: delete it"
    raise DataFormatError(f"{message} (character {character}){hint}", file=file, line=line,
                          expected=_EXPECTED)


def _first_undecodable(line: bytes) -> int | None:
    """The offset in ``line`` of its first byte that is not UTF-8, or None."""
    try:
        line.decode("utf-8")
    except UnicodeDecodeError as error:
        return error.start
    return None


def _refuse_repeated_users(line_users: np.ndarray, line_numbers: np.ndarray, file: str
                           ) -> None:
    """A user on two lines is refused at the later line (whose items would otherwise be
    merged silently, hiding e.g. two files concatenated)."""
    order = np.argsort(line_users, kind="stable")
    again = np.flatnonzero(line_users[order][1:] == line_users[order][:-1])
    if len(again):
        later = order[again + 1]
        first_repeat = later[np.argmin(line_numbers[later])]
        earlier = order[again[np.argmin(line_numbers[later])]]
        raise DataFormatError(
            f"user {int(line_users[first_repeat])} has a second line (its first is line "
            f"{int(line_numbers[earlier])}); each user must be listed on one line",
            file=file, line=int(line_numbers[first_repeat]), expected=_EXPECTED)


def _interactions(row_users: np.ndarray, row_items: np.ndarray, users: IdMap, items: IdMap
                  ) -> Interactions:
    order = np.lexsort((row_items, row_users))
    return Interactions(row_users[order].astype(np.int32), row_items[order].astype(np.int32),
                        np.ones(len(order), np.float32), None, users, items)


# ---------------------------------------------------------------------------- the report
def _report(frames: dict[str, Interactions], files: dict[str, str],
            duplicates: dict[str, int]) -> AdjacencyReport:
    train, valid, test = frames["train"], frames.get("valid"), frames["test"]
    n_users, n_items = len(train.users), len(train.items)
    train_items = np.bincount(train.item_index, minlength=n_items) > 0
    train_users = np.bincount(train.user_index, minlength=n_users) > 0
    known_items, known_users = train_items.copy(), train_users.copy()
    counts: dict[str, int] = {}
    if valid is not None:
        counts["valid_cold_item_rows"] = int((~train_items[valid.item_index]).sum())
        counts["valid_cold_user_rows"] = int((~train_users[valid.user_index]).sum())
        counts["valid_repeated_pair_rows"] = _repeated_pairs(valid, [train])
        known_items[valid.item_index] = True
        known_users[valid.user_index] = True
    counts["test_cold_item_rows"] = int((~known_items[test.item_index]).sum())
    counts["test_cold_user_rows"] = int((~known_users[test.user_index]).sum())
    counts["test_repeated_pair_rows"] = _repeated_pairs(
        test, [train] if valid is None else [train, valid])
    return AdjacencyReport(
        files=files, users=n_users, items=n_items, train_rows=len(train),
        valid_rows=0 if valid is None else len(valid), test_rows=len(test),
        duplicate_rows=duplicates, items_without_train=int((~train_items).sum()),
        users_without_train=int((~train_users).sum()), **counts)


def _repeated_pairs(part: Interactions, earlier: list[Interactions]) -> int:
    """Rows of ``part`` whose (user, item) pair is also in one of ``earlier``."""
    n_items = np.int64(len(part.items))
    keys = np.unique(np.concatenate([p.user_index.astype(np.int64) * n_items + p.item_index
                                     for p in earlier]))
    mine = part.user_index.astype(np.int64) * n_items + part.item_index
    return int(np.isin(mine, keys, assume_unique=False).sum())
