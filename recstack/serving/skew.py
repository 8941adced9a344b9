"""Training-serving skew: recompute logged requests offline and report what differs.

For every request in the service's request log (:data:`~recstack.serving.request_log.
REQUEST_SCHEMA`) served by the model itself (not a popularity fallback, not from a vector
the embedding store held at the time, which offline code cannot see), the version named in
the log is loaded from the registry and the request is recomputed the offline way:

- **scores**: the model's score of each logged item for that user (``model.score``), or,
  for a new visitor, ``score_histories`` of the posted items (in the logged context for a
  ``two_stage`` version); a logged score differing
  from it by more than ``tolerance`` (relative, with an absolute floor of ``tolerance``)
  is a mismatch;
- **items**: where retrieval was exact (sources ``exact`` or ``model``; an approximate
  index may miss items by design, and stages reorder), the logged list must equal the
  model's own top-``k`` (``recommend`` with seen items excluded, or kept where the log's
  ``exclude_seen`` says the request kept them; logs from before that column are all
  excluded).

- **features** (a ``two_stage`` version): the logged features of each served item (what
  its ranker scored, :mod:`recstack.serving.two_stage`) against the model's offline
  path, ``model.candidates`` then ``builder_.build(candidates, state_)``; a logged item
  that is not an offline candidate, or a feature value differing beyond ``tolerance``
  (NaN equal to NaN, categorical codes exactly), is a mismatch. With exact retrieval by
  every generator the list must also equal the model's ``recommend``. A request served
  in a context (the log's ``context``: the columns and ``timestamp`` the model was given)
  is recomputed in that same context (``score``/``recommend``/``build`` with
  ``context=``), so a context feature computed differently online shows as a mismatch;
- **re-ranked lists** (a ``reranked`` version): when its retrieval was exact, the logged
  list and scores must be the start of the model's own ``rerank_lists`` (the chain's
  output); after approximate retrieval the chain saw other candidates, so the request is
  skipped with that reason.

Requests whose list a chain of the service's settings re-ranked (sources naming a
re-ranker) are skipped: the chain is configuration of the service, not of the version; so
are a ``reranked`` version's lists for new visitors (no training row to recompute them
from).
"""

from __future__ import annotations

import json
import math
import numbers
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd
import scipy.sparse as sp

from recstack.atomic import checked_path, folder_problem
from recstack.errors import ConfigError, RecstackError, shown_number
from recstack.serving._arguments import as_whole, is_real
from recstack.serving.registry import ModelRegistry
from recstack.serving.request_log import read_log
from recstack.serving.two_stage import candidate_context, frame_values
from recstack.specs import arguments_named
from recstack.strict_json import refuse_endless_integer

if TYPE_CHECKING:
    from recstack.pipeline.two_stage import TwoStage

__all__ = ["SkewReport", "check_skew", "render_skew"]

_EXACT_SOURCES = {"exact", "model"}
# what every request log since the first has; ``context`` and ``exclude_seen`` came later
# and are read when present
_REQUIRED = ["request_id", "endpoint", "user_id", "model", "k", "input_items", "items",
             "scores", "sources", "vector_source", "fallback", "features"]


@dataclass
class SkewReport:
    """How many requests were recomputed, how many differed, which were skipped (with the
    reason), and one row per mismatch (``request_id``, ``model``, ``what``, ``detail``)."""

    checked: int = 0
    mismatched: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    mismatches: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["request_id", "model", "what", "detail"]))

    @property
    def mismatch_rate(self) -> float:
        return self.mismatched / self.checked if self.checked else float("nan")


@arguments_named
def check_skew(log_dir: str | Path, registry: ModelRegistry | str | Path, *,
               tolerance: float = 1e-4, limit: int | None = None) -> SkewReport:
    """Recompute the logged requests under ``log_dir`` (the service's ``log_dir`` or its
    ``requests`` folder) with the versions in ``registry``; see the module docstring.
    ``limit``: check at most this many requests (the newest)."""
    from recstack.metrics._validation import exact_as_float
    from recstack.specs import number_spelling_hint

    # read by the metrics' rule (exact_as_float): Decimal("1e-4") was refused as "not a
    # finite number", and "1e-4" (text) without saying that quotes make it text
    given_tolerance, tolerance = tolerance, exact_as_float(tolerance)
    if not is_real(tolerance) or not 0 <= float(tolerance) < float("inf"):
        # NaN compared false with every gap: every request passed whatever it served
        raise ConfigError(f"tolerance must be a finite number >= 0 (relative, e.g. 1e-4), "
                          f"got {shown_number(given_tolerance)}"
                          f"{number_spelling_hint(given_tolerance, float, 'tolerance')}")
    tolerance = float(tolerance)
    given, limit = limit, (None if limit is None else as_whole(limit))
    if given is not None and (limit is None or limit < 1):
        # tail(0) checked nothing and passed; tail(-1) checked all but the first request
        raise ConfigError(f"limit must be a whole number of requests >= 1 (or None for all), "
                          f"got {shown_number(given)}"
                          f"{number_spelling_hint(given, int, 'limit')}")
    if not isinstance(registry, ModelRegistry):
        registry = ModelRegistry(registry)
    folder = checked_path(log_dir, "log_dir")
    log = read_log(folder / "requests" if (folder / "requests").is_dir() else folder,
                           "requests", _REQUIRED)
    # a wrong --registry would skip every request and pass with "0 recomputed"
    state = None if registry.is_remote else folder_problem(Path(registry.root))
    if state is not None:
        raise RecstackError(f"registry {registry.root}: {state}; give the registry "
                            "the service served from")
    if not registry.names():
        raise RecstackError(f"registry {registry.root}: holds no model; give the registry "
                            "the service served from")
    if limit is not None:
        log = log.tail(int(limit))
    _check_names(log)
    repeated = _repeated_requests(log)
    from recstack.pipeline.rerank import available_rerankers

    rerankers = set(available_rerankers())
    report = SkewReport()
    problems: list[dict[str, Any]] = []

    def skip(reason: str) -> None:
        report.skipped[reason] = report.skipped.get(reason, 0) + 1

    for _ in range(int(repeated.sum())):
        skip("logged again under the same request_id (a part of the log copied twice?)")
    log = log[~repeated]
    for reference, group in log.groupby("model", sort=False):
        try:
            version = registry.load(str(reference))
        except RecstackError as error:
            # the registry's own reason: "is no longer in the registry" was said of a
            # damaged version too, and of a name in another case ('ALS@1' for 'als@1')
            reason = str(error).splitlines()[0] if str(error) else type(error).__name__
            for _ in range(len(group)):
                skip(f"{reference} cannot be loaded from the registry: {reason}")
            continue
        model = version.model
        exact_index = version.index is None or version.index.backend == "exact"
        lookup = {str(i): j for j, i in enumerate(model.items_.external_ids.tolist())}
        users = {str(u): j for j, u in enumerate(model.users_.external_ids.tolist())}
        for row in group.itertuples(index=False):
            _check_route(row)
            if row.fallback is not None and not pd.isna(row.fallback):
                skip("popularity fallback")
                continue
            if row.vector_source == "store":
                skip("user vector from the embedding store")
                continue
            if row.endpoint not in ("user", "new-user"):
                skip(f"{row.endpoint} not recomputed")
                continue
            _check_row(row)
            if not len(row.items):
                skip(f"{row.endpoint} not recomputed")
                continue
            item_index = np.array([lookup.get(i, -1) for i in row.items])
            if (item_index < 0).any():
                problems.append(_problem(row, "items", "logged items not in the catalog"))
                report.checked += 1
                report.mismatched += 1
                continue
            logged = np.asarray(row.scores, dtype=np.float64)
            if model.name == "reranked" and row.endpoint == "user":
                known = users.get(row.user_id)
                if known is None:
                    skip("user not in the model")
                elif not exact_index:
                    skip("re-ranked after approximate retrieval")
                else:
                    report.checked += 1
                    differs = _reranked(row, model, known, item_index, logged, tolerance)
                    report.mismatched += bool(differs)
                    problems.extend(differs)
                continue
            if set(row.sources) & rerankers:
                skip("a new visitor's re-ranked list" if model.name == "reranked"
                     else "re-ranked by the service's chain")
                continue
            user: int | None = None
            context = _logged_context(row) if model.name == "two_stage" else None
            if row.endpoint == "user":
                user = users.get(row.user_id)
                if user is None:
                    skip("user not in the model")
                    continue
                pairs = (model.users_.external_ids[np.full(len(item_index), user)],
                         model.items_.external_ids[item_index])
                recomputed = (model.score(*pairs) if model.name != "two_stage"
                              else cast("TwoStage", model).score(
                                  *pairs, context=context, exclude_seen=_exclude_seen(row)))
            else:
                posted = np.unique([lookup[i] for i in row.input_items if i in lookup])
                history = sp.csr_matrix((np.ones(len(posted), np.float32), posted,
                                         [0, len(posted)]), shape=(1, len(lookup)))
                scored = (model.score_histories(history) if context is None  # TwoStage's
                          else cast("TwoStage", model).score_histories(history,
                                                                       context=context))
                recomputed = np.asarray(scored)[0, item_index]
            report.checked += 1
            differs = []
            gap = np.abs(logged - recomputed)
            if (gap > tolerance * np.maximum(1.0, np.abs(recomputed))).any():
                worst = int(np.argmax(gap))
                differs.append(_problem(row, "scores", f"position {worst + 1}: logged "
                                        f"{logged[worst]:.6g}, recomputed "
                                        f"{recomputed[worst]:.6g}"))
            if user is not None and set(row.sources) <= _EXACT_SOURCES:
                expected = model.recommend(model.users_.external_ids[[user]],
                                           int(row.k), exclude_seen=_exclude_seen(row))[0][0]
                expected = [str(i) for i in expected[:len(row.items)].tolist()]
                if list(row.items) != expected:
                    differs.append(_problem(row, "items", f"logged {list(row.items)[:5]}..., "
                                            f"recomputed {expected[:5]}..."))
            if model.name == "two_stage" and user is not None:
                differs.extend(_two_stage(row, model, user, tolerance, context))
            if differs:
                report.mismatched += 1
                problems.extend(differs)
    if problems:
        report.mismatches = pd.DataFrame(problems)
    return report


@arguments_named
def render_skew(report: SkewReport, *, show: int = 20) -> str:
    """The report as text: counts, the skipped requests by reason, and the first ``show``
    mismatches as a Markdown table (what a ``recstack skew`` command prints)."""
    given, whole = show, as_whole(show)
    if whole is None or whole < 0:
        # show=-1 listed every mismatch but the last (pandas' head(-1)), and text failed
        # inside pandas
        from recstack.specs import number_spelling_hint

        raise ConfigError(f"render_skew: show must be a whole number of mismatches >= 0, "
                          f"got {shown_number(given)}"
                          f"{number_spelling_hint(given, int, 'show')}")
    show = whole
    if not isinstance(report, SkewReport):
        # a dict or the log's path was an AttributeError ("'dict' object has no attribute
        # 'checked'")
        raise ConfigError(f"render_skew: report must be the SkewReport that check_skew "
                          f"returns, got {type(report).__name__}; call "
                          "render_skew(check_skew(log_dir, registry))")
    from recstack.serving.online import markdown_cell

    rate = "n/a" if not report.checked else f"{report.mismatch_rate:.2%}"
    lines = [f"requests recomputed: {report.checked}; with a mismatch: {report.mismatched} "
             f"({rate})"]
    lines += [f"skipped ({count}): {reason}" for reason, count in sorted(report.skipped.items())]
    if len(report.mismatches):
        lines += ["", "| request | model | what | detail |", "|---|---|---|---|"]
        for row in report.mismatches.head(show).itertuples(index=False):
            lines.append("| " + " | ".join(markdown_cell(value) for value in (
                row.request_id, row.model, row.what, row.detail)) + " |")
        if len(report.mismatches) > show:
            lines.append(f"... and {len(report.mismatches) - show} more")
    return "\n".join(lines)


def _reranked(row: Any, model: Any, user: int, item_index: np.ndarray, logged: np.ndarray,
              tolerance: float) -> list[dict[str, Any]]:
    """A ``reranked`` version's logged list against its own chain's list for the user."""
    items, scores = model.rerank_lists(np.array([user]))
    n = len(item_index)
    if not np.array_equal(items[0][:n], item_index):
        return [_problem(row, "items", f"logged {list(row.items)[:5]}..., recomputed "
                         f"{[str(i) for i in model.items_.external_ids[items[0][:5]]]}...")]
    gap = np.abs(logged - scores[0][:n])
    if (gap > tolerance * np.maximum(1.0, np.abs(scores[0][:n]))).any():
        worst = int(np.argmax(gap))
        return [_problem(row, "scores", f"position {worst + 1}: logged {logged[worst]:.6g}, "
                         f"recomputed {scores[0][worst]:.6g}")]
    return []


def _logged_context(row: Any) -> dict[str, Any] | None:
    """The context a request was served in (None in logs written before it was logged)."""
    text = getattr(row, "context", None)
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return None
    return dict(json.loads(text)) or None


def _two_stage(row: Any, model: Any, user: int, tolerance: float,
               context: dict[str, Any] | None) -> list[dict[str, Any]]:
    """A ``two_stage`` version's logged features against the offline features, in the
    logged context."""
    if row.features is None or pd.isna(row.features):
        return [_problem(row, "features", "no features logged for a two-stage request")]
    try:
        logged = json.loads(row.features, parse_int=refuse_endless_integer)
        if not isinstance(logged, dict):
            raise ValueError("not a JSON object")
    except ValueError as error:
        raise RecstackError(f"{_where(row)}: 'features' is not the JSON object the service "
                            f"writes ({error})") from None
    candidates = model.candidates(np.array([user]), exclude_seen=_exclude_seen(row))
    frame = model.builder_.build(candidates, model.state_,
                                 context=candidate_context(model, context, len(candidates)))
    names = [f.name for f in frame.schema.features]
    if list(logged["columns"]) != names:
        return [_problem(row, "features", f"logged columns {logged['columns']} are not the "
                         f"model's {names}")]
    offline = frame_values(frame)
    position = {item: r for r, item in enumerate(candidates.items.tolist())}
    problems = []
    for item, values in zip(logged["items"], logged["values"], strict=True):
        if item not in position:
            problems.append(_problem(row, "features", f"item {model.items_.external_ids[item]}"
                                     " was served but is not an offline candidate"))
            continue
        served = np.array([np.nan if v is None else v for v in values], np.float64)
        expected = offline[position[item]]
        same = (np.isclose(served, expected, rtol=tolerance, atol=tolerance)
                | (np.isnan(served) & np.isnan(expected)))
        if not same.all():
            column = int(np.flatnonzero(~same)[0])
            problems.append(_problem(
                row, "features", f"item {model.items_.external_ids[item]}, feature "
                f"{names[column]!r}: logged {served[column]:.6g}, recomputed "
                f"{expected[column]:.6g}"))
    retrieval = set(logged.get("retrieval", {}).values())
    if retrieval <= _EXACT_SOURCES and not problems:
        expected_items = model.recommend(model.users_.external_ids[[user]], int(row.k),
                                         exclude_seen=_exclude_seen(row),
                                         context=context)[0][0]
        expected_items = [str(i) for i in expected_items[:len(row.items)].tolist()]
        if list(row.items) != expected_items:
            problems.append(_problem(row, "items", f"logged {list(row.items)[:5]}..., "
                                     f"recomputed {expected_items[:5]}..."))
    return problems


def _exclude_seen(row: Any) -> bool:
    """How the request was served; logs written before the column are all True."""
    value = getattr(row, "exclude_seen", True)
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return True
    return bool(value)


def _where(row: Any) -> str:
    return f"{row.log_file_}: row {row.log_row_} (request {row.request_id})"


def _check_row(row: Any) -> None:
    """Refuse a row the recomputation would trip over (a log edited by hand or written by
    something else), naming its file, row and request."""
    def refuse(problem: str) -> None:
        raise RecstackError(f"{_where(row)}: {problem}; restore the row or move the file "
                            "out of the log folder")

    for column in ("items", "scores", "sources"):
        if not isinstance(getattr(row, column), np.ndarray | list):
            refuse(f"{column!r} is {getattr(row, column)!r}, expected a list")
    if row.endpoint == "new-user" and not isinstance(row.input_items, np.ndarray | list):
        refuse(f"'input_items' is {row.input_items!r}, expected the posted items")
    _check_ids(row, "items", "the items served")
    if row.endpoint == "new-user":
        _check_ids(row, "input_items", "the posted items")
    elif not isinstance(row.user_id, str):
        # a number (a log converted by another tool) matched no user of the model, whose
        # ids are text: every request was skipped as "user not in the model" and the check
        # passed having recomputed none
        refuse(f"'user_id' is {_kind_of(row.user_id)}; expected the user's id as text, as "
               "the service writes it")
    if len(row.scores) != len(row.items):
        refuse(f"'scores' holds {len(row.scores)} value(s) for {len(row.items)} item(s); "
               "expected one score per item")
    # text was numpy's ValueError; a missing (NaN) score compared false with every
    # tolerance, so the request counted as recomputed without a mismatch
    try:
        scores = np.asarray(row.scores, dtype=np.float64)
    except (TypeError, ValueError):
        scores = None
    # text (["0.84"]) was read as its number and true/false as 1 and 0
    wrong = next((p for p, s in enumerate(row.scores) if isinstance(s, bool | np.bool_)
                  or not isinstance(s, numbers.Real)), None)
    if wrong is not None or scores is None or scores.ndim != 1 or not np.isfinite(scores).all():
        bad = wrong if wrong is not None else next(
            (p for p, s in enumerate(row.scores) if not math.isfinite(s)), 0)
        value = row.scores[bad]
        shown = (_kind_of(value) if isinstance(value, bool | np.bool_)
                 else repr(float(value)) if isinstance(value, numbers.Real) else repr(value))
        refuse(f"'scores' holds {shown} at position {bad + 1}; expected a finite number "
               "per item")
    seen = getattr(row, "exclude_seen", None)
    if not (seen is None or seen is pd.NA or isinstance(seen, bool | np.bool_)
            or (isinstance(seen, float) and np.isnan(seen))):
        # bool() of any text is True: "false" was recomputed with the seen items excluded
        refuse(f"'exclude_seen' is {seen!r}; expected true or false")
    k = row.k
    # text, true/false and infinities failed in int() with a traceback, or were read as 1
    if isinstance(k, bool | np.bool_) or not isinstance(k, numbers.Real) \
            or not math.isfinite(k) or not float(k).is_integer() or k < 1:
        refuse(f"'k' is {_kind_of(k)}; expected a whole number >= 1")
    if int(k) < len(row.items):
        refuse(f"'k' is {int(k)} but {len(row.items)} items were logged; expected k >= "
               "the number of items")
    text = getattr(row, "context", None)
    if isinstance(text, str):
        try:
            if not isinstance(json.loads(text, parse_int=refuse_endless_integer), dict):
                raise ValueError("not a JSON object")
        except ValueError as error:
            refuse(f"'context' is not the JSON object the service writes ({error})")


def _kind_of(value: Any) -> str:
    """A logged value as a message names it: ``'5' (text)``, ``True (true/false)``,
    ``missing``, or its repr (a numpy number as the Python number it is)."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "missing"
    if isinstance(value, str):
        return f"{value!r} (text)"
    if isinstance(value, bool | np.bool_):
        return f"{bool(value)} (true/false)"
    if isinstance(value, np.generic):
        value = value.item()  # 24, not np.int64(24)
    if isinstance(value, numbers.Number):
        return repr(value)
    return f"{value!r:.60}"


def _check_ids(row: Any, column: str, what: str) -> None:
    """Refuse a list of ``column`` (item ids) holding anything but text: a missing id, or
    numbers (a log converted by another tool), which matched no item of the model, whose
    ids are text (posted items were dropped, served ones were said to be "not in the
    catalog")."""
    for position, value in enumerate(getattr(row, column)):
        if not isinstance(value, str):
            raise RecstackError(f"{_where(row)}: {column!r} holds {_kind_of(value)} at "
                                f"position {position + 1}; expected {what} as item ids in "
                                "text, as the service writes them; restore the row or move "
                                "the file out of the log folder")


def _check_route(row: Any) -> None:
    """Refuse a ``fallback`` or ``vector_source`` that is neither text nor missing: they
    decide whether a request is recomputed, and ``fallback`` False (a log converted by
    another tool, where no fallback is false) skipped every request as a popularity
    fallback, the check passing having recomputed none."""
    for column, expected in (("fallback", "the fallback's reason as text, or missing"),
                             ("vector_source", "where the user vector came from as text, "
                              "or missing")):
        value = getattr(row, column)
        if not (isinstance(value, str) or _kind_of(value) == "missing"):
            raise RecstackError(f"{_where(row)}: {column!r} is {_kind_of(value)}; expected "
                                f"{expected}; restore the row or move the file out of the "
                                "log folder")


#: the endpoints a request log names (``similar`` is not recomputed)
_ENDPOINTS = ("user", "new-user", "similar")


def _check_names(log: pd.DataFrame) -> None:
    """Refuse a row whose ``model`` or ``endpoint`` is not text: grouping by model dropped
    rows without one (the check passed having recomputed none of them), and a missing
    endpoint was skipped as "nan not recomputed", as a misspelt one ("usr") was, so that
    a log whose endpoints were all edited passed having recomputed none."""
    for column, expected in (("model", "the name@version that served the request"),
                             ("endpoint", "'user', 'new-user' or 'similar'")):
        wrong = ~log[column].map(lambda value: isinstance(value, str))
        if wrong.any():
            row = next(log[wrong].itertuples(index=False))
            raise RecstackError(f"{_where(row)}: {column!r} is {getattr(row, column)!r}; "
                                f"expected {expected}; restore the row or move the file "
                                "out of the log folder")
    unknown = ~log["endpoint"].isin(_ENDPOINTS)
    if unknown.any():
        from recstack.specs import did_you_mean

        row = next(log[unknown].itertuples(index=False))
        raise RecstackError(f"{_where(row)}: 'endpoint' is {row.endpoint!r}"
                            f"{did_you_mean(row.endpoint, _ENDPOINTS)}; expected 'user', "
                            "'new-user' or 'similar'; restore the row or move the file out "
                            "of the log folder")


def _repeated_requests(log: pd.DataFrame) -> np.ndarray:
    """Which rows repeat the ``request_id`` of an earlier row, said once in a warning that
    names both: a part of the log copied beside itself (restored from a backup, a second
    name) recomputed each of its requests twice, counting each mismatch twice. Each
    request is recomputed once, from its first row."""
    ids = log["request_id"]
    repeated = (ids.duplicated(keep="first") & ids.notna()).to_numpy()
    if repeated.any():
        import warnings

        from recstack.data.interactions import caller_stacklevel

        again = int(repeated.argmax())
        first = int((ids == ids.iloc[again]).to_numpy().argmax())
        rows = [next(log.iloc[[position]].itertuples(index=False))
                for position in (again, first)]
        warnings.warn(
            f"{rows[0].log_file_}: row {rows[0].log_row_} logs request "
            f"{rows[0].request_id} again (first at {rows[1].log_file_}: row "
            f"{rows[1].log_row_}); {int(repeated.sum()):,} row(s) repeat a request_id and "
            "are not recomputed again: is a part of the log copied beside itself?",
            UserWarning, stacklevel=caller_stacklevel())
    return repeated


def _problem(row: Any, what: str, detail: str) -> dict[str, Any]:
    return {"request_id": row.request_id, "model": row.model, "what": what, "detail": detail}
