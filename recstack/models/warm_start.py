"""Warm starts: fitting a model on new data from a previous model's learned vectors.

A production model is retrained as new logs arrive; most users and items of the new
window were already in the previous model, whose vectors are close to where a fresh fit
would take them. Starting there needs fewer iterations than a fit from random vectors.

The rule, the same for every model that offers ``fit_from(previous, train)`` (ALS, BPR,
``mf``, ``neural_mf``, LightGCN, SASRec, the two-tower model):

- users and items are matched by **external id** (the new window's vocabulary is not the
  previous one's: indices differ, ids do not); a matched row starts from the previous
  model's vector (and bias);
- a user or item the previous model did not know starts as a fresh fit would start it
  (the model's own seeded initialisation: a fresh fit's initial values are drawn first,
  then the matched rows are overwritten, so a new id's vector is exactly what ``fit``
  would have given it before its first step);
- weights that belong to no id (the layers of an MLP, the attention blocks, the towers)
  are copied whole;
- the previous model may be the model itself (``model.fit_from(model, train)``: it starts
  from a copy of its own vectors);
- the previous model must be of the same class with the same architecture: the
  hyperparameters listed in the class's ``warm_start_params`` must be equal, or a
  :class:`~recstack.errors.ConfigError` names the first that differs.

A checkpointed fit (``checkpoint_dir``) records where it started: a warm start records the
previous model (its name, vocabulary sizes and a digest of its learned arrays), so a
checkpoint folder of a fresh fit is not resumed by a warm start, nor one of a warm start by
a fresh fit or a warm start from another model (each is refused, naming the difference).

What is *not* carried over: optimiser state (Adam's moments start at zero), learning-rate
schedules (they restart) and early-stopping references. The number of iterations of a
warm start is the model's own iteration hyperparameter (:func:`iteration_param`), usually
set lower than for a fresh fit.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Self

import numpy as np

from recstack.errors import ConfigError, counted, echoed
from recstack.models.base import NOT_GIVEN
from recstack.specs import did_you_mean

if TYPE_CHECKING:
    from recstack.data.idmap import IdMap
    from recstack.data.interactions import Interactions
    from recstack.progress import Progress

__all__ = ["WARM_START_KEY", "IdRows", "WarmStartMixin", "copy_known_rows",
           "iteration_param", "known_rows", "warm_module", "warm_start_label"]

#: the entry of a checkpoint's configuration naming the model a warm start began from
WARM_START_KEY = "warm_start"

#: the hyperparameters that count training iterations, in the order they are looked for
_ITERATION_NAMES = ("iterations", "epochs")


def known_rows(new_ids: IdMap, old_ids: IdMap) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the ids both vocabularies hold: ``(new_index, old_index)``, int64,
    ``new_ids[new_index[k]] == old_ids[old_index[k]]``, in the new vocabulary's order."""
    old_index = old_ids.to_index(new_ids.external_ids, missing="ignore")
    new_index = np.flatnonzero(old_index >= 0)
    kinds = [_id_kind(ids) for ids in (old_ids, new_ids)]
    if not len(new_index) and len(new_ids) and len(old_ids) and kinds[0] != kinds[1]:
        # not new data: the same ids written another way (5 and "5"), so nothing carries over
        raise ConfigError(
            f"warm start: the previous model's ids are {kinds[0]} (e.g. "
            f"{old_ids.external_ids[:3].tolist()}) and these are {kinds[1]} (e.g. "
            f"{new_ids.external_ids[:3].tolist()}), so no id matches and nothing would carry "
            "over; read the data with the ids' type the previous model was trained on")
    return new_index.astype(np.int64), old_index[new_index].astype(np.int64)


def _id_kind(ids: IdMap) -> str:
    return "numbers" if np.asarray(ids.external_ids).dtype.kind in "biuf" else "text"


def copy_known_rows(fresh: np.ndarray, new_ids: IdMap, old_ids: IdMap,
                    old_values: np.ndarray, *, offset: int = 0) -> np.ndarray:
    """``fresh`` (rows ``offset:`` indexed by ``new_ids``) with the rows of ids
    ``old_ids`` knows replaced by ``old_values``'s (rows ``offset:`` indexed by
    ``old_ids``), in place; returns ``fresh``.

    ``offset`` skips leading rows that stand for no id (SASRec's padding row); they are
    left as they are. Shapes beyond the first axis must agree.
    """
    if fresh.shape[1:] != old_values.shape[1:]:
        raise ConfigError(f"warm start: the previous vectors have shape "
                          f"{old_values.shape[1:]} per row, this model {fresh.shape[1:]}")
    new_index, old_index = known_rows(new_ids, old_ids)
    fresh[new_index + offset] = old_values[old_index + offset]
    return fresh


def iteration_param(model_class: type) -> str | None:
    """The name of the hyperparameter counting a model's training iterations
    (``iterations`` for ALS, ``epochs`` for BPR and the torch models), read from its
    ``params`` declarations; None when it has neither."""
    params = getattr(model_class, "params", {})
    return next((name for name in _ITERATION_NAMES if name in params), None)


@dataclass(frozen=True)
class IdRows:
    """A previous model's array whose rows stand for ids: ``kind`` is ``"users"`` or
    ``"items"``; ``offset`` leading rows stand for none (they are copied as they are)."""

    values: np.ndarray
    kind: str
    offset: int = 0


def warm_module(module: Any, previous: Mapping[str, np.ndarray | IdRows | None], *,
                users: IdMap, items: IdMap, old_users: IdMap, old_items: IdMap,
                model: str) -> None:
    """Overwrite a freshly initialised torch module's parameters with a previous model's.

    ``previous`` maps names of ``module.state_dict()`` to the previous model's values: an
    :class:`IdRows` is copied row by row for the ids both vocabularies hold (the others
    keep their fresh values), a plain array is copied whole and must have the same shape,
    None keeps the fresh values (a parameter the previous model does not keep). Every
    parameter of the module must be named (a forgotten one would silently start fresh).
    """
    import torch

    state = module.state_dict()
    missing = sorted(set(state) - set(previous))
    if missing:
        raise ConfigError(f"{model}: the previous model has no values for {missing}; a warm "
                          "start needs a model of the same architecture")
    with torch.no_grad():
        for name, tensor in state.items():
            source = previous[name]
            if source is None:
                continue
            fresh = tensor.detach().cpu().numpy().copy()
            if isinstance(source, IdRows):
                ids, old = (users, old_users) if source.kind == "users" else (items, old_items)
                values = copy_known_rows(fresh, ids, old, np.asarray(source.values),
                                         offset=source.offset)
                # rows before the offset stand for no id: they come from the previous model
                values[:source.offset] = np.asarray(source.values)[:source.offset]
            else:
                values = np.asarray(source)
                if values.shape != fresh.shape:
                    raise ConfigError(f"{model}: the previous model's {name} has shape "
                                      f"{values.shape}, this one {fresh.shape}; a warm start "
                                      "needs the same architecture")
            tensor.copy_(torch.as_tensor(values, dtype=tensor.dtype))


class WarmStartMixin:
    """``fit_from(previous, train)``: fit on ``train`` starting from ``previous`` (see the
    module docstring). Mix it in before :class:`~recstack.models.base.Recommender`; the
    model's ``_fit`` asks :meth:`_warm_previous` for the model to start from (None in a
    plain ``fit``) and starts from its vectors."""

    #: hyperparameters that fix the shapes of what is copied: they must be equal
    warm_start_params: ClassVar[tuple[str, ...]] = ("factors",)

    # from Recommender
    name: ClassVar[str]
    params: ClassVar[dict[str, Any]]
    fit: Any
    is_fitted: Any
    validate_params: Any
    _refuse_changed_params: Any

    def fit_from(self, previous: Any = NOT_GIVEN, train: Interactions = NOT_GIVEN,
                 *positional: Any, progress: Progress | None = None,
                 **unexpected: Any) -> Self:
        """Fit on ``train`` starting from ``previous``'s learned vectors (a warm start).

        Users and items ``previous`` knew start from its vectors (matched by external id);
        new ones start as a fresh fit would (seeded). ``previous`` must be a fitted model of
        the same class with the same ``warm_start_params``; train with fewer iterations
        than a fresh fit needs. Returns ``self``. Any other keyword is refused naming it
        (a TypeError said only "unexpected keyword argument"), and so is a third value by
        position (``fit_from(previous, train, reporter)``).
        """
        from recstack.models.base import refuse_positional, refuse_unbound

        refuse_unbound(self, WarmStartMixin.fit_from)  # ALS.fit_from(previous, train)
        refuse_positional(f"{self.name}: fit_from()", positional,
                          "it takes previous, train by position and progress by name, e.g. "
                          "fit_from(previous, train, progress=...)")
        if unexpected:
            name = next(iter(unexpected))
            where = (f"{name} is a hyperparameter; give it when creating the model "
                     f"(create_model('{self.name}', {name}=...))"
                     if name in self.params else "it is no argument of fit_from" + did_you_mean(
                         name, ["previous", "train", "progress", *self.params]))
            raise ConfigError(f"{self.name}: fit_from() got an unexpected argument {name!r}: "
                              f"{where}; fit_from takes previous, train and progress")
        if previous is NOT_GIVEN or train is NOT_GIVEN:
            # fit_from(train), the previous model left out, was Python's TypeError naming
            # the mixin
            left_out = " and ".join(name for name, value in (("previous", previous),
                                                            ("train", train))
                                    if value is NOT_GIVEN)
            raise ConfigError(f"{self.name}: fit_from() is missing {left_out}; call it as "
                              "fit_from(previous, train) (a fitted model of the same type "
                              "and the training interactions)")
        if type(previous) is not type(self):
            # fit_from(train, previous): the two in each other's place said only "got
            # Interactions", as if another kind of model had been given
            from recstack.data.interactions import Interactions

            swapped = isinstance(previous, Interactions) and type(train) is type(self)
            # a saved model's folder was refused as "got str", without saying how to read it
            path = isinstance(previous, str | os.PathLike)
            raise ConfigError(f"{self.name}: a warm start needs a previous {self.name} model, "
                              f"got {type(previous).__name__}"
                              + ("; previous and train are in each other's place: call "
                                 "fit_from(previous, train)" if swapped else "")
                              + (f" ({echoed(os.fspath(previous))!r}); a saved model's "
                                 "folder is read with recstack.models.load_model: call "
                                 "fit_from(load_model(path), train)" if path else ""))
        if not previous.is_fitted:
            raise ConfigError(f"{self.name}: the previous model to warm-start from is not "
                              "fitted; fit it first (or use fit for a fresh start)")
        try:
            # its vectors follow the values it was fitted with: a hyperparameter changed
            # since was compared below as if it were the fitted one (factors=4 set on a
            # model of 8 was "the previous vectors have shape (8,) per row, this model (4,)")
            previous._refuse_changed_params("fit_from")
        except ConfigError as error:
            detail = str(error).removeprefix(f"{previous.name}: ")
            raise ConfigError(f"{self.name}: fit_from(previous): the previous model has "
                              f"{detail}") from None
        # a value of the wrong type is refused as such first: factors="8" was reported as
        # "factors = '8', but the previous model has factors = 8", as if it differed
        self.validate_params()
        for param in self.warm_start_params:
            ours, theirs = _comparable(getattr(self, param)), _comparable(getattr(previous,
                                                                                  param))
            if ours != theirs:
                raise ConfigError(f"{self.name}: {param} = {getattr(self, param)!r}, but the "
                                  f"previous model has {param} = {getattr(previous, param)!r};"
                                  f" a warm start needs the same {param}")
        _check_shared_ids(self.name, previous, train)
        if previous is self:
            # model.fit_from(model, train), a model retrained from its own vectors: the fit
            # replaced them before reading them (BPR started from its own fresh random
            # ones, without a word), so it starts from a copy of them
            import copy

            previous = copy.deepcopy(self)
        self._warm_start_from = previous
        try:
            return self.fit(train, progress=progress)
        finally:
            self.__dict__.pop("_warm_start_from", None)

    def _warm_previous(self) -> Any:
        """The model :meth:`fit_from` starts from, or None during a plain ``fit``."""
        return self.__dict__.get("_warm_start_from")

    def _warm_checkpoint_config(self) -> dict[str, str]:
        """The entry a checkpoint's configuration gets for a warm start (none for a plain
        ``fit``, so the checkpoints of fresh fits are what they were): a checkpoint of a
        fresh fit resumed by ``fit_from`` (or the reverse) returned the other run's model,
        the previous one ignored without a word."""
        previous = self._warm_previous()
        if previous is None or getattr(self, "checkpoint_dir", None) is None:
            return {}  # the digest is read only by a checkpoint
        return {WARM_START_KEY: warm_start_label(previous)}

    @classmethod
    def warm_compatible(cls, previous: Any, params: Mapping[str, Any]) -> bool:
        """Whether a model of this class with ``params`` (defaults for the rest) can start
        from ``previous``: same class, fitted, same ``warm_start_params``."""
        if type(previous) is not cls or not getattr(previous, "is_fitted", False):
            return False
        declared = getattr(cls, "params", {})
        # the values its vectors were fitted with (a value set since is not what they hold)
        fitted = previous.__dict__.get("fitted_params_") or {}
        return all(_comparable(params.get(p, declared[p].default))
                   == _comparable(fitted.get(p, getattr(previous, p)))
                   for p in cls.warm_start_params)


def warm_start_label(previous: Any) -> str:
    """Which model a warm start began from, as a checkpoint records it: its name, its
    vocabulary sizes and a digest of its learned arrays (a model saved and loaded gives the
    same label, so a warm start interrupted and resumed from the loaded model resumes)."""
    import hashlib

    digest = hashlib.sha256()
    for name, value in sorted(previous._state().items()):
        array = np.ascontiguousarray(value)
        digest.update(f"{name}:{array.dtype.str}:{array.shape};".encode())
        digest.update(array.tobytes())
    return (f"{previous.name} of {counted(len(previous.users_), 'user')} x "
            f"{counted(len(previous.items_), 'item')} "
            f"(arrays sha256 {digest.hexdigest()[:16]})")


def _check_shared_ids(model: str, previous: Any, train: Interactions) -> None:
    """Refuse a warm start from a model that knows none of ``train``'s users and none of
    its items: no vector would carry over, and the fit was a fresh one started from the
    wrong model without a word (a model of another data set, or of another id scheme)."""
    from recstack.models.base import check_interactions  # base imports this module

    check_interactions(train, f"{model}.fit_from")
    try:
        shared = {kind: len(known_rows(getattr(train, kind), getattr(previous, f"{kind}_"))[0])
                  for kind in ("users", "items")}
    except ConfigError as error:
        # "warm start: the previous model's ids are numbers ..." named no model, where every
        # other refusal of fit_from starts with it
        raise ConfigError(f"{model}: {error}") from None
    if not any(shared.values()) and len(train.users) and len(train.items):
        old_users, old_items = previous.users_.external_ids, previous.items_.external_ids
        raise ConfigError(
            f"{model}: the previous model knows none of these "
            f"{counted(len(train.users), 'user')} and {counted(len(train.items), 'item')} "
            f"(it knows users like {old_users[:3].tolist()} and "
            f"items like {old_items[:3].tolist()}; these are like "
            f"{train.users.external_ids[:3].tolist()} and "
            f"{train.items.external_ids[:3].tolist()}), so nothing would carry over; warm-"
            "start from the model of the previous window of this data, or use fit")


def _comparable(value: Any) -> Any:
    # a tuple hyperparameter comes back from JSON as a list
    return list(value) if isinstance(value, tuple | list) else value
