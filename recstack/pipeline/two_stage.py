"""The two-stage recommender: candidate generators narrow the catalog, a learned ranker orders
the candidates, and the whole is one model behind the model contract (fit, recommend,
score, save/load), registered as ``two_stage`` for experiment files::

    [[models]]
    type = "two_stage"
    generators = [{type = "ease", regularization = 500.0}, {type = "rp3beta"}]
    ranker = {type = "lightgbm", loss = "binary"}
    features = {half_life_days = 14.0}
    n_candidates = 100
"""

from __future__ import annotations

import json
import math
import os
import tempfile
import warnings
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path, PurePosixPath
from typing import Any, ClassVar

import numpy as np
import scipy.sparse as sp

from recstack.data.interactions import Interactions, caller_stacklevel
from recstack.data.splits import share_count
from recstack.errors import ConfigError, RecstackError, counted, echoed, shown
from recstack.models.base import (
    NOT_GIVEN,
    Param,
    Recommender,
    _as_ids,
    _lookup,
    _the_models,
    check_batch_size,
    check_call,
    check_list_length,
    models_taking,
)
from recstack.models.persistence import ArraySpec, SparseSpec, rebound_spec
from recstack.models.registry import (
    create_declared,
    refuse_refitted_checkpoints,
    refuse_repeated_models,
    register,
)
from recstack.pipeline.bandit_checks import as_index_array
from recstack.pipeline.candidates import (
    Candidates,
    generate_candidates,
    score_candidates,
    source_names,
)
from recstack.pipeline.features import (
    CONTEXT_TIME,
    FeatureBuilder,
    HistoryState,
    label_context,
    request_context,
)
from recstack.pipeline.settings import (
    ReadOnlyWith,
    refuse_unread_settings,
    setting_of_another_step,
)
from recstack.pipeline.training_data import (
    make_training_data,
    time_window,
    untrained_items,
    user_window,
    window_cutoff,
)
from recstack.progress import Progress, resolve
from recstack.specs import did_you_mean
from recstack.topk import (
    DEFAULT_MEMORY_BUDGET_BYTES,
    mask_rows,
    pad_columns,
    top_k_batched,
    writable_scores,
)

_GENERATOR = "g{}__"
_SCORER = "s{}__"
_FEATURES = "f__"
_RANKER = "r__"


class UnusedContextWarning(UserWarning):
    """A serving context gave columns that no context feature of the model reads."""


@register
class TwoStage(Recommender):
    """Candidates from several generators, ordered by a learned ranker over rich features.

    *Fitting* (all from the ``train`` given, never the test split): with ``window="time"``
    the training log is cut at the time that leaves its latest ``label_fraction`` of rows
    in a label window (:func:`~recstack.pipeline.training_data.window_cutoff`); with
    ``window="user"`` each user's last ``user_labels`` rows are the label window
    (:func:`~recstack.pipeline.training_data.user_window`, mirroring a per-user temporal
    evaluation). Fresh generators are fitted on the rows before the window and propose
    ``n_candidates`` items each to the users active in it; the candidates the users
    interacted with in the window are the positives, the rest negatives (optionally
    sampled, or class-weighted); their features come from the rows outside the window only
    (:mod:`recstack.pipeline.training_data`). The ranker learns from these examples. The
    generators are then refitted on all of ``train``, and serving features are computed
    from all of it.

    *Scorers* (optional) propose nothing but score every candidate; their scores are the
    ``similarity_<name>`` features (e.g. ``{type = "content"}``: the text similarity of the
    item to the user's history, when the item table has text).

    *Scoring*: a user's candidates (the union of the generators' top ``n_candidates``
    unseen items, or its first ``candidates_per_user`` items in interleaved rank order:
    :func:`~recstack.pipeline.candidates.generate_candidates`; never an item no generator
    learned anything of, i.e. without training rows, or for a content generator without
    rows and content) get the ranker's score;
    every other item gets a score below every candidate of that user (ordered among
    themselves by training popularity), so a full-catalog evaluation ranks the whole
    catalog and stays honest.

    *Context*: when the training log has a per-row context (a device, a page...), its
    columns are features (``features = {context_columns = [...], context_time = true}``;
    see :mod:`recstack.pipeline.features`): each training example takes its label row's
    own context, and :meth:`recommend` / :meth:`score` take the request's as
    ``context=``. Without it (as in an offline evaluation) the context features are the
    unknown level.

    *Saving*: one artifact (``arrays.npz`` + ``model.json``, checked and checksummed by
    :mod:`recstack.models.persistence`): the generators' and scorers' learned arrays under
    ``g<k>__`` and ``s<k>__`` (checked against their own declarations, as a blend's
    members), the fitted feature
    builder and its history statistics under ``f__``, and the files of the ranker's own
    format (LightGBM text, safetensors + JSON...) byte for byte under ``r__``, read back
    with :func:`recstack.pipeline.rankers.load_ranker`.

    Attributes
    ----------
    generators_ : list of Recommender
        The generators, refitted on all of ``train``.
    scorers_ : list of Recommender
        The scorers, refitted on all of ``train``.
    ranker_ : Ranker
        The fitted ranker.
    builder_ : FeatureBuilder
        The fitted feature builder (its ``schema_`` is the ranker's input).
    state_ : HistoryState
        The serving features' statistics (all of ``train``, cutoff after its last row).
    training_cutoff_ : int
        The cutoff of the ranker's examples (not saved: -1 after loading).
    training_candidate_recall_ : float
        The candidates' recall of the label window's items (NaN after loading).
    """

    name = "two_stage"
    # a user without training rows gets the inner models' stand-in, which
    # the steps after it then work on: popularity put in afterwards would undo them
    own_ranking_without_history = "its candidate generators' answer (their own stand-ins), ranked"
    #: the sampling rate is read by the negative sampling, each window's size by its window
    #: (:mod:`recstack.pipeline.settings`)
    read_only_with: ClassVar[ReadOnlyWith] = {
        "negative_rate": ("negatives", ("uniform", "hard")),
        "label_fraction": ("window", ("time",)),
        "user_labels": ("window", ("user",)),
    }
    params: ClassVar[dict[str, Param]] = {
        "generators": Param((list, tuple), element=Param(dict),
                            default=({"type": "ease"}, {"type": "rp3beta"},
                                     {"type": "most_popular"}),
                            doc="The candidate generators: each a table with 'type' (a "
                                "registered model) and its hyperparameters."),
        "scorers": Param((list, tuple), element=Param(dict), default=(),
                         doc="Models that propose nothing but score every candidate (e.g. "
                             "{type = 'content'}: text similarity to the user's history)."),
        "ranker": Param(dict, default={"type": "lightgbm", "loss": "binary"},
                        doc="The ranker: a table with 'type' (a registered ranker) and its "
                            "hyperparameters, the loss among them."),
        "features": Param(dict, default={},
                          doc="Feature options: half_life_days, item_columns, user_columns, "
                              "max_levels, context_columns, context_time, label_separator "
                              "(see recstack.pipeline.features)."),
        "n_candidates": Param(int, low=1, high=10_000, default=100,
                              doc="Items each generator proposes per user."),
        "candidates_per_user": Param(int, low=1, high=10_000, optional=True, default=None,
                                     doc="Candidates ranked per user at serving: the first "
                                         "this many distinct items of the generators' lists "
                                         "read in interleaved rank order (at most "
                                         "n_candidates); None: the whole union. The ranker "
                                         "learns from the whole union either way."),
        "window": Param(str, choices=("time", "user"), default="time",
                        doc="How the ranker's labels are cut from the training data: 'time' "
                            "(the latest label_fraction of rows, one cutoff for all) or "
                            "'user' (each user's last user_labels rows)."),
        "label_fraction": Param((int, float), low=0, high=1, low_inclusive=False,
                                high_inclusive=False, default=0.2,
                                doc="window='time': share of the training rows, latest in "
                                    "time, whose interactions label the ranker's examples."),
        "user_labels": Param(int, low=1, high=10_000, default=5,
                             doc="window='user': each user's latest rows that label the "
                                 "ranker's examples."),
        "negatives": Param(str, choices=("all", "uniform", "hard"), default="all",
                           doc="Negative sampling among the candidates: 'all', 'uniform' or "
                               "'hard' (best generator rank first)."),
        "negative_rate": Param((int, float), low=0, high=1, low_inclusive=False, default=1.0,
                               doc="Share w of the negatives kept by the sampling."),
        "class_weight": Param(str, choices=("none", "balanced"), default="none",
                              doc="'balanced' weights each class by N / (2 N_c)."),
        "seed": Param(int, low=0, default=0, doc="Seeds the negative sampling."),
    }

    # ------------------------------------------------------------------ declarations
    @classmethod
    def _setting_elsewhere(cls, key: str) -> str:
        # a feature option, a ranker's or a generator's setting written in the model's own
        # table (TwoStage(half_life_days=7), learning_rate = 0.05 beside ranker) was "no
        # parameter 'half_life_days'": each is told the table it goes in
        from recstack.pipeline.features import _OPTIONS

        places = []
        if key in _OPTIONS:
            places.append(f"a feature option: write it in the model's features table "
                          f"(features = {{{key} = ...}})")
        # the rankers' (asked as from the features table, which names the ranker table;
        # the model's own table holds no key refused here)
        ranker = setting_of_another_step(key, "features")
        if ranker:
            places.append(ranker)
        owners = models_taking(key, but=cls.name)
        if owners:
            places.append(f"a setting of {_the_models(owners)}: write it in the generator's "
                          f"table (generators = [{{type = {owners[0]!r}, {key} = ...}}])")
        return "; it is also ".join(places)

    def validate_params(self) -> None:
        from recstack.pipeline.rerank.base import refuse_bare_names

        refuse_bare_names(self.name, {"generators": self.generators, "scorers": self.scorers,
                                      "ranker": self.ranker})
        super().validate_params()
        if not self.generators:
            raise ConfigError(f"{self.name}: generators must name at least one model, e.g. "
                              "[{type = 'ease'}, {type = 'rp3beta'}]")
        # the same model twice proposes (or scores) the same items twice: its features are
        # copies of each other's, and a second n_candidates adds nothing
        refuse_repeated_models(self._generators(), self.name, "generators",
                               "a generator listed twice proposes the same candidates twice")
        refuse_repeated_models(self._scorers(), self.name, "scorers",
                               "a scorer listed twice gives the same feature twice")
        if self.candidates_per_user is not None and self.candidates_per_user > self.n_candidates:
            raise ConfigError(f"{self.name}: candidates_per_user = {self.candidates_per_user} "
                              f"exceeds n_candidates = {self.n_candidates} (each generator "
                              "proposes n_candidates items; raise it or lower "
                              "candidates_per_user)")
        kind = self.ranker.get("type")
        if not isinstance(kind, str):
            raise ConfigError(f"{self.name}: ranker needs a 'type' naming a ranker, e.g. "
                              "{type = 'lightgbm'}; got " + repr(self.ranker))
        # an unknown or misconfigured ranker is named when the file is read, not after
        # every generator has been fitted
        self._new_ranker()
        try:
            FeatureBuilder.from_options(dict(self.features),
                                        f"{self.name}: features")._validate()
        except ConfigError as error:
            message = str(error)
            # the builder's own checks say "features: ..."; name the model too
            raise ConfigError(message if message.startswith(self.name)
                              else f"{self.name}: {message}") from None

    def _generator(self, position: int) -> Recommender:
        """An unfitted generator built from its declaration; errors name it."""
        return self._declared("generators", position)

    def _scorer(self, position: int) -> Recommender:
        """An unfitted scorer built from its declaration; errors name it."""
        return self._declared("scorers", position)

    def _declared(self, kind_list: str, position: int) -> Recommender:
        return create_declared(getattr(self, kind_list)[position],
                               f"{self.name}: {kind_list}[{position}]", container=self.name,
                               written=self._as_written(kind_list, position),
                               nesting="a two-stage model cannot serve inside another; "
                                       "list its generators directly")

    def _generators(self) -> list[Recommender]:
        return [self._generator(p) for p in range(len(self.generators))]

    def _scorers(self) -> list[Recommender]:
        return [self._scorer(p) for p in range(len(self.scorers))]

    def _new_ranker(self) -> Any:
        spec = {key: value for key, value in self.ranker.items() if key != "type"}
        kind = self.ranker["type"]
        create = getattr(_rankers(), "create_ranker", None)
        if create is None:
            raise RecstackError(f"{self.name}: this recstack has no rankers "
                                "(recstack.pipeline.rankers.create_ranker is missing)")
        try:
            ranker = create(kind, **spec)
            ranker.validate_params()  # an unsupported loss is refused before any work
        except ConfigError as error:
            raise ConfigError(f"{self.name}: ranker ({kind}): {error}") from None
        return ranker

    # ------------------------------------------------------------------ training
    def _fit(self, train: Interactions, progress: Progress | None) -> None:
        # at fit, before any generator: a saved model whose setting was ignored still loads
        refuse_unread_settings(self.name, self, self.read_only_with, tune_hint=True)
        declared = self._new_ranker()
        refuse_unread_settings(f"{self.name}: ranker ({declared.name})", declared,
                               declared.read_only_with)
        refuse_refitted_checkpoints(
            self.name, [(f"generators[{p}]", g) for p, g in enumerate(self._generators())]
            + [(f"scorers[{p}]", m) for p, m in enumerate(self._scorers())],
            "a two-stage model fits each generator and scorer twice (on the history window "
            "for the ranker's examples, then on all the training data)",
            "leave checkpoint_dir out of the two-stage model's generators and scorers")
        if train.timestamp is None:
            raise RecstackError(
                f"{self.name}: the training data have no timestamps; the ranker learns from "
                "a later time window than the history its features see, which needs them "
                "(load the data with its timestamp column)")
        reporter = resolve(progress)
        builder = FeatureBuilder.from_options(dict(self.features), f"{self.name}: features")
        sources = source_names(self._generators())
        if self.window == "time":
            self._refuse_time_cut(train)
            try:
                cutoff = window_cutoff(train, self.label_fraction)
                history, window = time_window(train, cutoff)
            except RecstackError as error:
                # "training data: every interaction before the label window shares the
                # first timestamp" named no model
                _name_model(error, self.name, _EXAMPLES)
                raise
        else:
            most = int(train.user_counts().max()) if len(train) else 0
            if most <= self.user_labels:
                # the split's own message named its n and "choose an n", not this setting
                raise ConfigError(
                    f"{self.name}: window = 'user' labels each user's last user_labels = "
                    f"{counted(self.user_labels, 'row')}, only for users with more rows than "
                    "that (one "
                    f"at least stays in the history), and the most any user has in the "
                    f"training data is {most:,}; set user_labels to at most "
                    f"{max(most - 1, 1):,}, or use window = 'time'")
            try:
                history, window, cutoff = user_window(train, self.user_labels)
            except RecstackError as error:
                # "training data: the per-user label window ... failed" named no model,
                # where the time window's refusals name it
                _name_model(error, f"{self.name}: window = 'user', user_labels = "
                                   f"{self.user_labels}", _EXAMPLES)
                raise
        ranker = self._new_ranker()
        with reporter.task(f"{self.name}: ranker examples", total=1) as task:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                try:
                    data = make_training_data(
                        history, window, self._generators, builder, cutoff=cutoff,
                        n_candidates=self.n_candidates, sources=sources,
                        negatives=self.negatives, negative_rate=self.negative_rate,
                        balanced=self.class_weight == "balanced", seed=self.seed,
                        make_scorers=self._scorers)
                except RecstackError as error:
                    if not self._name_nested_model(error, "the history window"):
                        self._name_example_window(error, cutoff, window)
                        # the feature builder's own refusals ("features: item_columns =
                        # [...], but the data have no item table") named no model, where
                        # the same options checked by validate_params do
                        _name_model(error, self.name, "features:")
                    raise
            self._warn_from_history_window(caught, history, train, cutoff)
            task.advance()
            task.report(examples=len(data.labels), positives=int(data.labels.sum()),
                        candidate_recall=data.candidate_recall)
        if builder.uses_context:
            # the examples' context is their label row's own (features.label_context)
            data.frame = builder.with_context(data.frame, label_context(
                data.frame.users, data.frame.items, data.labels, window, seed=self.seed))
        labels = data.labels
        if getattr(ranker, "label_columns", 1) == 2:
            labels = np.column_stack([labels, _window_ratings(data.frame, labels, window)])
        try:
            ranker.fit(data.frame, labels, sample_weight=data.weights, progress=progress)
        except RecstackError as error:
            # "logistic.fit: every label is 1" named neither the two-stage model nor that
            # the labels are its own examples'
            _name_model(error, f"{self.name}: ranker ({ranker.name}) on the examples of "
                               f"the label window", f"{ranker.name}.")
            if self.negatives == "uniform" and len(data.labels) \
                    and not (np.asarray(data.labels) == 0).any():
                # "every label is 1" left the user to find that their own negative_rate had
                # sampled every negative candidate away
                error.args = (f"{error}; negatives = 'uniform' at negative_rate = "
                              f"{self.negative_rate} kept none of the negative candidates: "
                              "raise negative_rate (1 keeps every one), or use negatives = "
                              "'all' or 'hard'", *error.args[1:])
            raise
        try:
            generators = [g.fit(train, progress=progress) for g in self._generators()]
            self.scorers_ = [m.fit(train, progress=progress) for m in self._scorers()]
        except RecstackError as error:
            self._name_nested_model(error, "the training data")
            raise
        end = int(train.timestamp.max()) + 1
        self.generators_ = generators
        self.ranker_ = ranker
        self.builder_ = builder
        self.state_ = builder.statistics(train, end)
        self.training_cutoff_ = data.cutoff
        self.training_candidate_recall_ = data.candidate_recall

    def _refuse_time_cut(self, train: Interactions) -> None:
        """window = 'time' where the rows at the first timestamp reach into the label
        window: the history before it would be empty. Refused saying what helps: on rows
        that all share one time no label_fraction can cut them (it was refused saying to
        "lower label_fraction", which could not help), and otherwise label_fraction at
        most the share of rows after the first time (the refusal said only "lower").

        The window's rows follow :func:`~recstack.pipeline.training_data.window_cutoff`:
        the one share rule of every split (:func:`~recstack.data.splits.share_count`,
        ``label_fraction x n`` to the nearest whole number, a half up, the fraction read as
        written), at most ``n - 1``. This check cut at the sorted row ``floor(n (1 - f))``
        in floating point, so 0.45 of 10 rows (5 by the share rule) was let through, and
        0.44 (4 rows) refused, where the cut itself then disagreed."""
        if not len(train):
            return  # refused by the window's own check, which says the data have no rows
        times = np.asarray(train.timestamp)
        first = int(times.min())
        at_first = int(np.count_nonzero(times == first))
        n = len(times)
        if at_first == n:
            raise RecstackError(
                f"{self.name}: window = 'time' cuts the training rows by time into a "
                f"history and a later label window, but all {n:,} of them have the same "
                f"timestamp {first}, so no label_fraction can; use window = 'user' (each "
                f"user's last user_labels rows label the ranker's examples, in row order "
                f"where times tie), or load the data with their real times")
        counted_rows = int(share_count(self.label_fraction, n))
        if counted_rows < 1:
            return  # no row at all: refused by window_cutoff, with the least share for one
        taken = min(counted_rows, n - 1)
        # the sorted row the label window starts at: rows before it are the history
        if n - taken >= at_first:
            return
        later = n - at_first
        # the largest fraction of six decimals that works, as a value to write: later / n
        # cut to six decimals, which the half-up rule counts as at most `later` rows
        best = Fraction(later * 10**6 // n, 10**6)
        remedy = (f"set label_fraction to at most {float(best):g} (the {later:,} rows after "
                  "that time are the most the label window can take), or use "
                  "window = 'user'" if best > 0 else "use window = 'user'")
        fraction = f"{float(self.label_fraction):g}"  # a Decimal or Fraction too
        rule = ("label_fraction x rows, rounded to the nearest whole number, a half up"
                + (f", at most {n - 1:,} so that a row is history" if taken < counted_rows
                   else ""))
        raise RecstackError(
            f"{self.name}: window = 'time', label_fraction = {fraction}: "
            f"{at_first:,} of the {n:,} training rows share the first timestamp {first}, "
            f"and the label window of the latest {fraction} of the rows "
            f"({counted(taken, 'row')}: {rule}) starts among them, leaving no history before "
            f"it; {remedy}")

    def _name_nested_model(self, error: RecstackError, on: str) -> bool:
        """Put the place of the generator or scorer that refused the data in front of its
        error ("mf predicts explicit ratings, but these interactions are implicit" named
        neither the two-stage model nor which of its models), as a blend names its
        members; the error keeps its type and fields. Found by the model name the error
        starts with (every model's own errors do); False when none of them said it."""
        text = str(error)
        places = [f"{kind}[{position}] ({entry['type']})"
                  for kind in ("generators", "scorers")
                  for position, entry in enumerate(getattr(self, kind))
                  if isinstance(entry, dict) and isinstance(entry.get("type"), str)
                  and text.startswith((f"{entry['type']}:", f"{entry['type']} "))]
        if not places or text.startswith(f"{self.name}:"):
            return False
        error.args = (f"{self.name}: {' or '.join(places)} could not be fitted on {on}: "
                      f"{text}", *error.args[1:])
        return True

    def _name_example_window(self, error: RecstackError, cutoff: int,
                             window: Interactions | None = None) -> None:
        """Put this model and its label window in front of the example builder's own
        errors: "training data: no user of the label window has any history" named neither
        the two-stage model nor the setting that made the window. The error keeps its type
        and fields, for callers that catch it."""
        cut = (f"window = 'time', label_fraction = {self.label_fraction}: the rows from "
               f"time {cutoff} on are the labels" if self.window == "time"
               else f"window = 'user': each user's last user_labels = {self.user_labels} "
                    "rows are the labels")
        _name_model(error, f"{self.name}: making the ranker's examples ({cut})", _EXAMPLES)
        if window is not None and self.window == "time" and "candidate recall 0" in str(error):
            # "ask for more candidates or other generators" was all it said, where a label
            # window of a few rows (a small label_fraction) is as likely the cause
            users = len(np.unique(window.user_index))
            error.args = (f"{error}, or give the label window more rows (it holds "
                          f"{len(window):,} row(s) of {users:,} user(s): raise "
                          "label_fraction)", *error.args[1:])

    def _warn_from_history_window(self, caught: list[warnings.WarningMessage],
                                  history: Interactions, train: Interactions,
                                  cutoff: int) -> None:
        """Say again each warning of the fits behind the ranker's examples (the generators
        and scorers fitted on the history window alone), saying where it comes from: an
        inner model's "20 user(s) have no training rows" read as if the whole training
        data had such users, when only the window's cut left them without history."""
        if not caught:
            return
        users = int(np.count_nonzero(np.bincount(history.user_index,
                                                 minlength=train.n_users)))
        cut = (f"those before time {cutoff} (window = 'time')" if self.window == "time"
               else f"without each user's last user_labels = {self.user_labels} (window = "
                    "'user')")
        where = (f"{self.name}: while making the ranker's examples, its generators and "
                 f"scorers were fitted on the history window alone ({len(history):,} of the "
                 f"{len(train):,} training rows, {cut}; {users:,} of {train.n_users:,} "
                 "users have rows there); the final generators are fitted on all the "
                 "training rows: ")
        for warning in caught:
            said: Warning | str
            # the example builder's own warnings (a negative_rate that kept no negative)
            # are of the examples, not of a fit on the history window: that preamble sent
            # the user to the generators
            text = str(warning.message)
            prefix = (f"{self.name}: making the ranker's examples: "
                      if text.startswith(_EXAMPLES) else where)
            try:
                said = warning.category(prefix + text)
            except TypeError:  # a warning class built from other arguments: as it was
                said = warning.message
            warnings.warn(said, stacklevel=caller_stacklevel())

    # ------------------------------------------------------------------ inference
    def candidates(self, user_indices: np.ndarray = NOT_GIVEN, *positional: Any,
                   exclude_seen: bool = True, **unexpected: Any
                   ) -> Candidates:
        """The merged candidates of these user indices, scored by the scorers; their seen
        items are left out unless ``exclude_seen=False`` (then the generators may propose
        them and the ranker scores them as any other candidate)."""
        check_call(self, TwoStage.candidates, positional, unexpected, (user_indices,))
        self._require_fitted()
        check_exclude_seen(exclude_seen, f"{self.name}: candidates")
        # checked here, as score_users checks them: the generators' own check named
        # "candidates", not this model
        user_indices = as_index_array(f"{self.name}: candidates", "user_indices",
                                      user_indices, ndim=1,
                                      size=len(self.users_), what="user",
                                      error=RecstackError)
        candidates = self._candidates(user_indices, exclude_seen=exclude_seen)
        self._warn_users_without_candidates(user_indices, candidates, exclude_seen)
        return candidates

    def _candidates(self, user_indices: np.ndarray, *, exclude_seen: bool) -> Candidates:
        """:meth:`candidates` of checked indices, without its warning: recommend and score
        answer a user without candidates as every model answers one with no item left
        (empty slots: id -1 or None, score -inf)."""
        exclude = self.seen_ if exclude_seen else _nothing_seen(self.seen_.shape)
        candidates = generate_candidates(self.generators_, user_indices,
                                         self.n_candidates, exclude=exclude,
                                         sources=self.builder_.sources_,
                                         per_user=self.candidates_per_user,
                                         exclude_items=untrained_items(self.generators_))
        if self.scorers_:
            candidates = score_candidates(candidates, self.scorers_, self.builder_.scorers_)
        return candidates

    def _warn_users_without_candidates(self, user_indices: np.ndarray, candidates: Candidates,
                                       exclude_seen: bool) -> None:
        """Say how many of the users asked for got no candidate, and why: the result held
        no row of theirs, without a word."""
        asked = np.unique(np.asarray(user_indices, np.int64))
        empty = np.setdiff1d(asked, candidates.users)
        if not len(empty):
            return
        untrained = untrained_items(self.generators_)
        proposable = np.ones(len(self.items_), bool) if untrained is None else ~untrained
        seen_all = np.asarray(
            self.seen_[empty][:, np.flatnonzero(proposable)].sum(axis=1)).ravel() \
            >= proposable.sum() if exclude_seen else np.zeros(len(empty), bool)
        shown_users = ", ".join(repr(getattr(user, "item", lambda u=user: u)())
                                for user in self.users_.to_external(empty[:3]))
        more = f" and {len(empty) - 3:,} more" if len(empty) > 3 else ""
        why = []
        if seen_all.any():
            who = "each" if seen_all.all() else f"{int(seen_all.sum()):,} of them"
            why.append(f"{who} interacted with every item the generators can propose "
                       f"({int(proposable.sum()):,}), which exclude_seen=True leaves out "
                       "(recommend gives them empty slots: id -1 or None, score -inf)")
        if not seen_all.all():
            who = "each" if not seen_all.any() else f"{int((~seen_all).sum()):,} of them"
            why.append(f"{who} got no item from any generator")
        warnings.warn(f"{self.name}: candidates: {len(empty):,} of the {len(asked):,} users "
                      f"asked for got no candidate ({shown_users}{more}): "
                      f"{'; '.join(why)}", stacklevel=caller_stacklevel())

    def score_users(self, user_indices: np.ndarray = NOT_GIVEN, *positional: Any,
                    exclude_seen: bool = True, **unexpected: Any
                    ) -> np.ndarray:
        """Full-catalog scores of user indices, as every model's
        :meth:`~recstack.models.base.Recommender.score_users`. The candidates are the
        users' unseen items unless ``exclude_seen=False``: then a seen item can be a
        candidate and get the ranker's score (by default it ranks below every candidate,
        where a caller that excludes seen items never looks)."""
        check_call(self, TwoStage.score_users, positional, unexpected, (user_indices,))
        check_exclude_seen(exclude_seen, f"{self.name}: score_users")
        if exclude_seen:
            return super().score_users(user_indices)
        self._require_fitted()
        # a model's refusal (RecstackError, as Recommender.score_users gives), not the
        # shared check's default, the bandits' BanditInputError
        indices = as_index_array(f"{self.name}: score_users", "user_indices", user_indices,
                                 ndim=1, size=len(self.users_), what="user",
                                 error=RecstackError)
        self._require_score_memory(len(indices), "score_users", "users")
        return self._score_users(indices, exclude_seen=False)

    def recommend(self, users: Any = NOT_GIVEN, k: int = 10, *positional: Any,
                  exclude_seen: bool = True,
                  batch_size: int | None = None, context: Any = None, **unexpected: Any
                  ) -> tuple[np.ndarray, np.ndarray]:
        """As every model's :meth:`~recstack.models.base.Recommender.recommend`, plus the
        request's ``context`` for the context features: a dict of column -> value (the
        same for every user; ``timestamp`` in Unix seconds for the time features) or a
        DataFrame with one row per user asked for. A column it does not give, or no
        context at all, is the unknown level (see :mod:`recstack.pipeline.features`).

        With ``exclude_seen=False`` the generators may propose the users' seen items and
        the ranker orders them with the rest (as any other model scores them)."""
        check_call(self, TwoStage.recommend, positional, unexpected, (users,))
        self._require_fitted()
        check_exclude_seen(exclude_seen, f"{self.name}: recommend")
        batch_size = check_batch_size(batch_size, f"{self.name}: recommend")
        user_index = np.asarray(self._user_indices(users), np.int64)
        requests = None if context is None else self._requests(context, len(user_index))
        k = check_list_length(k, len(user_index), len(self.items_), f"{self.name}: recommend")

        def score_requests(positions: np.ndarray) -> np.ndarray:
            users = user_index[positions]
            rows = (self._score_users(users, exclude_seen=exclude_seen) if requests is None
                    else self._score_requests(users, requests.iloc[positions],
                                              exclude_seen=exclude_seen))
            rows = writable_scores(rows)
            if exclude_seen:
                # a batch's seen items, masked here: self.seen_[user_index] for the whole
                # call held every request's seen items at once (10**6 requests of a user
                # with 800 items: 800 million entries, gigabytes beyond the batch budget)
                mask_rows(rows, self.seen_[users])
            return rows

        top, scores = top_k_batched(score_requests, np.arange(len(user_index)), k,
                                    batch_size=batch_size, n_items=len(self.items_))
        top, scores = pad_columns(top, scores, int(k))
        # every other model's recommend names its empty lists (a user who has seen every
        # item): this one, which scores by its own loop, gave them without a word
        self._warn_empty_lists(user_index, scores, exclude_seen=exclude_seen)
        return self._external_items(top, scores), scores

    def _empty_list_reason(self) -> str:
        # a user without candidates is ranked by popularity below them, so only a catalog
        # left with no finite score empties a list: "scored every unseen item -inf (items
        # it cannot rank)" blamed the ranker, which scores candidates only
        return (f"had no candidate from its generators "
                f"({', '.join(g.name for g in self.generators_)}) and no other item to rank")

    def score(self, users: Any = NOT_GIVEN, items: Any = NOT_GIVEN, context: Any = None,
              *positional: Any, exclude_seen: bool = True, **unexpected: Any) -> np.ndarray:
        """Scores of ``(users[j], items[j])`` pairs (float32), with an optional ``context``
        as in :meth:`recommend` (a DataFrame: one row per pair); ``exclude_seen`` as there
        (by default a seen item is not a candidate and scores below every candidate)."""
        check_call(self, TwoStage.score, positional, unexpected, (users, items))
        check_exclude_seen(exclude_seen, f"{self.name}: score")
        if context is None and exclude_seen:
            return super().score(users, items)
        self._require_fitted()
        user_index = np.asarray(self._user_indices(users), np.int64)
        where = f"{self.name}: items"
        item_index = np.asarray(_lookup(self.items_, _as_ids(items, where), where,
                                        users=self.users_), np.int64)
        if user_index.shape != item_index.shape:
            # as the model contract words it (without a context, Recommender.score does
            # this check): "users and items must pair up: (3,) vs (2,)" named neither the
            # model nor what to give instead
            raise ConfigError(
                f"{self.name}: score(users, items): users and items must pair up (the score "
                f"of users[j] for items[j]), got {len(user_index)} user id(s) and "
                f"{len(item_index)} item id(s); to score several items for one user, repeat "
                "the user id ([user] * len(items)), or use recommend for a user's ranking")
        requests = None if context is None else self._requests(context, len(user_index))
        out = np.empty(len(user_index), np.float32)
        # a full-catalog row per pair: batched so that the rows fit the memory budget
        batch = max(1, DEFAULT_MEMORY_BUDGET_BYTES // (len(self.items_) * 8 * 2))
        for start in range(0, len(user_index), batch):
            chosen = slice(start, start + batch)
            rows = (self._score_users(user_index[chosen], exclude_seen=exclude_seen)
                    if requests is None else
                    self._score_requests(user_index[chosen],
                                         requests.iloc[chosen].reset_index(drop=True),
                                         exclude_seen=exclude_seen))
            out[chosen] = rows[np.arange(len(rows)), item_index[chosen]]
        return out

    def _requests(self, context: Any, n: int) -> Any:
        """The serving ``context`` as one row per request, warning about the columns no
        context feature reads: a misspelt ``devcie`` (or a context given to a model without
        context features) left the features at the unknown level without a word."""
        try:
            requests = request_context(context, n)
            # before the builder's check, where pandas raised OverflowError for an integer
            # past float64's range
            self._refuse_unrepresentable_context(requests)
            # by request: the builder's own check counts the rows repeated per candidate
            self.builder_.check_context(requests, rows="request row")
        except RecstackError as error:
            # "context has 1 rows for 2 users asked for" named no model, where every other
            # error of a model's call starts with its name
            kind = ConfigError if isinstance(error, ConfigError) else RecstackError
            raise kind(f"{self.name}: {error}") from None
        known = [column.column for column in self.builder_.context_]
        if self.builder_.context_time:
            known.append(CONTEXT_TIME)
        unused = [str(name) for name in requests.columns if str(name) not in known]
        if unused:
            reads = (f"its context columns are {', '.join(map(repr, known))}" if known
                     else "the model has no context features")
            warnings.warn(
                f"{self.name}: context column(s) {', '.join(map(repr, unused))} are not "
                f"read by any feature{did_you_mean(unused[0], known)} ({reads}); they "
                "are ignored", UnusedContextWarning, stacklevel=caller_stacklevel())
        return requests

    def _refuse_unrepresentable_context(self, requests: Any) -> None:
        """Refuse a number of a numeric context column that the features cannot hold
        (infinite, or beyond float32's range), naming the column and the request row as
        text in its place is named. It was refused later, by the feature builder, as
        "features: context column 'x' holds inf (row 4)": no model, and a row of the
        requests repeated once per candidate, which the caller never wrote."""
        largest = float(np.finfo(np.float32).max)
        for column in self.builder_.context_:
            if column.role != "numeric" or column.column not in requests.columns:
                continue
            values = requests[column.column].to_numpy(dtype=object)
            for row, value in enumerate(values):
                if value is None or isinstance(value, bytes | bool | np.bool_):
                    continue  # missing, or refused as a flag by check_context
                try:
                    number = float(value)  # text check_context took for a number too
                except OverflowError:
                    number = math.inf  # an integer past float64's range
                except (TypeError, ValueError):
                    continue  # not a real number: the feature builder says what it is
                if not math.isnan(number) and abs(number) > largest:
                    raise RecstackError(
                        f"context column {column.column!r}: request row {row} holds "
                        f"{echoed(shown(value))}, beyond the range of the model's float32 features "
                        f"(finite, at most {largest:.3g} in size); scale the column (e.g. a "
                        "logarithm) as in the training log, or leave it out (missing: the "
                        "unknown level)")

    def _score_requests(self, user_index: np.ndarray, requests: Any, *,
                        exclude_seen: bool = True) -> np.ndarray:
        """Full-catalog scores of requests (a user and a context row each), one row per
        request; a user asked for twice is scored once per context."""
        out = np.empty((len(user_index), len(self.items_)))
        # occurrence number of each request among its user's requests: one round each
        order = np.argsort(user_index, kind="stable")
        sorted_users = user_index[order]
        starts = np.flatnonzero(np.r_[True, sorted_users[1:] != sorted_users[:-1]])
        occurrence = np.empty(len(user_index), np.int64)
        occurrence[order] = np.arange(len(order)) - np.repeat(
            starts, np.diff(np.r_[starts, len(order)]))
        for round_ in range(int(occurrence.max()) + 1 if len(occurrence) else 0):
            chosen = np.flatnonzero(occurrence == round_)
            out[chosen] = self._score_users(user_index[chosen],
                                            requests.iloc[chosen].reset_index(drop=True),
                                            exclude_seen=exclude_seen)
        return out

    def _score_users(self, user_indices: np.ndarray, context: Any = None, *,
                     exclude_seen: bool = True) -> np.ndarray:
        """Full-catalog scores; ``context`` (a frame, one row per user index, each user
        once) feeds the context features, None leaves them unknown; ``exclude_seen`` as
        in :meth:`candidates`."""
        distinct, row_of = np.unique(user_indices, return_inverse=True)
        candidates = self._candidates(distinct, exclude_seen=exclude_seen)
        rows = None
        if context is not None and self.builder_.uses_context:
            by_user = np.empty(len(distinct), np.int64)
            by_user[row_of] = np.arange(len(user_indices))
            rows = context.iloc[by_user[np.searchsorted(distinct, candidates.users)]]
        out = self._catalog_scores(candidates, np.searchsorted(distinct, candidates.users),
                                   len(distinct), self.state_, rows)
        if np.array_equal(distinct, user_indices):
            return out
        return out[row_of]

    def score_histories(self, histories: Any = NOT_GIVEN, context: Any = None, *positional: Any,
                        exclude_seen: bool = True, **unexpected: Any) -> np.ndarray:
        """Full-catalog scores (float64 ``(n, n_items)``) of new users known only by their
        histories (sparse or dense ``n x n_items``, columns in the model's item order),
        ranked as a known user is: each generator proposes from the history (its own
        ``score_histories``), the scorers score from it, and the ranker orders the
        candidates above the rest of the catalog (in popularity order). The user features
        are the history's own (:meth:`FeatureBuilder.visitor_state`: its length, its
        share of each level, the last interaction at the training end, the user table
        unknown). ``context`` as in :meth:`recommend`, one row per history. The history's
        own items are not candidates unless ``exclude_seen=False`` (as in :meth:`recommend`).

        Raises
        ------
        RecstackError
            A generator or scorer that cannot score a history (no ``score_histories``).
        """
        check_call(self, TwoStage.score_histories, positional, unexpected, (histories,))
        self._require_fitted()
        for kind, models in (("generators", self.generators_), ("scorers", self.scorers_)):
            for position, model in enumerate(models):
                if not callable(getattr(model, "score_histories", None)):
                    raise RecstackError(self._history_refusal(
                        kind, position, model, models, "it has no score_histories"))
        check_exclude_seen(exclude_seen, f"{self.name}: score_histories")
        history = self._history_matrix(histories)
        self._refuse_negative_inner_values(history, histories)
        n = history.shape[0]
        try:
            exclude = history if exclude_seen else _nothing_seen(history.shape)
            candidates = generate_candidates(self.generators_, np.arange(n),
                                             self.n_candidates, exclude=exclude,
                                             exclude_items=untrained_items(self.generators_),
                                             sources=self.builder_.sources_,
                                             per_user=self.candidates_per_user,
                                             histories=history)
            if self.scorers_:
                candidates = score_candidates(candidates, self.scorers_,
                                              self.builder_.scorers_, histories=history)
        except RecstackError as error:
            raise self._inner_history_error(error) from None
        rows = None
        if context is not None:
            # checked even when unused, as recommend checks it: a wrong context is a mistake
            requests = self._requests(context, n)
            if self.builder_.uses_context:
                rows = requests.iloc[candidates.users]
        state = self.builder_.visitor_state(self.state_, history)
        return self._catalog_scores(candidates, candidates.users, n, state, rows)

    def _refuse_negative_inner_values(self, history: Any, histories: Any) -> None:
        """Refuse negative history values that a generator or scorer refuses, on the
        histories as given: each saw only this model's sparse copy, so a dense row was told
        to edit a sparse matrix, and the refusal was said as the generator's being unable
        to score histories at all ("declare it without als"), where the values were the
        matter. A sparse remedy drops the entries when any of them counts a stored 0."""
        inner = [("generators", position, model)
                 for position, model in enumerate(self.generators_)] + \
                [("scorers", position, model) for position, model in enumerate(self.scorers_)]
        counts_stored_zeros = any(isinstance(model, Recommender)
                                  and not model._learns_from_values()
                                  for _, _, model in inner)
        for kind, position, model in inner:
            if not isinstance(model, Recommender):
                continue
            try:
                model._refuse_negative_history_values(history, histories, counts_stored_zeros)
            except RecstackError as error:
                raise RecstackError(f"{self.name}: score_histories: {kind}[{position}] "
                                    f"({model.name}): {error}") from None

    def _inner_history_error(self, error: RecstackError) -> RecstackError:
        """``error`` (a generator's or scorer's refusal of the histories) said as this
        model's: SASRec's own words sent the user to its score_sequences, which a two-stage
        model does not have, and named neither this model nor the generator's place."""
        message = str(error)
        for kind, models in (("generators", self.generators_), ("scorers", self.scorers_)):
            for position, model in enumerate(models):
                if message.startswith(model.name) and not message.startswith(self.name):
                    error.args = (self._history_refusal(kind, position, model, models,
                                                        message), *error.args[1:])
                    return error
        return error

    def _history_refusal(self, kind: str, position: int, model: Any, models: Sequence[Any],
                         reason: str) -> str:
        """Why this model cannot score histories: ``model``, its ``kind``[``position``],
        cannot (``reason``), with the others of its kind that can."""
        takers = [m.name for m in models if m.name != model.name]
        return (f"{self.name}: score_histories: {kind}[{position}] ({model.name}) cannot "
                f"score the histories: {reason}; a two-stage model scores histories only when "
                f"every generator and scorer can (declare it without {model.name}"
                + (f", e.g. with {', '.join(takers)}" if takers else "") + ")")

    def _catalog_scores(self, candidates: Candidates, row: np.ndarray, n_rows: int,
                        state: HistoryState, context: Any) -> np.ndarray:
        """``n_rows`` full-catalog rows: each candidate (on row ``row[j]``) gets the ranker's
        score from its features at ``state`` in ``context`` (one row per candidate, or
        None); the rest of the catalog ranks below every candidate of its row."""
        frame = self.builder_.build(candidates, state, context=context)
        scores = np.asarray(self.ranker_.score(frame), dtype=np.float64).ravel()
        if scores.shape != (len(candidates),) or not np.isfinite(scores).all():
            raise RecstackError(f"{self.name}: the ranker ({type(self.ranker_).__name__}) "
                                f"gave {counted(scores.shape[0], 'score')}, "
                                f"{int((~np.isfinite(scores)).sum())} not finite, for "
                                f"{counted(len(candidates), 'candidate')}; every candidate "
                                "needs one "
                                "finite score")
        lowest = np.full(n_rows, np.inf)
        np.minimum.at(lowest, row, scores)
        floor = np.where(np.isfinite(lowest), lowest, 1.0) - 1.0
        # the rest of the catalog: below every candidate, in popularity order (in [0, 1))
        out = floor[:, None] - 1.0 + self._popularity_order()[None, :]
        out[row, candidates.items] = scores
        return out

    def _items_without_similarity(self) -> np.ndarray:
        """The items no generator learned anything of (no training rows; for a generator
        that places items by their content, neither rows nor content): never candidates."""
        unknown = untrained_items(self.generators_)
        return np.zeros(len(self.items_), bool) if unknown is None else unknown

    def _similarity_rows(self, item_indices: np.ndarray) -> np.ndarray:
        """The item similarity of the first generator that has one (the ranker scores
        (user, item) pairs; it has no item-item similarity of its own)."""
        for generator in self.generators_:
            try:
                return generator._similarity_rows(item_indices)
            except RecstackError:
                continue
        raise RecstackError(f"{self.name}: this model has no item similarity (none of its "
                            f"generators {[g.name for g in self.generators_]} has one)")

    def _popularity_order(self) -> np.ndarray:
        """Each item's place in the training popularity order, scaled into [0, 1): the most
        popular item gets the most, ties to the lower index."""
        n_items = len(self.items_)
        order = np.lexsort((-np.arange(n_items), self.state_.item_count))
        place = np.empty(n_items)
        place[order] = np.arange(n_items)
        return place / n_items

    # ------------------------------------------------------------------ persistence
    def _state(self) -> dict[str, np.ndarray]:
        state: dict[str, np.ndarray] = {}
        for prefix, model in self._nested():
            state |= {prefix + key: value for key, value in model._state().items()}
        state[_FEATURES + "builder"] = np.asarray(self.builder_.to_json())
        state |= {_FEATURES + key: value for key, value in self.state_.to_arrays().items()}
        state |= {_RANKER + key: value for key, value in _ranker_files(self.ranker_).items()}
        return state

    def _nested(self) -> list[tuple[str, Recommender]]:
        """The fitted generators and scorers with the prefixes of their arrays."""
        return ([(_GENERATOR.format(p), m) for p, m in enumerate(self.generators_)]
                + [(_SCORER.format(p), m) for p, m in enumerate(self.scorers_)])

    def _declared_nested(self) -> list[tuple[str, Recommender]]:
        """Unfitted generators and scorers from the declarations, with their prefixes."""
        return ([(_GENERATOR.format(p), m) for p, m in enumerate(self._generators())]
                + [(_SCORER.format(p), m) for p, m in enumerate(self._scorers())])

    def _declared_models(self) -> list[tuple[str, Recommender]]:
        return self._declared_nested()

    def _state_spec(self) -> dict[str, ArraySpec | SparseSpec] | None:
        spec: dict[str, ArraySpec | SparseSpec] = {}
        for prefix, model in self._declared_nested():
            model_spec = model._state_spec()
            if model_spec is None:
                return None  # a model that cannot be checked on load: neither can this
            symbols = {k: v for k, v in model.get_params().items() if type(v) is int}
            for name, entry in model_spec.items():
                spec[prefix + name] = rebound_spec(entry, symbols, prefix)
        f = _FEATURES
        spec |= {
            f + "builder": ArraySpec("str", ()),
            f + "cutoff": ArraySpec("int", ()),
            f + "item_count": ArraySpec("float32", ("n_items",), low=0.0),
            f + "item_recent": ArraySpec("float32", ("n_items",), low=0.0),
            f + "item_first": ArraySpec("int64", ("n_items",)),
            f + "user_count": ArraySpec("float32", ("n_users",), low=0.0),
            f + "user_last": ArraySpec("int64", ("n_users",)),
            f + "item_codes": ArraySpec("int32", ("n_items", "item_categorical"), low=0),
            f + "item_numeric": ArraySpec("float32", ("n_items", "item_numbers"),
                                          finite=False),
            f + "user_codes": ArraySpec("int32", ("n_users", "user_categorical"), low=0),
            f + "user_numeric": ArraySpec("float32", ("n_users", "user_numbers"),
                                          finite=False),
            f + "item_levels": SparseSpec(("n_items", "levels")),
            f + "user_levels": SparseSpec(("n_users", "levels")),
            _RANKER + "names": ArraySpec("str", ("ranker_files",)),
            _RANKER + "sizes": ArraySpec("int64", ("ranker_files",), low=0),
            _RANKER + "bytes": ArraySpec("uint8", ("ranker_bytes",)),
        }
        return spec

    def _saved_array_label(self, name: str) -> str:
        """A generator's or scorer's array is named by its place, as a blend names its
        members': ``array 'similarity' of generators[1] (item_knn) of model 'two_stage'
        (saved as 'g1__similarity')``."""
        for kind, pattern in (("generators", _GENERATOR), ("scorers", _SCORER)):
            declared = getattr(self, kind)
            for position, entry in enumerate(declared if isinstance(declared, list) else []):
                prefix = pattern.format(position)
                if name.startswith(prefix):
                    model = entry.get("type") if isinstance(entry, dict) else None
                    return (f"array {name[len(prefix):]!r} of {kind}[{position}] ({model}) "
                            f"of model {self.name!r} (saved as {name!r})")
        return super()._saved_array_label(name)

    def _check_state(self, arrays: dict[str, np.ndarray]) -> str | None:
        for prefix, model in self._declared_nested():
            part = _unprefixed(arrays, prefix)
            part.update({k: v for k, v in arrays.items() if k.startswith("base__")})
            problem = model._check_state(part)
            if problem:
                return f"{_where(prefix)} ({model.name}): {problem}"
        try:
            builder = FeatureBuilder.from_json(str(arrays[_FEATURES + "builder"]))
        except RecstackError as error:
            return str(error)
        if builder.sources_ != source_names(self._generators()):
            return (f"the feature builder's sources {list(builder.sources_)} are not the "
                    "generators'")
        if builder.scorers_ != (source_names(self._scorers()) if self.scorers else ()):
            return (f"the feature builder's scorers {list(builder.scorers_)} are not the "
                    "model's")
        if builder.n_per_source_ != self.n_candidates:
            return (f"the feature builder was fitted for {builder.n_per_source_} candidates "
                    f"per source, n_candidates is {self.n_candidates}")
        # the saved builder, not the features table, is what scores: a table edited after
        # saving (or a builder from another model) gave other features than it declares
        declared = FeatureBuilder.from_options(dict(self.features),
                                               f"{self.name}: features").get_options()
        if builder.get_options() != declared:
            changed = sorted(k for k in declared if builder.get_options()[k] != declared[k])
            return (f"the feature builder was fitted with {changed[0]} = "
                    f"{builder.get_options()[changed[0]]!r}, but the model's features "
                    f"table says {declared[changed[0]]!r}")
        widths = _state_widths(builder)
        for name, width in widths.items():
            array = arrays[_FEATURES + name]
            if array.shape[1] != width:
                return (f"array {_FEATURES + name!r} has {array.shape[1]} columns; the feature "
                        f"builder declares {width}")
        for table in ("item", "user"):
            codes = arrays[f"{_FEATURES}{table}_codes"]
            cardinality = [len(c.levels) + 1 for c in builder.columns_
                           if c.table == table and c.role != "numeric"]
            if codes.size and (codes.max(axis=0) >= np.asarray(cardinality)).any():
                return f"array {_FEATURES}{table}_codes holds codes beyond its vocabulary"
        names, sizes = arrays[_RANKER + "names"], arrays[_RANKER + "sizes"]
        if int(sizes.sum()) != len(arrays[_RANKER + "bytes"]):
            return (f"the ranker's file sizes add up to {int(sizes.sum())} bytes, its archive "
                    f"holds {len(arrays[_RANKER + 'bytes'])}")
        for position, name in enumerate(names.tolist()):
            if not _safe_relative(name):
                return f"the ranker's file name {name!r} is not a plain relative path"
            if name in names.tolist()[:position]:
                # the second copy overwrote the first when the files were written back, and
                # the ranker read another file's bytes
                return (f"the ranker's file name {name!r} is listed twice ({_RANKER}names); "
                        "a ranker saves each file once, so the arrays were damaged or edited")
        return None

    def _load_state(self, arrays: dict[str, np.ndarray]) -> None:
        models = []
        for prefix, model in self._declared_nested():
            model.users_, model.items_, model.seen_ = self.users_, self.items_, self.seen_
            model._load_state(_unprefixed(arrays, prefix))
            models.append(model)
        generators = models[:len(self.generators)]
        self.scorers_ = models[len(self.generators):]
        features = {k[len(_FEATURES):]: v for k, v in arrays.items()
                    if k.startswith(_FEATURES)}
        self.builder_ = FeatureBuilder.from_json(str(features.pop("builder")))
        self.state_ = HistoryState.from_arrays(features)
        self.ranker_ = _load_ranker_files({k[len(_RANKER):]: v for k, v in arrays.items()
                                           if k.startswith(_RANKER)})
        # the saved ranker, not the ranker table, scores: one that disagrees with the table
        # (edited after saving) made get_params() describe a ranker the model does not use
        declared = self._new_ranker()
        if self.ranker_.name != declared.name or _as_json(self.ranker_.get_params()) \
                != _as_json(declared.get_params()):
            raise RecstackError(
                f"the saved ranker is {self.ranker_.name} with "
                f"{_as_json(self.ranker_.get_params())}, but the model's ranker table "
                f"declares {declared.name} with {_as_json(declared.get_params())}; the "
                "model.json was edited or the artifact is corrupted: save the model again")
        self.generators_ = generators
        self.training_cutoff_ = -1
        self.training_candidate_recall_ = float("nan")


# --------------------------------------------------------------------------- helpers
#: how the example builder's (recstack.pipeline.training_data) own errors start
_EXAMPLES = "training data:"


def check_exclude_seen(exclude_seen: Any, where: str = "") -> None:
    """Refuse an ``exclude_seen`` that is not a boolean (``"false"`` is truthy); ``where``
    (the model and its method, as every model's ``recommend`` says them) goes in front."""
    if not isinstance(exclude_seen, bool | np.bool_):
        raise ConfigError(f"{where + ': ' if where else ''}exclude_seen must be True or "
                          f"False, got {shown(exclude_seen)}")


def _name_model(error: RecstackError, where: str, speaker: str) -> None:
    """Put ``where`` (the model, and the part of it that failed) in front of ``error``'s
    message when it is ``speaker``'s own (it starts with ``speaker``: "training data:",
    "logistic.fit:"), which names no model; its type and fields kept. Errors that already
    name the model or a setting of it (a misspelt feature column) are left as they are."""
    if str(error).startswith(speaker):
        error.args = (f"{where}: {error}", *error.args[1:])


def _nothing_seen(shape: tuple[int, int]) -> sp.csr_matrix:
    """An exclusion matrix that excludes nothing (generate_candidates excludes the seen
    items when given none)."""
    return sp.csr_matrix(shape, dtype=np.float32)


def _window_ratings(frame: Any, labels: np.ndarray, window: Interactions) -> np.ndarray:
    """The second label column of a multitask ranker: a positive's value in the label
    window (its rating; the mean where the pair repeats), NaN for the negatives."""
    n_items = window.n_items
    keys = window.user_index.astype(np.int64) * n_items + window.item_index
    distinct, inverse = np.unique(keys, return_inverse=True)
    mean = (np.bincount(inverse, weights=window.value, minlength=len(distinct))
            / np.bincount(inverse, minlength=len(distinct)))
    rows = frame.users.astype(np.int64) * n_items + frame.items
    # the window is never empty here (make_training_data refuses an empty one)
    position = np.minimum(np.searchsorted(distinct, rows), len(distinct) - 1)
    return np.where((labels > 0) & (distinct[position] == rows), mean[position], np.nan)


def _where(prefix: str) -> str:
    kind = "generators" if prefix.startswith("g") else "scorers"
    return f"{kind}[{prefix[1:-2]}]"


def _unprefixed(arrays: dict[str, np.ndarray], prefix: str) -> dict[str, np.ndarray]:
    return {key[len(prefix):]: value for key, value in arrays.items()
            if key.startswith(prefix)}


def _rankers() -> Any:
    # imported when first needed: the rankers' heavy dependencies load only for a fit/load
    from recstack.pipeline import rankers

    return rankers


def _state_widths(builder: FeatureBuilder) -> dict[str, int]:
    def count(table: str, numeric: bool) -> int:
        return sum(1 for c in builder.columns_
                   if c.table == table and (c.role == "numeric") == numeric)

    return {"item_codes": count("item", False), "item_numeric": count("item", True),
            "user_codes": count("user", False), "user_numeric": count("user", True)}


def _as_json(params: dict[str, Any]) -> Any:
    """Hyperparameters as JSON gives them back (tuples as lists), for comparison."""
    return json.loads(json.dumps(params, default=str))


def _safe_relative(name: str) -> bool:
    path = PurePosixPath(name)
    return (bool(name) and "\\" not in name and not path.is_absolute()
            and ".." not in path.parts and name == path.as_posix())


def _ranker_files(ranker: Any) -> dict[str, np.ndarray]:
    """The files of the ranker's own save, byte for byte: names, sizes and the bytes."""
    with tempfile.TemporaryDirectory(prefix="recstack-ranker-") as folder:
        target = Path(folder) / "ranker"
        ranker.save(target)
        files = sorted(p for p in target.rglob("*") if p.is_file())
        names = [p.relative_to(target).as_posix() for p in files]
        contents = [p.read_bytes() for p in files]
    return {"names": np.array(names, dtype=str) if names else np.zeros(0, "<U1"),
            "sizes": np.array([len(c) for c in contents], np.int64),
            "bytes": np.frombuffer(b"".join(contents), np.uint8).copy()}


def _load_ranker_files(arrays: dict[str, np.ndarray]) -> Any:
    load = getattr(_rankers(), "load_ranker", None)
    if load is None:
        raise RecstackError("this recstack has no rankers (recstack.pipeline.rankers."
                            "load_ranker is missing), so the model's ranker cannot be read")
    data = arrays["bytes"].tobytes()
    ends = np.cumsum(arrays["sizes"])
    with tempfile.TemporaryDirectory(prefix="recstack-ranker-") as folder:
        target = Path(folder) / "ranker"
        target.mkdir()
        start = 0
        for name, end in zip(arrays["names"].tolist(), ends.tolist(), strict=True):
            path = target / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data[start:end])
            start = end
        # the files live in a temporary folder gone once this returns: a message naming
        # them by its path ("/tmp/recstack-ranker-x1y2/ranker/ranker.json: ...; the metadata
        # is corrupted") pointed at no file the user has, so they are named as saved
        def as_saved(error: Exception) -> str:
            return str(error).replace(f"{target}{os.sep}", "").replace(str(target), "ranker")

        saved = f"the ranker's saved files ({_RANKER}bytes in the arrays)"
        try:
            return load(target)
        except RecstackError as error:
            raise RecstackError(f"{saved}: {as_saved(error)}") from None
        except Exception as error:  # noqa: BLE001 (a damaged ranker file fails in many ways)
            raise RecstackError(f"{saved} are damaged ({type(error).__name__}: "
                                f"{as_saved(error)})") from None
