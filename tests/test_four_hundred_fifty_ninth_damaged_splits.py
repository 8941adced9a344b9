"""Graph-CF split files (``user item item ...`` per line) generated, then damaged the way real
files are, fed to ``load_adjacency_splits``.

Property: the loader either returns exactly the (user, item) pairs each file holds, as read
here with plain string splitting, and counts the held-out rows whose item or user training
never saw (never dropping them), or raises a :class:`RecstackError` whose message names the
damaged file and line. Damage that leaves the lists intact (a byte-order mark, CRLF or lone
CR line ends, blank lines, tabs beside spaces, no final line end) must be read.
"""

from __future__ import annotations

import os
import re
import warnings
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recstack.data.adjacency import load_adjacency_splits
from recstack.errors import DataFormatError, RecstackError

# RECSTACK_FUZZ_EXAMPLES=2000 hunts longer (the default keeps the file near 10 s)
EXAMPLES = int(os.environ.get("RECSTACK_FUZZ_EXAMPLES", "60"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

#: what real split files hold where an id belongs
TOKENS = ["1e3", "0x10", "+5", "\u0663", "1,000", "99999999999999999999999", "-7", '"3"',
          "5.0", "007", "9223372036854775807", "9223372036854775808", "\uff10", "a"]


@dataclass
class SplitFile:
    lines: list[str]
    line_end: str = "\n"
    bom: bool = False
    final_line_end: bool = True
    damaged_line: int | None = None   # 1-based; None: the lists are intact

    def render(self) -> bytes:
        text = self.line_end.join(self.lines) + (self.line_end if self.final_line_end else "")
        return (("\ufeff" if self.bom else "") + text).encode("utf-8", "surrogateescape")


@dataclass
class Split:
    files: dict[str, SplitFile] = field(default_factory=dict)
    damaged: str | None = None   # the part whose file holds the damage


def _lists(draw, users: list[int]) -> SplitFile:
    lines = []
    for user in users:
        items = draw(st.lists(st.integers(0, 30), min_size=1, max_size=5, unique=True))
        gap = draw(st.sampled_from([" ", " ", "\t", "  ", " \t"]))
        lines.append(gap.join(str(v) for v in [user, *items]))
    return SplitFile(lines)


@st.composite
def splits(draw) -> tuple[Split, str]:
    users = draw(st.lists(st.integers(0, 20), min_size=1, max_size=6, unique=True))
    split = Split({"train": _lists(draw, users)})
    if draw(st.booleans()):
        split.files["valid"] = _lists(draw, draw(st.lists(st.sampled_from(users), min_size=1,
                                                          max_size=3, unique=True)))
    # a held-out user training never saw, now and then
    test_users = draw(st.lists(st.sampled_from(users) | st.integers(21, 25), min_size=1,
                               max_size=4, unique=True))
    split.files["test"] = _lists(draw, test_users)
    part = draw(st.sampled_from(sorted(split.files)))
    target = split.files[part]
    target.bom = draw(st.booleans())   # a byte-order mark beside any other damage
    at = draw(st.integers(0, len(target.lines) - 1))
    tokens = target.lines[at].split()
    kind = draw(st.sampled_from([
        "bom", "crlf", "cr", "mixed_ends", "no_final_end", "blank_line", "spaces_line",
        "trailing_blanks", "truncated_last", "token", "user_again", "item_twice",
        "header", "non_utf8", "nul", "comma_separated"]))
    split.damaged = part
    if kind == "bom":
        target.bom = True
    elif kind == "crlf":
        target.line_end = "\r\n"
    elif kind == "cr":
        target.line_end = "\r"
    elif kind == "mixed_ends":
        target.lines[at] += "\r"
    elif kind == "no_final_end":
        target.final_line_end = False
    elif kind == "blank_line":
        target.lines.insert(at, "")
    elif kind == "spaces_line":
        target.lines.insert(at, draw(st.sampled_from([" ", "\t", " \t "])))
    elif kind == "trailing_blanks":
        target.lines[at] = " " + target.lines[at] + draw(st.sampled_from([" ", "\t", " \t"]))
    elif kind == "truncated_last":
        last = target.lines[-1]
        target.lines[-1] = last[:draw(st.integers(1, len(last)))]
        target.final_line_end = False
    elif kind == "token":
        token = draw(st.sampled_from(TOKENS))
        tokens[draw(st.integers(0, len(tokens) - 1))] = token
        target.lines[at] = " ".join(tokens)
        # an id that is one (007) may make its user the user of another line: that
        # later line is named
        target.damaged_line = None if token.isdigit() and token.isascii() else at + 1
    elif kind == "user_again":
        target.lines.append(f"{tokens[0]} {draw(st.integers(0, 30))}")
        target.damaged_line = len(target.lines)
    elif kind == "item_twice":
        if len(tokens) > 1:
            target.lines[at] += f" {tokens[1]}"
    elif kind == "header":
        target.lines.insert(0, "user_id items")
        target.damaged_line = 1
    elif kind in ("non_utf8", "nul"):
        tokens[draw(st.integers(0, len(tokens) - 1))] += "\udce9" if kind == "non_utf8" \
            else "\x00"
        target.lines[at] = " ".join(tokens)
        target.damaged_line = at + 1
    elif kind == "comma_separated":
        target.lines[at] = ",".join(tokens)
        target.damaged_line = at + 1 if len(tokens) > 1 else None
    return split, kind


# ------------------------------------------------------------------- the independent reading
class Refuse(Exception):
    """The reference reading finds the file malformed: the loader must refuse it."""


def reference_pairs(raw: bytes) -> set[tuple[int, int]]:
    """The (user, item) pairs of one split file, read with ``str.split`` and ``int``."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Refuse("not UTF-8") from error
    text = text.removeprefix("\ufeff")
    pairs: set[tuple[int, int]] = set()
    seen_users: set[int] = set()
    for line in re.split(r"\r\n|\r|\n", text):
        tokens = [t for t in re.split(r"[ \t]+", line) if t]
        if not tokens:
            continue
        if not all(t.isascii() and t.isdigit() and int(t) < 2**63 for t in tokens):
            raise Refuse(line)
        user = int(tokens[0])
        if user in seen_users:
            raise Refuse("a user on two lines")
        seen_users.add(user)
        pairs |= {(user, int(item)) for item in tokens[1:]}
    if not pairs:
        raise Refuse("no item")
    return pairs


def _pairs(part) -> set[tuple[int, int]]:
    users = part.users.to_external(part.user_index).tolist()
    items = part.items.to_external(part.item_index).tolist()
    return set(zip(users, items, strict=True))


@SETTINGS
@given(case=splits())
def test_damaged_split_files_are_read_exactly_or_refused_naming_file_and_line(tmp_path,
                                                                           case):
    split, kind = case
    for stale in tmp_path.glob("*.txt"):
        stale.unlink()
    raws = {part: f.render() for part, f in split.files.items()}
    for part, raw in raws.items():
        (tmp_path / f"{part}.txt").write_bytes(raw)
    try:
        expected: dict[str, set] | None = {p: reference_pairs(r) for p, r in raws.items()}
    except Refuse:
        expected = None
    target = split.files[split.damaged] if split.damaged else None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            loaded = load_adjacency_splits(tmp_path)
    except RecstackError as error:
        message = str(error)
        assert expected is None, f"intact lists ({kind}) refused: {message}"
        path = tmp_path / f"{split.damaged}.txt"
        assert str(path) in message, f"{kind}: the refusal does not name {path}: {message}"
        if target is not None and target.damaged_line is not None:
            assert f"{path}:{target.damaged_line}:" in message, (
                f"{kind}: the refusal does not name line {target.damaged_line}: {message}")
        return
    assert expected is not None, f"{kind}: a malformed split was read: {raws}"
    assert _pairs(loaded.train) == expected["train"]
    assert _pairs(loaded.test) == expected["test"]
    if "valid" in expected:
        assert loaded.valid is not None and _pairs(loaded.valid) == expected["valid"]
    # held-out rows of items or users training never saw are counted, not dropped
    known = {item for _, item in expected["train"]} | {
        item for _, item in expected.get("valid", set())}
    known_users = {user for user, _ in expected["train"]} | {
        user for user, _ in expected.get("valid", set())}
    assert loaded.report.test_cold_item_rows == sum(
        item not in known for _, item in expected["test"])
    assert loaded.report.test_cold_user_rows == sum(
        user not in known_users for user, _ in expected["test"])


# ------------------------------------------------------------- the first line after a BOM
@pytest.mark.parametrize(("line", "character"), [
    ("0 1 x 3", 5), ("0 1 2\x00 3", 6), ("0 1 2\u00a03", 6), ("0 -1 3", 3),
    ("\ufeff0 1", 1)])
def test_a_character_of_the_first_line_is_counted_after_the_byte_order_mark(
        tmp_path, line, character):
    """Before: the mark, blanked in place, counted as three characters, so that ``'x'`` of
    ``0 1 x 3`` was "character 8" in a file saved with a byte-order mark (5 without)."""
    (tmp_path / "train.txt").write_bytes(("\ufeff" + line + "\n1 2\n").encode())
    (tmp_path / "test.txt").write_bytes(b"1 3\n")
    with pytest.raises(DataFormatError) as caught:
        load_adjacency_splits(tmp_path)
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / 'train.txt'}:1: ")
    assert f"character {character})" in message or f"character {character}," in message
