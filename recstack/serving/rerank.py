"""The pipeline's re-rankers as stages of the service's request path.

Two chains can follow retrieval, in this order:

1. the chain of a published ``reranked`` model (:class:`recstack.pipeline.rerank.Reranked`):
   its wrapped model retrieves (through the version's item index, or its own scoring) and
   its fitted re-rankers, saved with it, reorder, so the service answers what the model's
   own ``recommend`` answers;
2. the chain of the settings (``rerank``, spelled as in experiment files:
   ``[{"type": "block_list", "items": [50]}, {"type": "mmr", "trade_off": 0.7}]``), fitted
   when a version is loaded from what the version holds: its training matrix (``seen_``),
   its vocabularies, its item vectors (``mmr`` with ``features = "model"``) and the items
   file of the settings as the item table (genres, groups, ages). Re-rankers that need
   timestamps (``freshness`` without a time column) are refused at load, with the reason.

Each re-ranker is one :class:`RerankerStage` (timed on its own in
``recstack_stage_seconds{stage="re-ranking", name=...}``). Filters act twice, as in the
``reranked`` model: their catalog mask is excluded at retrieval (:func:`chain_exclusions`,
so a filter costs no list slot: ``k`` results survive), and the filter runs again in the
chain.

A new visitor has no row in the training matrix: the chain sees a one-row history of the
posted items instead (:func:`context_for`), which is what the seen-item filter and Steck's
calibration read, and which is no training user's row: a ``block_list``'s lists per user
apply only to the user they name (a visitor gets the global list alone).
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp

from recstack.data.side_table import read_side_table
from recstack.errors import ConfigError, RecstackError
from recstack.pipeline.rerank.filters import UnknownIdsWarning

if TYPE_CHECKING:
    from recstack.models.base import Recommender
    from recstack.pipeline.rerank import RerankContext, Reranker
    from recstack.serving.service import Candidates, StageRequest

logger = logging.getLogger(__name__)

__all__ = ["RerankerStage", "chain_exclusions", "check_chain", "context_for", "fit_chain",
           "read_item_table", "training_data"]


class RerankerStage:
    """One fitted re-ranker applied to the retrieved list of one request.

    The list comes back reordered and possibly shorter (a filter's empty slots are
    dropped). An item's ``source`` becomes the re-ranker's name when the re-ranker changed
    the list's order or its scores (``block_list`` alone keeps them: it only removes)."""

    kind: Literal["ranking", "re-ranking"] = "re-ranking"

    def __init__(self, reranker: Reranker, *, origin: str) -> None:
        self.reranker = reranker
        self.name = reranker.name
        self.origin = origin  # "model" (the reranked model's chain) or "settings"

    def __call__(self, request: StageRequest, candidates: Candidates) -> Candidates:
        from dataclasses import replace

        users, context = context_for(request)
        items, scores = self.reranker.rerank(users, candidates.items[None, :],
                                             candidates.scores[None, :].astype(np.float64),
                                             context)
        keep = items[0] >= 0
        new_items, new_scores = items[0][keep], scores[0][keep]
        # where each returned item was in the incoming list (the chain only reorders
        # and removes, so every returned item is found)
        by_item = np.argsort(candidates.items, kind="stable")
        old = by_item[np.searchsorted(candidates.items[by_item], new_items)]
        new_scores = new_scores.astype(np.float32)
        # a filter hands the incoming float32 scores back untouched, in the same order
        unchanged = bool(np.all(np.diff(old) > 0)) and np.array_equal(
            new_scores, candidates.scores[old])
        sources = (candidates.sources[old] if unchanged
                   else np.full(len(new_items), self.name, dtype=object))
        return replace(candidates, items=new_items, scores=new_scores,
                       sources=sources)


def context_for(request: StageRequest) -> tuple[np.ndarray, RerankContext]:
    """The re-rankers' user row and context: the version's training matrix for a known
    user; for anyone else (a new visitor, an unknown user served popular items, a user
    known only to the embedding store, a similar-items request) a one-row history of the
    request's items, which is no training user's row: the context says whose per-user
    state applies (``training_users``), the vocabulary row of the user the request names
    when the model has one (a user without training rows keeps their own block list),
    else none. The one row was read as the first training user's, whose personal block
    list was applied to every visitor."""
    from recstack.pipeline.rerank import RerankContext

    loaded = request.loaded
    if request.user >= 0:
        return np.array([request.user], np.int64), RerankContext(seen=loaded.seen_matrix)
    history = np.unique(np.asarray(request.history, np.int64))
    row = sp.csr_matrix((np.ones(len(history), np.float32), history, [0, len(history)]),
                        shape=(1, loaded.n_items))
    owner = np.array([_vocabulary_row(request)], np.int64)
    return np.zeros(1, np.int64), RerankContext(seen=row, training_users=owner)


def _vocabulary_row(request: StageRequest) -> int:
    """The model's index of the user ``request`` names (the row of the re-rankers'
    per-user state), -1 for a visitor the model does not know (or none named)."""
    if request.user_id is None:
        return -1
    loaded = request.loaded
    return int(loaded.user_position(loaded.vocabulary_id("user", str(request.user_id))))


def chain_exclusions(stages: Sequence[Any], request: StageRequest) -> np.ndarray:
    """Item indices that a filter of the chain blocks for this request (empty without
    filters): excluded at retrieval so that the list keeps ``k`` items."""
    filters = [s.reranker for s in stages if isinstance(s, RerankerStage)]
    masks = []
    if filters:
        users, context = context_for(request)
        for reranker in filters:
            allowed = reranker.catalog_mask(users, context)
            if allowed is not None:
                masks.append(np.flatnonzero(~np.asarray(allowed)[0]))
    if not masks:
        return np.empty(0, np.int64)
    return np.unique(np.concatenate(masks)).astype(np.int64)


def check_chain(entries: Sequence[Mapping[str, Any]]) -> None:
    """Refuse a chain whose entries do not name re-rankers with valid hyperparameters
    (:class:`ConfigError` naming ``rerank[i]``)."""
    from recstack.pipeline.rerank import create_reranker

    _check_entries(entries)
    for position, entry in enumerate(entries):
        create_reranker(dict(entry), f"rerank[{position}]")


def _check_entries(entries: Any) -> None:
    """A chain is a list of tables (``{"type": "mmr", ...}``): a single table would be read
    as its keys, and text as its characters."""
    if isinstance(entries, str | bytes | Mapping) or not isinstance(entries, Sequence):
        raise ConfigError(f"rerank: expected a list of re-rankers such as "
                          f"[{{\"type\": \"mmr\"}}], got {type(entries).__name__} "
                          f"{entries!r:.80}")
    for position, entry in enumerate(entries):
        if not isinstance(entry, Mapping):
            raise ConfigError(f"rerank[{position}]: expected a table such as "
                              f"{{\"type\": \"mmr\"}}, got {entry!r:.80}")


def fit_chain(entries: Sequence[Mapping[str, Any]], model: Recommender,
              item_table: pd.DataFrame | None, *,
              version: str | None = None) -> list[RerankerStage]:
    """The settings' chain fitted on what the loaded version holds (see the module
    docstring); a re-ranker that cannot be fitted from it is refused with the reason.

    A block list naming ids this version does not have is served, not refused: a list
    kept across catalog versions legitimately names retired items. It is logged at every
    load (naming the step, the ``version``, how many and the first few ids): as a Python
    warning it said neither step nor version and was shown once per process, so a reload
    onto a catalog that retired more of the list said nothing."""
    _check_entries(entries)
    _check_fitted_model(model, "fit_chain")
    if not entries:
        return []
    from recstack.pipeline.rerank import create_reranker

    train = training_data(model, item_table)
    try:
        vectors: np.ndarray | None = model.item_embeddings()
    except RecstackError:
        vectors = None
    stages = []
    for position, entry in enumerate(entries):
        reranker = create_reranker(dict(entry), f"rerank[{position}]")
        try:
            with warnings.catch_warnings(record=True) as noted:
                warnings.simplefilter("always", UnknownIdsWarning)
                reranker.fit(train, item_vectors=vectors if reranker.reads_item_vectors()
                             else None)
        except RecstackError as error:
            # name the items file the item table came from (or its absence): "the item
            # table has no column 'brand'" did not say which file to fix
            table = ("the settings give no items_file" if item_table is None
                     else f"the item table is {_table_name(item_table, 'given in Python')}")
            raise ConfigError(f"rerank[{position}] ({reranker.name}): cannot be fitted from "
                              f"the served version ({error}); {table}") from None
        for note in noted:
            if issubclass(note.category, UnknownIdsWarning):
                logger.warning("rerank[%d] for %s: %s (a block list kept across catalog "
                               "versions may name retired items)", position,
                               version or "the served version", note.message)
            else:  # not this module's to word: passed on as it was
                warnings.warn_explicit(note.message, note.category, note.filename,
                                       note.lineno)
        stages.append(RerankerStage(reranker, origin="settings"))
    return stages


def training_data(model: Recommender, item_table: pd.DataFrame | None) -> Any:
    """The version's training interactions as far as the artifact keeps them: the rows
    of its ``seen_`` matrix with their values, no timestamps, the model's vocabularies,
    and ``item_table`` (external ids in its first column) aligned to the items."""
    from recstack.data.interactions import Interactions

    _check_fitted_model(model, "training_data")
    seen = sp.csr_matrix(model.seen_)
    users = np.repeat(np.arange(seen.shape[0], dtype=np.int32), np.diff(seen.indptr))
    aligned = _aligned(item_table, model) if item_table is not None else None
    return Interactions(users, seen.indices.astype(np.int32),
                        np.asarray(seen.data, np.float32), None, model.users_, model.items_,
                        item_table=aligned)


def _check_fitted_model(model: Any, where: str) -> None:
    """Refuse what is not a fitted recstack model: a path, a name or None was an
    AttributeError on ``seen_``, and so was a model not yet fitted."""
    from recstack.serving.embedding_store import _check_model

    _check_model(model, where)
    model._require_fitted()


def _aligned(table: pd.DataFrame, model: Recommender) -> pd.DataFrame:
    """One row per item of the model, in its order; ids missing from the table get
    empty values (the re-rankers treat them as unknown)."""
    where = _table_name(table, "the item table")
    if not isinstance(table, pd.DataFrame) or table.shape[1] == 0:
        raise ConfigError(f"{where}: expected a table with the item ids in its first "
                          "column, got " + ("a table with no columns"
                                            if isinstance(table, pd.DataFrame)
                                            else f"{type(table).__name__} {table!r:.80}"))
    keys = table.iloc[:, 0].astype(str)
    repeated = keys.duplicated().to_numpy()
    if repeated.any():
        # "items file: item_id repeats" named neither the file nor the rows
        again = int(repeated.argmax())
        first = int((keys == keys.iloc[again]).to_numpy().argmax())
        raise ConfigError(f"{where}: item_id {keys.iloc[again]!r} is listed twice (rows "
                          f"{first + 1} and {again + 1}); expected each item_id once")
    rest = table.iloc[:, 1:].reset_index(drop=True)
    ids = [str(i) for i in model.items_.external_ids.tolist()]
    positions = pd.Index(keys.to_numpy()).get_indexer(ids)
    if len(keys) and len(ids) and (positions < 0).all():
        # every item's attributes were empty without a word (a table of another catalog,
        # or ids spelled otherwise: 1.0 or 001 for the item 1), so the re-rankers that
        # read them (calibration by genre, a column boost) acted on nothing; worded as
        # the service words the same items file without a title of the model's items
        theirs = ", ".join(repr(key) for key in keys.iloc[:3].tolist())
        ours = ", ".join(repr(key) for key in ids[:3])
        raise ConfigError(f"{where}: none of its {len(keys):,} item ids is an item of "
                          f"{model.name} (the table has {theirs}, ...; the model {ours}, "
                          "...); give the item table of the model's catalog, with its "
                          "item_id column spelled as the model's ids")
    aligned = rest.iloc[np.maximum(positions, 0)].reset_index(drop=True)
    if (positions < 0).any():
        aligned = aligned.astype(object)
        aligned.loc[positions < 0, :] = None
    aligned.insert(0, "item_id", model.items_.external_ids)
    return aligned


def _table_name(table: Any, otherwise: str) -> str:
    """The item table's file (kept by :func:`read_item_table`) as messages name it, else
    ``otherwise`` (a frame given in Python)."""
    path = table.attrs.get(_PATH) if isinstance(table, pd.DataFrame) else None
    return f"the items file {path}" if path else otherwise


#: the ``DataFrame.attrs`` key under which :func:`read_item_table` keeps the file's path
_PATH = "recstack_path"


def read_item_table(path: Path, *, columns: Sequence[str] = ()) -> pd.DataFrame:
    """The items file (CSV or Parquet, ``item_id`` first or named) with every column
    (``columns`` must be there); a text column of ``|``-separated labels (``genres`` as
    MovieLens writes them) stays text: the re-rankers split it.

    The ids are read by the id rule of every loader, then written as the service's text
    ids: a Parquet column of whole floats (pandas writes integer ids with a gap as
    float64) holds the items ``1``, ``2``, not ``"1.0"``, which matched no item, so every
    title and every attribute the re-rankers read was missing without a word."""
    from recstack.data.idmap import id_values

    table = read_side_table(path, columns=columns)
    keys = id_values(table["item_id"], f"{path}: column 'item_id'")
    table["item_id"] = np.array([str(key) for key in keys.tolist()], dtype=object)
    table.attrs[_PATH] = str(path)
    return table
