"""The HTML page of a pipeline run (``recstack pipeline run``): what was checked, what
drifted, what was trained, what the gate compared and what was published.

It reads the run's ``report/report.json`` (the dictionary the pipeline's report step
writes) and nothing else, so it can be rebuilt for any past run
(:func:`write_pipeline_report`); the pipeline's report step writes it as
``report/report.html`` beside ``report.txt``. The page shell (style, navigation,
self-contained HTML) is the results report's, :func:`recstack.analysis.report.render_html`.

Sections: the run (partitions, the result), quality checks (each check's status,
passed / warned / failed, with counts, shares and examples), drift (every measure, those
past their threshold flagged), training (model, strategy: retrain, warm start or
fold-in, window, rows, time), the gate (both models' means, the paired difference with
its 95% confidence interval, the paired t and Wilcoxon p-values, the margin and the
decision) and the publication.
"""

from __future__ import annotations

import html
import json
import math
import time
from pathlib import Path
from typing import Any

import numpy as np

from recstack.analysis._checks import (
    html_target,
    refuse_typed_page_name,
    refuse_unnameable_page,
)
from recstack.analysis.report import Report, Section, _bidi, _table, render_html
from recstack.analysis.results_folder import damaged_text_problem
from recstack.atomic import checked_path, write_text
from recstack.errors import RecstackError, echoed
from recstack.evaluation.results import ALIKE_MARK, CUT_MARK, cut_ends, difference_bounds
from recstack.specs import arguments_named
from recstack.strict_json import (
    empty_file_problem,
    refuse_endless_integer,
    refuse_repeated_keys,
)

__all__ = ["check_step_output", "pipeline_report_html", "write_pipeline_report"]

#: the remedy for a report.json that is damaged as a file (empty, not JSON)
_RUN_AGAIN = "run the pipeline's report step again"

#: the colour of each check status on the page
_STATUS_COLOUR = {"passed": "#1a7f37", "warned": "#9a6700", "failed": "#cf222e",
                  "skipped": "#57606a"}


@arguments_named
def write_pipeline_report(run_folder: str | Path, out: str | Path | None = None) -> Path:
    """Write the HTML page of a pipeline run folder (``WORK/runs/RUN``, holding
    ``report/report.json``); returns its path (default ``RUN/report/report.html``)."""
    folder = checked_path(run_folder, "write_pipeline_report(run_folder)")
    given = out
    out = None if out is None else checked_path(out, "write_pipeline_report(out)")
    source = folder / "report" / "report.json"
    if not source.is_file():
        runs = sorted(run.name for run in (folder / "runs").iterdir()
                      if (run / "report" / "report.json").is_file()) \
            if (folder / "runs").is_dir() else []
        # the pipeline's work folder (WORK) given for one of its runs (WORK/runs/RUN)
        hint = (f"; {folder} is a pipeline's work folder, whose completed runs are "
                + ", ".join(str(folder / "runs" / run) for run in runs[-3:])
                if runs else "")
        if not hint and (folder / "results.json").is_file():
            # an experiment's results folder: its page is the other report
            hint = (f"; {folder} holds results.json, the results of `recstack evaluate`: "
                    f"its report is `recstack report {folder}`")
        raise RecstackError(f"{folder}: not a completed pipeline run (no {source}); give a "
                            f"folder WORK/runs/RUN whose report step has run{hint}")
    if out is not None:
        # as typed, before what is there, as write_report judges its page's name
        refuse_typed_page_name(given, "write_pipeline_report(out)")
        refuse_unnameable_page(Path(out), "write_pipeline_report(out)")
        _refuse_target_over_run(Path(out), folder)
        # after the checks above, which say more of a path the report reads or a folder
        html_target(given, "write_pipeline_report(out)")
    # worded as a results folder's damaged files: an empty file, another format, NUL bytes
    # or bytes that are not UTF-8 (Python's "'utf-8' codec can't decode byte 0xe9 in
    # position 3" inside "not valid JSON (...)", with no remedy)
    damage = damaged_text_problem(source, "JSON", _RUN_AGAIN)
    if damage is not None:
        raise RecstackError(damage)
    try:
        # utf-8-sig: an editor's byte-order mark is no part of the JSON
        # parse_int: Python's "Exceeds the limit (4300 digits)" advised raising its limit
        report = json.loads(source.read_text(encoding="utf-8-sig"),
                            object_pairs_hook=refuse_repeated_keys,
                            parse_int=refuse_endless_integer)
    except json.JSONDecodeError as error:
        empty = empty_file_problem(source, error, _RUN_AGAIN)
        if empty is not None:
            raise RecstackError(empty) from None
        raise RecstackError(f"{source}:{error.lineno}: not valid JSON ({error.msg}); the "
                            f"file is damaged: {_RUN_AGAIN}") from None
    except ValueError as error:
        raise RecstackError(f"{source}: not valid JSON ({error}); the file is damaged: "
                            f"{_RUN_AGAIN}") from None
    _check_report(source, report)
    try:
        page = pipeline_report_html(report)
    except (KeyError, TypeError, ValueError) as error:
        # an optional field (a count, a mean) of the wrong type, past the checked ones
        raise RecstackError(f"{source}: a field has a value the page cannot show ({error}); "
                            "rerun the pipeline's report step or restore the file") from None
    target = Path(out) if out is not None else folder / "report" / "report.html"
    write_text(target, page)
    return target


def _refuse_target_over_run(target: Path, folder: Path) -> None:
    """Refuse a page written over a folder, or over a file of the run other than an HTML
    page (its report.json, the step files a rerun resumes from): the page replaced them."""
    import os

    if target.is_dir():
        raise RecstackError(f"{target}: is a folder; give the page's file name (e.g. "
                            f"{target / 'report.html'})")
    real = os.path.realpath(target)
    root = os.path.realpath(folder)
    if os.path.lexists(target) and real.startswith(root.rstrip(os.sep) + os.sep) \
            and not real.lower().endswith((".html", ".htm")):
        raise RecstackError(f"{target}: is {os.path.relpath(real, root)} of the run {folder}, "
                            "which writing the page there would replace; choose another "
                            f"--out (e.g. {folder / 'report' / 'report.html'})")


_NUMBER = (int, float)
#: a number the page shows as "-" when it is null (a mean of no user, a p-value not computed)
_NUMBER_OR_NULL = (int, float, type(None))
#: what the page and the pipeline's report.txt read from report.json, field by field
#: (dotted paths; ``[]`` is every entry of a list, ``{}`` every value of an object), with
#: whether the field must be there (the page reads the others with a default): a damaged or
#: foreign file is refused naming the field, before rendering. The pipeline checks each
#: step's own file (``evaluate/evaluation.json`` is the ``evaluation`` part) with the same
#: table when a resumed run reads it back (:func:`check_step_output`).
_REPORT_FIELDS: tuple[tuple[str, tuple[type, ...], str, bool], ...] = (
    ("pipeline", (str,), "the pipeline's name", True),
    ("run", (str, int), "the run's name", True),
    ("partitions", (list,), "a non-empty list of partitions", True),
    ("partitions[]", (str,), "a partition's name", True),
    ("quality", (dict,), "an object", True),
    ("quality.summary", (dict,), "an object of counts", True),
    ("quality.summary.passed", (int,), "a count", True),
    ("quality.summary.warned", (int,), "a count", True),
    ("quality.summary.failed", (int,), "a count", True),
    ("quality.summary.skipped", (int,), "a count", False),
    ("quality.checks", (list,), "a list of checks", True),
    ("quality.checks[]", (dict,), "a check as an object", True),
    ("quality.checks[].check", (str,), "the check's name", True),
    ("quality.checks[].status", (str,), "passed, warned, failed or skipped", True),
    ("quality.checks[].count", (int,), "a count", False),
    ("quality.checks[].share", _NUMBER_OR_NULL, "a share of rows or null", False),
    ("quality.checks[].examples", (list,), "a list of examples", False),
    ("quality.checks[].message", (str,), "the check's message", False),
    ("quality.checks[].partition", (str,), "a partition's name, or \"\" for all", False),
    ("quality.new_partitions", (list,), "a list of partitions", True),
    ("quality.new_partitions[]", (str,), "a partition's name", True),
    ("drift", (dict,), "an object", True),
    ("drift.reference", (list,), "a non-empty list of partitions", True),
    ("drift.reference[]", (str,), "a partition's name", True),
    ("drift.new", (list,), "a non-empty list of partitions", True),
    ("drift.new[]", (str,), "a partition's name", True),
    ("drift.reference_rows", (int,), "a count", False),
    ("drift.new_rows", (int,), "a count", False),
    ("drift.flagged", (list,), "a list of measure names", True),
    ("drift.flagged[]", (str,), "a measure's name", True),
    ("drift.measures", (dict,), "an object of measure: value", True),
    ("drift.measures{}", _NUMBER_OR_NULL, "a number or null", True),
    ("drift.notes", (dict,), "an object of measure: note", False),
    ("drift.notes{}", (str,), "a note's text", False),
    ("train", (dict,), "an object", True),
    ("train.model", (str,), "the model's type", True),
    ("train.strategy", (str,), "retrain, warm_start or fold_in", False),
    ("train.window", (str, int), "the training window", True),
    ("train.partitions", (list,), "a list of partitions", True),
    ("train.partitions[]", (str,), "a partition's name", True),
    ("train.rows", (int,), "a count", True),
    ("train.fit_seconds", _NUMBER, "a number of seconds", True),
    ("train.params", (dict,), "an object of hyperparameters", False),
    ("evaluation", (dict,), "an object", True),
    ("evaluation.metric", (str,), "the gate's metric", True),
    ("evaluation.margin", _NUMBER, "a number", True),
    ("evaluation.publish", (bool,), "true or false", True),
    ("evaluation.reason", (str,), "the decision's reason", True),
    ("evaluation.window", (str,), "the evaluation partition's name", False),
    ("evaluation.candidate_mean", _NUMBER_OR_NULL, "a number or null", False),
    ("evaluation.candidate_users", (int,), "a count", False),
    ("evaluation.published_version", (int, type(None)), "a version number or null", False),
    ("evaluation.published_mean", _NUMBER_OR_NULL, "a number or null", False),
    ("evaluation.shared_users", (int,), "a count", False),
    ("evaluation.difference", _NUMBER_OR_NULL, "a number or null", False),
    ("evaluation.ci_low", _NUMBER_OR_NULL, "a number or null", False),
    ("evaluation.ci_high", _NUMBER_OR_NULL, "a number or null", False),
    # not required: a record written before it was kept shows its interval unmarked
    ("evaluation.ci_clipped", (bool,), "true or false (whether the interval was cut at the "
     "bounds of a difference)", False),
    ("evaluation.ci_alike", (bool,), "true or false (whether every shared user had one "
     "difference)", False),
    ("evaluation.t_p_value", _NUMBER_OR_NULL, "a p-value or null", False),
    ("evaluation.wilcoxon_p_value", _NUMBER_OR_NULL, "a p-value or null", False),
    ("publish", (dict,), "an object", True),
    ("publish.published", (bool,), "true or false", True),
    ("publish.name", (str,), "the registry name it was published under", False),
    ("publish.version", (int, type(None)), "the version it was published as (null when "
     "nothing was)", False),
    ("publish.reason", (str,), "why it was not published", False),
)
#: fields whose text is one of a few words
_CHOICES = {"quality.checks[].status": ("passed", "warned", "failed", "skipped"),
            "train.strategy": ("retrain", "warm_start", "fold_in")}
#: numeric fields with a range, ``(low, high)`` (None: unbounded), checked after their type:
#: a count below 0, a p-value past 1 or a negative fit time was drawn on the page as if the
#: run had produced it. NaN passes (the pipeline writes it for a test that could not be
#: computed, such as a p-value of two identical models); the margin, a setting of the
#: file, must be finite.
_RANGES: dict[str, tuple[float | None, float | None, str]] = {
    **{f"quality.summary.{name}": (0, None, "a count >= 0")
       for name in ("passed", "warned", "failed", "skipped")},
    "quality.checks[].count": (0, None, "a count >= 0"),
    "drift.reference_rows": (0, None, "a count >= 0"),
    "drift.new_rows": (0, None, "a count >= 0"),
    "train.rows": (0, None, "a count >= 0"),
    "train.fit_seconds": (0, None, "a number of seconds >= 0"),
    "evaluation.margin": (0, None, "a finite number >= 0"),
    "evaluation.candidate_users": (0, None, "a count >= 0"),
    "evaluation.shared_users": (0, None, "a count >= 0"),
    "evaluation.t_p_value": (0, 1, "a p-value in [0, 1] or null"),
    "evaluation.wilcoxon_p_value": (0, 1, "a p-value in [0, 1] or null"),
    "evaluation.published_version": (1, None, "a version number >= 1 or null"),
    "publish.version": (1, None, "the version it was published as, >= 1 (null when nothing "
                       "was)"),
}
#: numeric fields that must be finite (NaN and Infinity are JSON to Python's reader)
_FINITE = ("evaluation.margin", "train.fit_seconds")
#: lists the page reads the first and last entries of
_NON_EMPTY = ("partitions", "drift.reference", "drift.new")
#: the part of report.json each step's file is, by step: what a resumed run reads back
STEP_SECTIONS = {"check": "quality", "drift": "drift", "train": "train",
                 "evaluate": "evaluation", "publish": "publish"}
_REPORT_REMEDY = "rerun the pipeline's report step or restore the file"
#: what to give pipeline_report_html instead of a dictionary it refuses
_DICT_REMEDY = ("give the dictionary of a run's report/report.json (json.loads of the file), "
                "or write the page of a run folder with write_pipeline_report")


_MISSING = object()


def _values_at(report: dict[str, Any], path: str) -> list[tuple[str, Any]]:
    """Every (location, value) the dotted ``path`` reaches; ``_MISSING`` for an absent key.
    Parents come first in :data:`_REPORT_FIELDS`, so a parent of the wrong type was refused
    already and is skipped here."""
    found: list[tuple[str, Any]] = [("", report)]
    for part in path.split("."):
        key = part.removesuffix("[]").removesuffix("{}")
        found = [(f"{where}.{key}".lstrip("."), value.get(key, _MISSING))
                 for where, value in found if isinstance(value, dict)]
        if part.endswith("[]"):
            found = [(f"{where}[{i}]", entry) for where, value in found
                     if isinstance(value, list) for i, entry in enumerate(value)]
        elif part.endswith("{}"):
            found = [(f"{where}.{name}", entry) for where, value in found
                     if isinstance(value, dict) for name, entry in value.items()]
    return found


def _check_fields(source: Path | str, payload: Any, section: str, remedy: str) -> None:
    """Refuse ``payload`` (report.json when ``section`` is "", else the part of it that
    ``section`` names) unless every field of :data:`_REPORT_FIELDS` under it has its type,
    naming the file, the first bad field and ``remedy``."""
    prefix = f"{section}." if section else ""
    what = "a pipeline run's report" if not section else f"the {section} step's output"
    # "not a pipeline run's report of a pipeline run" repeated itself
    whose = what if not section else f"{what} of a pipeline run"
    if not isinstance(payload, dict):
        raise RecstackError(f"{source}: expected a JSON object ({what}), got a "
                            f"{type(payload).__name__}; {remedy}")
    for path, kinds, expected, required in _REPORT_FIELDS:
        if not path.startswith(prefix):
            continue
        relative = path[len(prefix):]
        for where, value in _values_at(payload, relative):
            if value is _MISSING:
                if not required:
                    continue
                raise RecstackError(f"{source}: missing {where!r} ({expected}); not {whose}, "
                                    f"or a damaged one: {remedy}")
            if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
                _refuse_field(source, where, value, expected, remedy)
            if path in _CHOICES and value not in _CHOICES[path]:
                _refuse_field(source, where, value, expected, remedy)
            if path in _RANGES and isinstance(value, int | float):
                low, high, words = _RANGES[path]
                if (low is not None and value < low) or (high is not None and value > high) \
                        or (path in _FINITE and not math.isfinite(value)):
                    _refuse_field(source, where, value, words, remedy)
    for path in _NON_EMPTY:
        if path.startswith(prefix):
            for where, value in _values_at(payload, path[len(prefix):]):
                if not value:
                    _refuse_field(source, where, value, "a non-empty list of partitions",
                                  remedy)
    evaluation = payload.get("evaluation") if not section else payload
    if section in ("", "evaluation") and isinstance(evaluation, dict):
        _check_gate_means(source, evaluation, "evaluation." if not section else "", remedy)
    publish = payload.get("publish") if not section else payload
    if section in ("", "publish") and isinstance(publish, dict):
        where = "publish." if not section else ""
        for key in (("name", "version") if publish["published"] else ("reason",)):
            if key not in publish:
                raise RecstackError(f"{source}: missing '{where}{key}'; not {whose}, "
                                    f"or a damaged one: {remedy}")
        if publish["published"] and publish["version"] is None:
            _refuse_field(source, f"{where}version", None, "the version it was published as "
                          "(published is true)", remedy)


def _check_gate_means(source: Path | str, evaluation: dict[str, Any], where: str,
                      remedy: str) -> None:
    """Refuse a mean of the gate's metric that the metric cannot have: outside its bounds
    (:data:`recstack.evaluation.results.BOUNDED_METRICS` and the shares: an nDCG of 1.5, a
    negative novelty) or infinite (``1e400`` reads as infinity); NaN passes, as the
    pipeline writes it for a mean it could not compute. Such a mean was drawn on the page
    as the model's score."""
    from recstack.analysis.results_folder import _bounds_wanted
    from recstack.evaluation.results import share_problem
    from recstack.specs import finite_or_infinite

    metric = evaluation.get("metric")
    for key in ("candidate_mean", "published_mean"):
        value = evaluation.get(key)
        if not isinstance(value, int | float) or isinstance(value, bool):
            continue  # absent, null, or refused by its type already
        number = finite_or_infinite(value)  # an integer of 400 digits: an infinity
        if math.isinf(number):
            _refuse_field(source, f"{where}{key}", value, "a finite number or null", remedy)
        if isinstance(metric, str) and share_problem(metric, np.array([number])) is not None:
            _refuse_field(source, f"{where}{key}", value,
                          f"{_bounds_wanted(metric)} or null", remedy)


def _check_report(source: Path, report: Any) -> None:
    """Refuse a report.json the page cannot be drawn from, naming the first bad field."""
    _check_fields(source, report, "", _REPORT_REMEDY)


@arguments_named
def check_step_output(source: Path, step: str, payload: Any, remedy: str) -> None:
    """Refuse the JSON output of a pipeline step (``check/quality.json``,
    ``evaluate/evaluation.json``... : see :data:`STEP_SECTIONS`) that a resumed run reads
    back, when a field the later steps, report.txt or the page read is missing or of the
    wrong type (an edit, or a file of another version), naming the file and the field: a
    KeyError surfaced in the report step, and ``"publish": "false"`` published the model.
    Steps without such a file are not looked at."""
    if step in STEP_SECTIONS:
        _check_fields(source, payload, STEP_SECTIONS[step], remedy)


def _as_json_values(value: Any) -> Any:
    """``value`` (a report dictionary built in Python) with the values JSON reading gives:
    numpy numbers as Python ones (``np.int64(10)`` rows were refused as not a count) and
    tuples as lists; anything else as it is, for the checks to name."""
    if isinstance(value, dict):
        return {key: _as_json_values(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_as_json_values(item) for item in value]
    if isinstance(value, np.generic) and value.dtype.kind in "biuf":
        return value.item()
    return value


def _refuse_field(source: Path | str, field: str, value: Any, expected: str,
                  remedy: str = _REPORT_REMEDY) -> None:
    try:
        written = json.dumps(value)[:60]
    except (TypeError, ValueError):
        # a Python value no JSON file holds (a set, a date): json.dumps's own TypeError
        # surfaced in place of this message
        written = f"{echoed(repr(value), 60)} (a {type(value).__name__})"
    raise RecstackError(f"{source}: {field!r} is {written}; expected {expected}; {remedy}")


@arguments_named
def pipeline_report_html(report: dict[str, Any]) -> str:
    """The page of a run report (the pipeline's ``report.json`` dictionary), as text.

    A dictionary the page cannot be drawn from is refused as ``report.json`` is, naming the
    first bad field: from Python it was a bare KeyError or TypeError (``{}`` was
    ``KeyError: 'publish'``), and a NaN margin drawn on the page."""
    report = _as_json_values(report)
    _check_fields("pipeline_report_html(report)", report, "", _DICT_REMEDY)
    started = time.perf_counter()
    sections = [_run_section(report), _quality_section(report["quality"]),
                _drift_section(report["drift"]), _train_section(report["train"]),
                _gate_section(report["evaluation"]), _publish_section(report["publish"])]
    page = Report(f"Pipeline {report['pipeline']}: run {report['run']}", sections, [])
    return render_html(page, interactive=False, seconds=time.perf_counter() - started)


# --------------------------------------------------------------------------- sections
def _run_section(report: dict[str, Any]) -> Section:
    section = Section("run", "Run")
    publish = report["publish"]
    result = (f"published as {publish['name']}@{publish['version']}" if publish["published"]
              else f"not published: {publish['reason']}" if publish.get("reason")
              else "not published")
    partitions = report["partitions"]
    rows = [["pipeline", _e(report["pipeline"])], ["run", _e(report["run"])],
            ["partitions", _e(f"{partitions[0]} .. {partitions[-1]} ({len(partitions)})")],
            ["new partitions", _e(", ".join(report["quality"]["new_partitions"]) or "-")],
            ["finished", _e(report.get("finished", "-"))], ["result", f"<b>{_e(result)}</b>"]]
    section.blocks.append(_table(["", ""], rows))
    return section


def _quality_section(quality: dict[str, Any]) -> Section:
    section = Section("quality", "Quality checks")
    counts = quality["summary"]
    section.text(f"{counts['passed']} passed, {counts['warned']} warned, {counts['failed']} "
                 f"failed, {counts.get('skipped', 0)} skipped.")
    rows = []
    for check in quality["checks"]:
        status = check["status"]
        colour = _STATUS_COLOUR.get(status, "#222")
        rows.append([_e(check["check"]), _e(check.get("partition") or "all"),
                     f'<b style="color:{colour}">{_e(status)}</b>',
                     f"{int(check.get('count', 0)):,}", _number(check.get("share"), ".2%"),
                     _e(check.get("message", "")),
                     ", ".join(_bidi(x) for x in check.get("examples", [])[:5])])
    section.blocks.append(_table(["check", "partition", "status", "count", "share", "message",
                                  "examples"], rows))
    return section


def _drift_section(drift: dict[str, Any]) -> Section:
    section = Section("drift", "Drift")
    section.text(f"Reference {', '.join(drift['reference'])} against {', '.join(drift['new'])}"
                 f" ({drift.get('reference_rows', 0):,} and {drift.get('new_rows', 0):,} "
                 "rows); flagged measures are past their threshold.")
    flagged = set(drift["flagged"])
    # a measure's note (a PSI of too few values: sampling noise, not a shift) sits beside
    # its value, where a reader of a flagged measure looks; report.txt prints the same
    notes = drift.get("notes", {})
    rows = [[_e(name), _number(value), "<b>drift</b>" if name in flagged else "",
             _e(notes.get(name, ""))] for name, value in drift["measures"].items()]
    rows += [[_e(name), "-", "", _e(note)] for name, note in notes.items()
             if name not in drift["measures"]]
    section.blocks.append(_table(["measure", "value", "", "note"], rows))
    return section


def _train_section(train: dict[str, Any]) -> Section:
    section = Section("training", "Training")
    strategy = {"retrain": "full retrain", "warm_start": "warm start from the published model",
                "fold_in": "fold-in of new users and items into the published model"}
    rows = [["model", _e(train["model"])],
            ["strategy", _e(strategy.get(train.get("strategy", "retrain"), "-"))],
            ["window", _e(f"{train['window']}: {', '.join(train['partitions'])}")],
            ["rows", f"{train['rows']:,}"], ["seconds", f"{train['fit_seconds']:.2f}"],
            ["hyperparameters", _e(json.dumps(train.get("params", {}), sort_keys=True))]]
    section.blocks.append(_table(["", ""], rows))
    return section


def _gate_section(evaluation: dict[str, Any]) -> Section:
    section = Section("gate", "Gate")
    section.text(f"{evaluation['metric']} on {evaluation.get('window', '-')}: the new model is "
                 f"published unless its mean is below the published model's by more than the "
                 f"margin ({evaluation['margin']:g}). The difference is paired over the users "
                 "both models were evaluated for, with its 95% confidence interval and the "
                 "p-values of the paired t and Wilcoxon signed-rank tests.")
    low_cut, high_cut = gate_cut_ends(evaluation)
    alike = evaluation.get("ci_alike") is True
    rows = [["new model mean", _number(evaluation.get("candidate_mean"))],
            ["users evaluated", f"{evaluation.get('candidate_users', 0):,}"]]
    if evaluation.get("published_version") is not None:
        rows += [["published model", f"v{evaluation['published_version']}"],
                 ["published model mean", _number(evaluation.get("published_mean"))],
                 ["shared users", f"{evaluation.get('shared_users', 0):,}"],
                 ["difference (new - published)", _number(evaluation.get("difference"),
                                                          "+.4f") + ALIKE_MARK * alike],
                 ["95% CI", f"[{_number(evaluation.get('ci_low'), '+.4f')}"
                            f"{CUT_MARK if low_cut else ''}, "
                            f"{_number(evaluation.get('ci_high'), '+.4f')}"
                            f"{CUT_MARK if high_cut else ''}]"],
                 ["paired t p-value", _number(evaluation.get("t_p_value"), ".3g")],
                 ["Wilcoxon p-value", _number(evaluation.get("wilcoxon_p_value"), ".3g")]]
    else:
        rows.append(["published model", "none yet"])
    decision = "publish" if evaluation["publish"] else "hold back"
    rows += [["margin", f"{evaluation['margin']:g}"],
             ["decision", f"<b>{decision}</b>"], ["reason", _e(evaluation["reason"])]]
    section.blocks.append(_table(["", ""], rows))
    if evaluation.get("published_version") is not None and alike:
        # [-0.9, +0.9] around +0.0000 read as a t interval of users who disagreed, where
        # every one had the same difference, as the results table explains its mark
        section.text(f"The difference marked {ALIKE_MARK} was the same for every shared user, "
                     "so its interval is not a t interval (of zero width) but the one exact "
                     f"within the bounds of a difference of {evaluation['metric']}.")
    if evaluation.get("published_version") is not None and (low_cut or high_cut):
        # unmarked, [-1.0000, +0.2000] read as a t interval whose lower end happened to
        # be -1, as the experiment report's table explains its own mark
        section.text(f"An end marked {CUT_MARK} is cut at the bound of a difference of "
                     f"{evaluation['metric']} (the t interval reached past the differences "
                     "two models can have: too few users, or differences too skewed, for a "
                     "symmetric interval).")
    return section


def gate_cut_ends(evaluation: dict[str, Any]) -> tuple[bool, bool]:
    """Whether the lower and the upper end of a gate record's interval (``evaluation``, as
    :meth:`recstack.ops.gate.GateDecision.to_dict` writes it) were cut at the bounds of a
    difference of its metric; a record without ``ci_clipped``, written before it was kept,
    says neither. The one reading of this page and of the run's ``report.txt``."""
    return cut_ends(evaluation.get("ci_low"), evaluation.get("ci_high"),
                    evaluation.get("ci_clipped", False),
                    difference_bounds(evaluation["metric"]))


def _publish_section(publish: dict[str, Any]) -> Section:
    section = Section("published", "Published")
    if publish["published"]:
        section.text(f"Published as {publish['name']} version {publish['version']} "
                     "(now the registry's current version).")
    else:
        section.text(f"Nothing was published: {publish['reason']}")
    return section


# --------------------------------------------------------------------------- helpers
def _e(value: Any) -> str:
    return html.escape(str(value))


def _number(value: Any, spec: str = ".4f") -> str:
    return "-" if value is None else format(value, spec)
