"""A seeded mutation fuzzer of experiment files and data files, run through the CLI.

Each mutant is one realistic mistake in a small working experiment (a key deleted, repeated
or misspelt, a value of another type, a truncated file, a stray non-UTF-8 byte; for the
data CSV a dropped column, another delimiter, text in a number column...). It is run
in-process through ``recstack.cli.main`` in a folder of its own, and the run must end as the
README promises for a user's mistake: no traceback, and for a file that cannot be right a
non-zero status with one line naming the file, without any output left behind.

Whether a mutant is certainly wrong is decided without recstack: TOML that ``tomllib``
cannot read, an unknown key or table, a quoted number, a true/false or a table where a
number belongs, ``nan``; a CSV without rows, without its user or item column, or with text
in its rating or time column. Mutants that may be right (a key deleted that has a default,
a file cut at a line's end) are only required not to crash.

``python tests/test_round54_p_fuzz_cli.py N SEED`` runs N mutants outside pytest and prints
each finding, for a longer search than the bounded test below.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import os
import random
import re
import shutil
import signal
import sys
import tomllib
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# small enough that an accepted mutant runs in well under a second once imported
SYNTHETIC_EXPERIMENT = """\
name = "baselines"
seed = 0

[data]
source = "synthetic:n_users=40,n_items=30,n_interactions=500,seed=1"

[[filters]]
type = "k_core"
user_min = 2
item_min = 2

[split]
method = "random"
test_fraction = 0.2

[evaluation]
metrics = ["precision", "recall", "ndcg", "auc", "coverage"]
ks = [5, 10]
relevance_threshold = 4.0

[[models]]
type = "most_popular"

[[models]]
type = "random"
seed = 0

[tune]
model = "most_popular"
metric = "ndcg@10"
trials = 2
"""

CSV_EXPERIMENT = """\
name = "csvrun"
seed = 0

[data]
source = "log.csv"

[split]
method = "random"
test_fraction = 0.2

[evaluation]
metrics = ["recall", "ndcg"]
ks = [5]

[[models]]
type = "most_popular"

[[models]]
type = "item_knn"
"""

TUNED_KNN_EXPERIMENT = """\
name = "knn"
seed = 3

[data]
source = "log.csv"

[split]
method = "leave_last_out"

[evaluation]
metrics = ["recall", "ndcg", "hit_rate"]
ks = [3, 5]

[[models]]
type = "item_knn"
label = "knn"
neighbors = 10
shrink = 5.0

[tune]
model = "knn"
metric = "recall@5"
trials = 2
seed = 1

[tune.space]
neighbors = { type = "int", low = 2, high = 20 }
"""

TEMPORAL_EXPERIMENT = """\
name = "temporal"
seed = 5

[data]
source = "log.csv"
separator = ","
rating_range = [1, 5]

[[filters]]
type = "time_window"
start = 1600000000
end = "2020-12-31"

[[filters]]
type = "deduplicate"
policy = "last"

[[filters]]
type = "min_value"
threshold = 2

[split]
method = "temporal"
cutoff = 2020-09-13T13:40:00Z

[evaluation]
protocol = "sampled"
n_negatives = 10
ks = [5]

[[models]]
type = "ease"
label = "ease"
regularization = 50.0
binary = true

[[models]]
type = "user_knn"

[report]
html = true
projection = "none"
max_points = 50
"""

KFOLD_EXPERIMENT = """\
name = "folds"
output = "kfold_out"

[data]
source = "log.csv"

[split]
method = "kfold"
k = 3
stratify = "user"
seed = 2

[evaluation]
metrics = ["recall", "ndcg", "gini"]
ks = [4]
graded = true
batch_size = 8
n_threads = 1

[[models]]
type = "most_popular"

[[models]]
type = "rp3beta"
neighbors = 8
"""

EXPERIMENTS = {"exp.toml": SYNTHETIC_EXPERIMENT, "csvexp.toml": CSV_EXPERIMENT,
               "knn.toml": TUNED_KNN_EXPERIMENT, "temporal.toml": TEMPORAL_EXPERIMENT,
               "kfold.toml": KFOLD_EXPERIMENT}
#: the experiments that read log.csv, with the data CSV's mutants
CSV_READERS = ("csvexp.toml", "knn.toml", "temporal.toml", "kfold.toml")
CSV_HEADER = ("user_id", "item_id", "rating", "timestamp")


def interaction_log() -> str:
    """30 users with 8 distinct items each, ratings 1-5, strictly increasing times."""
    rng = random.Random(0)
    rows = [",".join(CSV_HEADER)]
    time = 1_600_000_000
    for user in range(30):
        for item in rng.sample(range(25), 8):
            time += 37
            rows.append(f"{user},{item},{rng.randint(1, 5)},{time}")
    return "\n".join(rows) + "\n"


# every key and table name the files use: a misspelling must land outside them
KNOWN_NAMES = {"name", "seed", "data", "source", "filters", "type", "user_min", "item_min",
               "split", "method", "test_fraction", "evaluation", "metrics", "ks",
               "relevance_threshold", "models", "tune", "model", "metric", "trials",
               "label", "neighbors", "shrink", "space", "low", "high", "output", "separator",
               "rating_range", "start", "end", "policy", "threshold", "cutoff", "protocol",
               "n_negatives", "regularization", "binary", "report", "html", "projection",
               "max_points", "k", "stratify", "graded", "batch_size", "n_threads"}
#: whole-number settings (a float, 1e300, nan, text or a table there is wrong)
INTEGER_KEYS = {"seed", "user_min", "item_min", "trials", "neighbors", "n_negatives",
                "max_points", "k", "batch_size", "n_threads"}
#: settings that must be > 0 (0 and negatives are wrong)
POSITIVE_KEYS = {"trials", "neighbors", "test_fraction", "n_negatives", "max_points", "k",
                 "batch_size", "n_threads", "regularization"}
#: settings that refuse a negative value but may be 0
NON_NEGATIVE_KEYS = {"seed", "user_min", "item_min", "shrink"}
#: text settings: a number, a true/false, a list or a table there is wrong
TEXT_KEYS = {"name", "source", "type", "method", "model", "metric", "label", "output",
             "separator", "policy", "protocol", "projection", "stratify"}
#: true/false settings: text, a number, a list or a table there is wrong
BOOL_KEYS = {"binary", "html", "graded"}
#: times (Unix seconds, a date, quoted or bare): only a true/false, a list, a table or
#: nan is certainly wrong
TIME_KEYS = {"start", "end", "cutoff"}
#: numbers whose every finite value may be right (a threshold below every rating)
ANY_NUMBER_KEYS = {"relevance_threshold", "threshold"}


KEY_LINE = re.compile(r"^(?P<key>[A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?P<value>.*)$")
TABLE_LINE = re.compile(r"^(?P<open>\[\[?)(?P<name>[A-Za-z_.]+)(?P<close>\]\]?)\s*$")


@dataclasses.dataclass
class Mutant:
    """One mistaken input: the files of its folder, the command to run and what is known."""

    kind: str
    files: dict[str, bytes]
    argv: list[str]
    certainly_invalid: bool
    #: the file the mistake is in, which the error line must name
    mistaken_file: str
    description: str


def _misspell(name: str, rng: random.Random) -> str:
    """A typo a person makes: two letters swapped, one dropped, doubled or in capitals."""
    for _ in range(20):
        chars = list(name)
        position = rng.randrange(len(chars))
        how = rng.choice(("swap", "drop", "double", "case"))
        if how == "swap" and len(chars) > 1:
            position = min(position, len(chars) - 2)
            chars[position], chars[position + 1] = chars[position + 1], chars[position]
        elif how == "drop" and len(chars) > 2:
            del chars[position]
        elif how == "double":
            chars.insert(position, chars[position])
        else:
            chars[position] = chars[position].swapcase()
        typo = "".join(chars)
        if typo != name and typo not in KNOWN_NAMES and not typo.startswith("."):
            return typo
    return name + "x"


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _value_mutations(key: str, value: str) -> list[tuple[str, str, bool]]:
    """``(label, new value, certainly invalid)`` for each retyping of ``key = value``."""
    is_list = value.startswith("[")
    is_table = value.startswith("{")
    is_text = value.startswith('"')
    number = None if is_list or is_table or is_text else _number(value)
    plain = value.strip('"')
    numeric = key in INTEGER_KEYS | POSITIVE_KEYS | NON_NEGATIVE_KEYS | ANY_NUMBER_KEYS
    not_a_number = key in TEXT_KEYS | BOOL_KEYS or key in ("ks", "metrics", "rating_range")
    exact_number = key not in TIME_KEYS  # a time may be text or a number
    mutations = [
        ("text", f'"{plain}"' if not is_text else '"abc"',
         (numeric or is_list or key in BOOL_KEYS) and exact_number),
        ("bool", "false" if value == "true" else "true", key not in BOOL_KEYS),
        ("list", f"[{value}]", not is_list and key != "source"),
        ("inline_table", f"{{ value = {value} }}", not is_table),
        ("float", "1.5" if number is None else (plain + ".0" if "." not in plain else plain
                                                + "5"),
         key in INTEGER_KEYS or not_a_number),
        # -0 is 0: a zero's negative is -1
        ("negative", "-1" if not number else ("-" + plain),
         key in POSITIVE_KEYS | NON_NEGATIVE_KEYS or not_a_number),
        ("zero", "0", key in POSITIVE_KEYS or not_a_number),
        ("huge", "1e300", key in INTEGER_KEYS or not_a_number or key == "test_fraction"),
        ("nan", "nan", True),
        ("inf", "inf", key not in ANY_NUMBER_KEYS),
        ("minus_inf", "-inf", key not in ANY_NUMBER_KEYS),
    ]
    if is_list:
        # a list's element retyped: [5, "10"], [5, 1e300]
        inner = [part.strip() for part in value.strip("[]").split(",")]
        last = inner[-1]
        for label, new, _ in list(mutations):
            if label in ("list", "inline_table"):
                continue
            if key == "metrics":
                bad_element = True  # no metric is named by a number or a boolean
            elif key == "ks":
                bad_element = True  # a K is a whole number >= 1 of at most 10000
            else:  # a rating range's end may be any finite number
                bad_element = label in ("text", "bool", "nan")
            mutations.append((f"element_{label}",
                              "[" + ", ".join([*inner[:-1], new]) + "]",
                              bad_element and new != last))
    return [mutation for mutation in mutations if mutation[1] != value]


def _toml_structure(text: str) -> tuple[list[str], list[int], list[int]]:
    lines = text.splitlines(keepends=True)
    key_lines = [number for number, line in enumerate(lines) if KEY_LINE.match(line.strip())]
    table_lines = [number for number, line in enumerate(lines)
                   if TABLE_LINE.match(line.strip())]
    return lines, key_lines, table_lines


def _table_extent(lines: list[str], start: int) -> int:
    end = start + 1
    while end < len(lines) and not TABLE_LINE.match(lines[end].strip()):
        end += 1
    return end


def _is_readable_toml(data: bytes) -> bool:
    try:
        tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    return True


def mutate_experiment(name: str, text: str, rng: random.Random) -> tuple[str, bytes, bool, str]:
    """One mistake in the experiment file ``name``: (kind, bytes, certainly invalid, what)."""
    lines, key_lines, table_lines = _toml_structure(text)
    kind = rng.choice(("delete_key", "delete_table", "repeat_key", "repeat_table",
                       "misspell_key", "misspell_table", "wrong_brackets", "retype",
                       "retype", "retype", "truncate", "non_utf8"))
    certain = False
    what = ""
    if kind in ("delete_key", "repeat_key", "misspell_key", "retype"):
        number = rng.choice(key_lines)
        match = KEY_LINE.match(lines[number].strip())
        assert match is not None
        key, value = match["key"], match["value"]
        table = next((lines[t].strip() for t in reversed(table_lines) if t < number), "top")
        what = f"{table} {key} = {value}"
        if kind == "delete_key":
            del lines[number]
            # a source, a model's type, a model's only label the [tune] table names
            certain = key in ("source", "type") or (key == "label" and "[tune]" in text)
        elif kind == "repeat_key":
            lines.insert(number + 1, lines[number])
            certain = True
        elif kind == "misspell_key":
            lines[number] = lines[number].replace(key, _misspell(key, rng), 1)
            certain = True
        else:
            label, new_value, certain = rng.choice(_value_mutations(key, value))
            kind = f"retype_{label}"
            lines[number] = f"{key} = {new_value}\n"
            what += f" -> {new_value}"
    elif kind in ("delete_table", "repeat_table", "misspell_table", "wrong_brackets"):
        start = rng.choice(table_lines)
        header = lines[start].strip()
        end = _table_extent(lines, start)
        what = header
        if kind == "delete_table":
            del lines[start:end]
            certain = header == "[data]" or (header == "[[models]]"
                                            and text.count("[[models]]") == 1)
        elif kind == "repeat_table":
            lines[end:end] = ["\n", *lines[start:end]]
            certain = not header.startswith("[[")  # a second [[filters]] may be right
        elif kind == "misspell_table":
            match = TABLE_LINE.match(header)
            assert match is not None
            parts = match["name"].split(".")
            index = rng.randrange(len(parts))
            parts[index] = _misspell(parts[index], rng)
            lines[start] = f"{match['open']}{'.'.join(parts)}{match['close']}\n"
            certain = True
            what += " -> " + lines[start].strip()
        else:
            lines[start] = (header[1:-1] if header.startswith("[[") else f"[{header}]") + "\n"
            certain = True
            what += " -> " + lines[start].strip()
    data = "".join(lines).encode()
    if kind == "truncate":
        cut = rng.randrange(len(data))
        data = data[:cut]
        what = f"cut at byte {cut}"
    elif kind == "non_utf8":
        position = rng.randrange(len(data) + 1)
        byte = rng.choice((b"\xff", b"\xc3", b"\x80", b"\xe9", b"\xfe"))
        data = data[:position] + byte + data[position:]
        certain = True
        what = f"{byte!r} at byte {position}"
    # TOML that cannot be read is wrong whatever the mutation meant
    certain = certain or not _is_readable_toml(data)
    return kind, data, certain, what


def mutate_log(text: str, rng: random.Random) -> tuple[str, bytes, bool, str]:
    """One mistake in the interaction log: (kind, bytes, certainly invalid, what)."""
    rows = text.splitlines()
    header, body = rows[0], rows[1:]
    kind = rng.choice(("truncate", "drop_column", "delimiter", "empty", "header_only",
                       "text_in_number", "header_mid_file", "non_utf8", "extra_field",
                       "duplicate_column", "crlf", "bom"))
    certain = True
    what = ""
    if kind == "truncate":
        data = text.encode()
        cut = rng.randrange(len(data))
        data = data[:cut]
        last = data.decode().split("\n")[-1]
        # a last row cut before its last field lacks a value: one cut inside a number or at
        # a line's end may still be a right file
        certain = cut < len(header) or (last != "" and last.count(",") < len(CSV_HEADER) - 1)
        return kind, data, certain, f"cut at byte {cut}: last line {last!r}"
    if kind == "drop_column":
        column = rng.randrange(len(CSV_HEADER))
        rows = [",".join(field for index, field in enumerate(row.split(",")) if index != column)
                for row in rows]
        # without ratings every row counts; without times leave_last_out cannot run, which
        # only the knn experiment uses
        certain = CSV_HEADER[column] in ("user_id", "item_id")
        what = f"without {CSV_HEADER[column]}"
    elif kind == "delimiter":
        delimiter = rng.choice((";", "|", "\t", " "))
        rows = [row.replace(",", delimiter) for row in rows]
        what = f"fields separated by {delimiter!r}"
    elif kind == "empty":
        rows = []
    elif kind == "header_only":
        rows = [header]
    elif kind == "text_in_number":
        number = rng.randrange(len(body))
        fields = body[number].split(",")
        column = rng.choice((2, 3))
        fields[column] = rng.choice(("abc", "4 stars", "n/a", "five", "1;5", "", "nan", "inf",
                                     "-inf", "1e400", "-3", "0x10", "1_000"))
        body[number] = ",".join(fields)
        # a missing, infinite, negative or underscored number may be refused or read; a word
        # cannot be a rating or a time
        certain = fields[column] in ("abc", "4 stars", "n/a", "five", "1;5", "0x10")
        rows = [header, *body]
        what = f"row {number + 2} {CSV_HEADER[column]} = {fields[column]!r}"
    elif kind == "header_mid_file":
        number = rng.randrange(1, len(body))
        rows = [header, *body[:number], header, *body[number:]]
        what = f"header again before data row {number + 1}"
    elif kind == "extra_field":
        number = rng.randrange(len(body))
        body[number] += rng.choice((",5", ",", ",x"))
        rows = [header, *body]
        what = f"row {number + 2} reads {body[number]!r}"
    elif kind == "duplicate_column":
        column = rng.randrange(len(CSV_HEADER))
        other = rng.choice([name for name in CSV_HEADER if name != CSV_HEADER[column]])
        names = list(CSV_HEADER)
        names[column] = other
        rows = [",".join(names), *body]
        what = f"header {rows[0]!r}"
    elif kind in ("crlf", "bom"):
        # line ends of Windows, or its editors' byte-order mark: the same data
        certain = False
    data = ("\n".join(rows) + ("\n" if rows else "")).encode()
    if kind == "crlf":
        data = data.replace(b"\n", b"\r\n")
    elif kind == "bom":
        data = b"\xef\xbb\xbf" + data
    if kind == "non_utf8":
        position = rng.randrange(len(header) + 1, len(data))
        byte = rng.choice((b"\xff", b"\xc3", b"\x80", b"\xe9"))
        data = data[:position] + byte + data[position:]
        what = f"{byte!r} at byte {position}"
    return kind, data, certain, what


_RESULT_FILES: dict[str, bytes] = {}


def result_files() -> dict[str, bytes]:
    """The files of ``results/csvrun`` as ``recstack evaluate csvexp.toml`` writes them,
    made once (in a folder of their own) for the report's mutants."""
    if not _RESULT_FILES:
        import tempfile

        files = {"log.csv": interaction_log().encode(), "csvexp.toml": CSV_EXPERIMENT.encode()}
        with tempfile.TemporaryDirectory() as scratch:
            outcome = run_mutant(Mutant("none", files, ["evaluate", "csvexp.toml"], False, "",
                                        ""), Path(scratch) / "run", seconds=120.0)
            assert outcome.code == 0, outcome.stderr
            written = Path(scratch) / "run" / "results" / "csvrun"
            for path in written.iterdir():
                _RESULT_FILES[f"results/csvrun/{path.name}"] = path.read_bytes()
    return dict(_RESULT_FILES)


def _is_readable_json(data: bytes) -> bool:
    try:
        json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return False
    return True


def mutate_results(files: dict[str, bytes], rng: random.Random) -> tuple[str, str, bool, str]:
    """One mistake in a results folder (edited or damaged by hand): (kind, file, certainly
    invalid, what); ``files`` is changed in place."""
    name = rng.choice(sorted(files))
    data = files[name]
    if name.endswith(".json"):
        kind = rng.choice(("truncate", "non_utf8", "delete_key", "retype"))
        if kind in ("delete_key", "retype"):
            document = json.loads(data)
            key = rng.choice(sorted(document))
            if kind == "delete_key":
                del document[key]
            else:
                document[key] = rng.choice(("abc", 1e300, None, [], {}, -1, True))
            files[name] = json.dumps(document).encode()
            return f"results_json_{kind}", name, False, f"{key}"
    else:
        kind = rng.choice(("truncate", "non_utf8", "text_in_number", "drop_column", "empty"))
        rows = data.decode().splitlines()
        if kind == "text_in_number" and len(rows) > 1:
            number = rng.randrange(1, len(rows))
            fields = rows[number].split(",")
            column = rng.randrange(1, len(fields))
            fields[column] = rng.choice(("abc", "n/a", "1;5"))
            rows[number] = ",".join(fields)
            files[name] = ("\n".join(rows) + "\n").encode()
            return f"results_csv_{kind}", name, name.endswith(".csv") and "summary" not in name, \
                f"row {number + 1}"
        if kind == "drop_column":
            column = rng.randrange(len(rows[0].split(",")))
            files[name] = ("\n".join(",".join(f for i, f in enumerate(row.split(","))
                                              if i != column) for row in rows) + "\n").encode()
            # the per-user CSVs are read back, summary.csv never is
            return f"results_csv_{kind}", name, "per_user" in name, f"column {column}"
        if kind == "empty":
            files[name] = b""
            return f"results_csv_{kind}", name, "per_user" in name, ""
    if kind == "truncate":
        cut = rng.randrange(len(data))
        files[name] = data[:cut]
        certain = name.endswith(".json") and not _is_readable_json(files[name])
        return f"results_{kind}", name, certain, f"cut at byte {cut}"
    position = rng.randrange(len(data) + 1)
    files[name] = data[:position] + b"\xff" + data[position:]
    return "results_non_utf8", name, "summary" not in name, f"at byte {position}"


def make_mutant(rng: random.Random) -> Mutant:
    log = interaction_log()
    files = {"log.csv": log.encode(), **{name: text.encode() for name, text in EXPERIMENTS.items()}}
    if rng.random() < 0.15:
        results = result_files()
        kind, name, certain, what = mutate_results(results, rng)
        files.update(results)
        return Mutant(kind, files, ["report", "results/csvrun", "--static", "--projection",
                                    "none"], certain, Path(name).name, f"{name}: {what}")
    if rng.random() < 0.3:
        kind, data, certain, what = mutate_log(log, rng)
        files["log.csv"] = data
        reader = rng.choice((*CSV_READERS, "data info"))
        argv = ["data", "info", "log.csv"] if reader == "data info" else ["evaluate", reader]
        if reader not in ("knn.toml", "temporal.toml") and what == "without timestamp":
            certain = False
        return Mutant(f"csv_{kind}", files, argv, certain, "log.csv", what)
    name = rng.choice(sorted(EXPERIMENTS))
    kind, data, certain, what = mutate_experiment(name, EXPERIMENTS[name], rng)
    files[name] = data
    # tune only where the file has a [tune] table to run
    command = rng.choice(("evaluate", "tune")) if "[tune]" in EXPERIMENTS[name] else "evaluate"
    if command == "evaluate" and (
            (kind == "delete_table" and what.startswith("[tune"))
            or (kind == "delete_key" and " label = " in what)):
        # evaluate reads no [tune] table, and a label only the [tune] table named
        certain = not _is_readable_toml(data)
    if command == "tune" and kind == "delete_table" and what == "[tune]":
        certain = True
    return Mutant(f"toml_{kind}", files, argv=[command, name], certainly_invalid=certain,
                  mistaken_file=name, description=what)


class MutantTimeout(BaseException):
    """Raised by the alarm when a mutant runs past its limit (a BaseException, so that no
    ``except Exception`` in the code under test swallows it)."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    def expire(signum: int, frame: object) -> None:
        raise MutantTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclasses.dataclass
class Outcome:
    code: int | None
    stdout: str
    stderr: str
    escaped: str  # the traceback of an exception that left main(), else ""
    timed_out: bool
    left_behind: list[str]


def _all_paths(folder: Path) -> set[str]:
    return {str(path.relative_to(folder)) for path in folder.rglob("*")}


def run_mutant(mutant: Mutant, folder: Path, seconds: float) -> Outcome:
    from recstack.cli import main

    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for name, data in mutant.files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    before = _all_paths(folder)
    stdout, stderr = io.StringIO(), io.StringIO()
    code: int | None = None
    escaped = ""
    timed_out = False
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr), \
                time_limit(seconds):
            try:
                code = main(mutant.argv)
            except SystemExit as exit_:
                code = exit_.code if isinstance(exit_.code, int) else 1
    except MutantTimeout:
        timed_out = True
    except Exception:  # noqa: BLE001 - an escaping exception is the finding itself
        escaped = traceback.format_exc()
    finally:
        os.chdir(cwd)
    after = _all_paths(folder)
    left_behind = sorted(after - before) if code not in (0, None) else []
    return Outcome(code, stdout.getvalue(), stderr.getvalue(), escaped, timed_out, left_behind)


def problems(mutant: Mutant, outcome: Outcome) -> list[str]:
    """What in ``outcome`` breaks the promise for a user's mistake, one phrase each."""
    found = []
    if outcome.timed_out:
        found.append("hang")
    if outcome.escaped:
        found.append("exception escaped: " + outcome.escaped.strip().splitlines()[-1])
    if "Traceback" in outcome.stdout + outcome.stderr:
        found.append("traceback printed")
    if outcome.code not in (None, 0, 2):
        found.append(f"exit status {outcome.code}")
    if outcome.code == 0 and mutant.certainly_invalid:
        found.append("accepted a file that cannot be right")
    if outcome.code not in (None, 0):
        error_lines = [line for line in outcome.stderr.splitlines()
                       if line.startswith("recstack") and "error" in line]
        if not error_lines:
            found.append("refused without an error line")
        elif mutant.certainly_invalid and not any(mutant.mistaken_file in line
                                                  for line in error_lines):
            found.append(f"error line does not name {mutant.mistaken_file}")
    if outcome.left_behind:
        found.append(f"left behind {outcome.left_behind[:4]}")
    return found


def fuzz(count: int, seed: int, folder: Path, seconds: float,
         report: Callable[[Mutant, Outcome, list[str]], None]) -> int:
    rng = random.Random(seed)
    failures = 0
    for index in range(count):
        mutant = make_mutant(rng)
        if os.environ.get("FUZZ_TRACE"):
            print(f"RUN {index} {mutant.kind} ({mutant.description}) {mutant.argv}",
                  file=sys.__stderr__, flush=True)
        outcome = run_mutant(mutant, folder / f"m{index % 4}", seconds)
        found = problems(mutant, outcome)
        if found:
            failures += 1
        report(mutant, outcome, found)
    return failures


#: the bounded test's mutants; each mostly fails at the file check, so 60 take < 60 s
TEST_MUTANTS = 60
TEST_SEED = 54


def _case_text(mutant: Mutant, outcome: Outcome, found: list[str]) -> str:
    last = (outcome.escaped or outcome.stderr).strip().splitlines()[-3:]
    return (f"{mutant.kind} ({mutant.description}) recstack {' '.join(mutant.argv)}: "
            f"{'; '.join(found)} | status {outcome.code} | " + " / ".join(last))


def test_every_mutant_ends_as_a_user_mistake(tmp_path: Path) -> None:
    pytest.importorskip("optuna")
    findings: list[str] = []

    def collect(mutant: Mutant, outcome: Outcome, found: list[str]) -> None:
        if found:
            findings.append(_case_text(mutant, outcome, found))

    fuzz(TEST_MUTANTS, TEST_SEED, tmp_path, seconds=20.0, report=collect)
    assert not findings, f"{len(findings)} of {TEST_MUTANTS} mutants:\n" + "\n".join(findings)


def test_the_unmutated_files_run(tmp_path: Path) -> None:
    """The fuzzer's premise: without a mistake every command succeeds and writes its output,
    so a refusal of a mutant is the mutation's doing."""
    pytest.importorskip("optuna")
    files = {"log.csv": interaction_log().encode(),
             **{name: text.encode() for name, text in EXPERIMENTS.items()}}
    commands = [["evaluate", name] for name in EXPERIMENTS]
    commands += [["tune", "exp.toml"], ["tune", "knn.toml"], ["data", "info", "log.csv"]]
    for argv in commands:
        mutant = Mutant("none", files, argv, False, "", "")
        outcome = run_mutant(mutant, tmp_path / "run", seconds=60.0)
        assert outcome.code == 0 and not problems(mutant, outcome), _case_text(
            mutant, outcome, ["unmutated run failed"])
        if argv[0] == "evaluate":
            written = next((tmp_path / "run" / "results").iterdir())
            assert (written / "results.json").is_file()


def test_the_oracle_marks_mistakes_certain() -> None:
    """The classification does not come from recstack: check it on hand-made cases."""
    assert not _is_readable_toml(b'seed = 1\nseed = 2\n')
    assert not _is_readable_toml(b'name = "a\xffb"\n')
    assert _is_readable_toml(b'[split]\nmethod = "random"\n')
    labels = {label: certain for label, _, certain in _value_mutations("seed", "3")}
    assert labels["text"] and labels["float"] and labels["nan"] and not labels["zero"]
    labels = {label: certain for label, _, certain in
              _value_mutations("relevance_threshold", "4.0")}
    assert not labels["negative"] and not labels["zero"] and not labels["minus_inf"]
    assert dict((label, new) for label, new, _ in _value_mutations("seed", "0"))["negative"] \
        == "-1"


def test_the_checks_flag_each_way_of_failing() -> None:
    """Each promise the fuzzer checks is broken once by hand, so a clean run means
    something."""
    wrong = Mutant("toml_repeat_key", {}, ["evaluate", "exp.toml"], True, "exp.toml", "")
    refused = Outcome(2, "", "recstack: error: exp.toml: [split] bad\n", "", False, [])
    assert problems(wrong, refused) == []
    cases = {
        "hang": dataclasses.replace(refused, code=None, timed_out=True),
        "exception escaped": dataclasses.replace(refused, escaped="Traceback\nKeyError: 'x'"),
        "traceback printed": dataclasses.replace(refused, stderr="Traceback (most recent"),
        "exit status 1": dataclasses.replace(refused, code=1),
        "accepted": dataclasses.replace(refused, code=0),
        "without an error line": dataclasses.replace(refused, stderr="something\n"),
        "does not name exp.toml": dataclasses.replace(refused,
                                                      stderr="recstack: error: bad\n"),
        "left behind": dataclasses.replace(refused, left_behind=["results"]),
    }
    for expected, outcome in cases.items():
        assert any(expected in problem for problem in problems(wrong, outcome)), expected


if __name__ == "__main__":
    total, start_seed = int(sys.argv[1]), int(sys.argv[2])
    work = Path(sys.argv[3]) if len(sys.argv) > 3 else Path("/tmp/r54/p/work")

    def show(mutant: Mutant, outcome: Outcome, found: list[str]) -> None:
        status = "BUG " if found else "ok  "
        print(status + _case_text(mutant, outcome, found or ["-"]).replace("\n", " "),
              flush=True)
        if found:
            case = work / "cases" / f"{abs(hash(mutant.description)) % 10**8}"
            case.mkdir(parents=True, exist_ok=True)
            for name, data in mutant.files.items():
                (case / name).parent.mkdir(parents=True, exist_ok=True)
                (case / name).write_bytes(data)
            (case / "outcome.txt").write_text(
                f"argv: {mutant.argv}\n{found}\n--stderr--\n{outcome.stderr}\n--escaped--\n"
                f"{outcome.escaped}")

    print("failures:", fuzz(total, start_seed, work, seconds=20.0, report=show))
