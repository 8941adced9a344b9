r"""A two-tower retrieval model: a user tower and an item tower meeting in a dot product.

Both towers end in a unit vector of dimension ``dim``; a user's score for an item is their
cosine, so the exported embeddings go straight into a nearest-neighbour (maximum inner
product) index.

Item tower
----------
Each item has a content vector :math:`c_i` built from its ``item_table`` row:

- a multi-hot of its genres (``genres``, a list or ``"A|B"`` text), scaled to unit length;
- a multi-hot of its tag words (``tags``, MovieLens releases with a tags file; the
  ``max_tags`` words found on the most items, on at least two), scaled to unit length;
- a text vector of its title (and ``description`` where the table has one): TF-IDF with
  log-scaled term frequencies over the words found in at least two items, reduced to
  ``text_dim`` dimensions by a truncated SVD (latent semantic analysis) and scaled to unit
  variance per dimension.

Without any of these columns (e.g. no item table at all) :math:`c_i` is the constant 1, so
every item has the same content part. The tower adds a learned id embedding
:math:`e_i` to a two-layer perceptron of the content,

.. math:: q_i = \frac{x_i}{\lVert x_i \rVert}, \qquad
          x_i = W_2\,\mathrm{ReLU}(W_1 c_i + b_1) + b_2 + m_i\, e_i .

User tower
----------
A user's history vector :math:`h_u` is the mean of :math:`q_j` over their ``recent_items``
latest training items (by timestamp, rows with the same timestamp in row order, the last
one the latest; by row order without timestamps), and :math:`f_u` the
one-hot of the ``user_features`` columns of ``user_table`` (none by default):

.. math:: p_u = \frac{y_u}{\lVert y_u \rVert}, \qquad
          y_u = h_u + V_2\,\mathrm{ReLU}(V_1 [h_u; m_u f_u] + d_1) + d_2 + m_u\, e_u

(a residual perceptron: the history mean alone is already a usable user vector). The
score is :math:`s(u, i) = p_u^\top q_i \in [-1, 1]`.

Id dropout
----------
:math:`m_i, m_u \in \{0, 1\}` are 1 at inference. In training each is 0 with probability
``id_dropout``, drawn afresh for every item of every minibatch (one draw per item, shared
by its positive and history occurrences) and for every example's user. An item whose id is
dropped must be placed by its content alone, so the content path learns to stand alone (as
in DropoutNet, Volkovs et al. 2017) instead of leaving more and more of each item's
position to its id as training goes on: that is what keeps the embedding of an item
*without interactions* useful. Such an item's id embedding is never trained (it starts at
zero, like every id embedding, and is set to zero after training), so its embedding is its
content part. (On the synthetic data of the tests, ranking held-out items for the users
who had them gives AUC 0.73 after 8 epochs with ``id_dropout=0.3``, 0.68 without dropout,
falling to 0.66 after 20 epochs; the TF-IDF ``content`` model gets 0.70.) Dropping the user
id (and features) likewise trains the history path to describe a user alone, which
:meth:`TwoTower.score_histories` relies on.

Loss: in-batch sampled softmax with the log-Q correction
--------------------------------------------------------
Every training row :math:`(u_b, i_b)` of a minibatch :math:`B` is a positive, and the
batch's other items are its negatives. Popular items are in many batches, so they are
negatives far more often than under a uniform sample; Yi et al. (2019) correct this by
subtracting the log of each item's sampling probability :math:`Q_j` from its logit:

.. math:: L_B = -\frac{1}{|B|} \sum_{b \in B} \log
          \frac{\exp(s^c_{bb})}{\sum_{k \in B,\ i_k \ne i_b \text{ or } k = b}
          \exp(s^c_{bk})}, \qquad
          s^c_{bk} = \frac{p_{u_b}^\top q_{i_k}}{\tau} - \log Q_{i_k}

with temperature :math:`\tau` (``temperature``) and :math:`Q_j = n_j / n`, item
:math:`j`'s share of the training rows (the batch size would only add a constant, which the
softmax ignores). The correction makes :math:`s^c` an estimate of the full softmax over the
catalog. This is Yi et al.'s corrected batch softmax (their :math:`s^c(x_i, y_j) = s(x_i,
y_j) - \log p_j`, the positive's own logit corrected too, with their L2-normalised tower
outputs and temperature); one difference is by design: they estimate :math:`p_j` from the
stream of batches (their Algorithm 2, the mean number of steps between two batches that
hold item :math:`j`, inverted), because their training data never end, where over a fixed
training set :math:`B\,Q_j` is known exactly: the expected number of a batch's :math:`B`
columns that hold item :math:`j` (a copy is a column of its own), which is what the
correction of a sampled softmax divides by. A copy of the positive item elsewhere in the
batch is not counted as a negative (the condition under the sum).
``logq_correction=False`` trains on the uncorrected logits.

An example's history excludes its own target: it is the user's ``recent_items`` latest
training items other than the target (the same window as at inference, where the user's
training items are never recommended), so the model never learns to recommend what is
already in the history.

New items and new users
-----------------------
:meth:`TwoTower.embed_items` embeds item-table rows that were not in the catalog from
their content alone; :meth:`TwoTower.score_histories` scores users known only by a
history (the mean of the embeddings of all their history items, no id, no features;
without item content, the items without training rows are left out of it).
A history with no items gets item popularity instead (the number of training rows of each
item, divided by the largest), with a warning saying how many rows fell back; so do users
of the training vocabulary without a training row (warned about by ``fit``, and by
``recommend`` and ``score`` when they are asked for). :meth:`TwoTower.score_new_items`
refuses such users: new items have no popularity to fall back on.

Determinism
-----------
Training runs in :class:`~recstack.models.torch_training.TorchTrainer`: the batch order and
the dropout masks come from its per-epoch seeded generator, the layers are initialised from
a generator seeded by ``seed``, the TF-IDF SVD is seeded by ``seed``, and
``torch.use_deterministic_algorithms(True, warn_only=True)`` is on for the duration of
``fit`` (as for ``mf``). Two fits with the same seed give identical scores on the same
torch version and thread count. (Intel MKL, which torch's CPU builds use for matrix
products, may round differently with the memory alignment of its inputs, so a fit that
follows other work in the same process can differ in the last bits: on MovieLens
latest-small that moved nDCG@10 by 0.001 after 10 epochs. ``MKL_CBWR`` controls this.)
With ``checkpoint_dir`` every epoch is checkpointed; a fit
on the same folder resumes after the last finished epoch (raise ``epochs`` to train on),
and a checkpoint made with another configuration or other training data is refused.
Inference runs in numpy on the exported arrays (saved as npz, never pickled); scoring a
loaded model needs no torch, and embedding new items needs scikit-learn only for the
tokeniser.

References
----------
Yi, X., Yang, J., Hong, L., Cheng, D. Z., Heldt, L., Kumthekar, A., Zhao, Z., Wei, L. &
Chi, E. (2019). Sampling-bias-corrected neural modeling for large corpus item
recommendations. *RecSys '19*, 269-277.

Covington, P., Adams, J. & Sargin, E. (2016). Deep neural networks for YouTube
recommendations. *RecSys '16*, 191-198.

Volkovs, M., Yu, G. & Poutanen, T. (2017). DropoutNet: addressing cold start in
recommender systems. *NeurIPS 2017*.

Deerwester, S., Dumais, S. T., Furnas, G. W., Landauer, T. K. & Harshman, R. (1990).
Indexing by latent semantic analysis. *JASIS* 41(6), 391-407.
"""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
import scipy.sparse as sp

from recstack.data.interactions import USER_ID, Interactions, caller_stacklevel
from recstack.errors import ConfigError, RecstackError, shown
from recstack.models.base import (
    MAX_ITERATIONS,
    NOT_GIVEN,
    Param,
    Recommender,
    canonical_value,
    check_call,
    exact_as_declared,
    width_param,
)
from recstack.models.factors import refuse_overshooting_decay
from recstack.models.memory import require_memory
from recstack.models.persistence import ArraySpec
from recstack.models.registry import register
from recstack.models.text_features import (
    check_item_rows,
    genre_tokens,
    item_documents,
    refuse_boolean_text,
    refuse_near_columns,
    saved_columns_problem,
    saved_terms_problem,
    sklearn_text,
    warn_undescribed_items,
    warn_unknown_genres,
)
from recstack.models.torch_training import (
    CHECKPOINT_DIR_PARAM,
    DEVICE_PARAM,
    MAX_LIKELIHOOD_LOSS,
    MAX_LOSS_GROWTH,
    MAX_TORCH_STEP,
    THREADS_PARAM,
    TorchTrainer,
    deterministic_torch,
    float32_copy,
    require_torch,
    resolve_device,
    torch_threads,
)
from recstack.models.training import (
    TrainingHistory,
    hold_out_rows,
    refuse_unvalidated_patience,
    seed_everything,
    validation_ndcg,
)
from recstack.models.warm_start import WarmStartMixin, warm_module
from recstack.progress import Progress
from recstack.specs import did_you_mean

if TYPE_CHECKING:
    from torch import Tensor

__all__ = ["ItemContentEncoder", "TwoTower", "sampled_softmax_loss"]

#: item-table columns read as text for the title vector, whichever the table has
TEXT_COLUMNS = ("title", "description")
# Words (and tags) must occur in at least this many items: a word of a single item cannot
# tie that item to any other, so it only adds noise to the content path.
_MIN_ITEMS_PER_WORD = 2
#: cells of a user_features column that are no single value, and how they are named
_NOT_ONE_VALUE: tuple[tuple[Any, str], ...] = (
    (list, "a list"), (tuple, "a tuple"), (dict, "a table"), (set | frozenset, "a set"),
    (bytes, "bytes"), (np.ndarray, "an array"))
# Bytes of float32 intermediate rows that export and fold-in may hold at once.
_EXPORT_BUDGET_BYTES = 64 * 2**20


def _category_texts(values: pd.Series) -> pd.Series:
    """Each cell of a ``user_features`` column as the text of its one-hot category (None
    where missing). In a column of mixed kinds (object dtype) a whole float reads as the
    integer it is: ``1`` and ``1.0`` (an occupation code from two sources) were two
    categories, ``"1"`` and ``"1.0"``, while ``1`` and ``"1"`` were one. Columns of one
    numeric dtype keep pandas' text, so their categories are those they always were."""
    if values.dtype.kind != "O":
        return values.astype(str).where(values.notna(), None)

    def text(cell: Any) -> str:
        if isinstance(cell, float | np.floating) and float(cell).is_integer():
            return str(int(cell))
        return str(cell)

    return values.map(text, na_action="ignore").where(values.notna(), None)


# ---------------------------------------------------------------------------- content
#: the arrays of :meth:`ItemContentEncoder.state`, in its order
_STATE_KEYS = ("content_genres", "content_tags", "content_text_columns",
               "content_text_vocabulary", "content_text_idf", "content_text_components",
               "content_text_scale")


def _encoder_settings(**given: Any) -> list[Any]:
    """``ItemContentEncoder.fit``'s settings checked by :class:`TwoTower`'s declarations
    (numpy and exact whole numbers read as the ints they name): a negative ``text_dim`` or
    ``max_tags`` was read as 0, a fraction failed inside scikit-learn, and a seed past 32
    bits was refused in scikit-learn's words."""
    checked = []
    for name, value in given.items():
        param = TwoTower.params[name]
        stored = exact_as_declared(canonical_value(value), param)
        param.check("two_tower: ItemContentEncoder.fit", name, stored, value)
        checked.append(stored)
    return checked


def _row_count(n_rows: Any) -> int:
    """``ItemContentEncoder.transform``'s ``n_rows`` (the rows when there is no table) as a
    whole number >= 0: a negative one failed inside numpy, and 2.7 or "3" were read as 2
    and 3 rows without a word."""
    if n_rows is None:
        return 0
    value = exact_as_declared(canonical_value(n_rows), Param(int))
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError("two_tower: ItemContentEncoder.transform: n_rows must be a whole "
                          f"number >= 0 (the rows to give when table is None), got "
                          f"{shown(n_rows)}")
    return value


@dataclass
class ItemContentEncoder:
    """Turns item-table rows into the item tower's content vectors :math:`c_i`.

    Fitted once on the catalog's table (:meth:`fit`); :meth:`transform` then gives the
    same vector to an item whether it was in that table or arrives later. See the module
    docstring for the three blocks. Tokenising needs scikit-learn; the fitted vocabularies,
    idf and SVD components are plain arrays (:meth:`state`).

    Attributes
    ----------
    genre_vocabulary, tag_vocabulary, text_vocabulary : ndarray of str
        The multi-hot columns and the TF-IDF terms, in column order.
    text_columns : ndarray of str
        The item-table columns joined into each item's text.
    text_idf : ndarray, float64, (n_terms,)
    text_components : ndarray, float32, (text_dim, n_terms)
        The SVD's right singular vectors: text vector = TF-IDF row @ components.T.
    text_scale : ndarray, float32, (text_dim,)
        Standard deviation of each text dimension over the catalog (divided out).
    """

    genre_vocabulary: np.ndarray
    tag_vocabulary: np.ndarray
    text_columns: np.ndarray
    text_vocabulary: np.ndarray
    text_idf: np.ndarray
    text_components: np.ndarray
    text_scale: np.ndarray

    @classmethod
    def fit(cls, table: pd.DataFrame | None, *, text_dim: int, max_tags: int,
            seed: int) -> ItemContentEncoder:
        """Vocabularies, idf and SVD from a catalog's item table (None: no content).
        ``text_dim``, ``max_tags`` and ``seed`` follow :class:`TwoTower`'s declarations of
        the same names; a table that is not a DataFrame is refused, not failed on inside."""
        text_dim, max_tags, seed = _encoder_settings(
            text_dim=text_dim, max_tags=max_tags, seed=seed)
        if table is not None and not isinstance(table, pd.DataFrame):
            # the values of a DataFrame are checked below, in the item table's words
            check_item_rows(table, "two_tower", "ItemContentEncoder.fit")
        empty = cls(_strings([]), _strings([]), _strings([]), _strings([]),
                    np.empty(0, np.float64), np.empty((0, 0), np.float32),
                    np.empty(0, np.float32))
        if table is None:
            return empty
        refuse_near_columns(table, ("genres", "tags", *TEXT_COLUMNS), "two_tower")
        refuse_boolean_text(table, "two_tower")
        genres = (_strings(sorted({t for doc in _genre_documents(table) for t in doc.split()}))
                  if "genres" in table.columns else _strings([]))
        tags = _strings([])
        if "tags" in table.columns and max_tags > 0:
            counter = _sklearn_text().CountVectorizer(
                binary=True, min_df=_MIN_ITEMS_PER_WORD, max_features=max_tags,
                stop_words="english")
            try:
                counter.fit(item_documents(table, ["tags"]))
                tags = _strings(counter.get_feature_names_out())
            except ValueError:  # no tag word on two items: no tag block
                pass
        encoder = cls(genres, tags, _strings([]), _strings([]), np.empty(0, np.float64),
                      np.empty((0, 0), np.float32), np.empty(0, np.float32))
        columns = [c for c in TEXT_COLUMNS if c in table.columns]
        if columns and text_dim > 0:
            encoder._fit_text(table, columns, text_dim, seed)
        return encoder

    def _fit_text(self, table: pd.DataFrame, columns: list[str], text_dim: int,
                  seed: int) -> None:
        text = _sklearn_text()
        vectorizer = text.TfidfVectorizer(min_df=_MIN_ITEMS_PER_WORD, stop_words="english",
                                          sublinear_tf=True, dtype=np.float32)
        try:
            vectorizer.fit(item_documents(table, columns))
        except ValueError:  # empty vocabulary: titles share no word
            return
        self.text_columns = _strings(columns)
        self.text_vocabulary = _strings(vectorizer.get_feature_names_out())
        self.text_idf = np.asarray(vectorizer.idf_, np.float64)
        tfidf = self._tfidf(table)
        n_components = min(text_dim, tfidf.shape[1] - 1, tfidf.shape[0] - 1)
        if n_components < 1:
            self.text_columns = self.text_vocabulary = _strings([])
            self.text_idf = np.empty(0, np.float64)
            return
        from sklearn.decomposition import TruncatedSVD

        with np.errstate(divide="ignore", invalid="ignore"):
            # text that is the same on every item has no variance: scikit-learn's explained
            # variance ratio (unused here) divided 0 by 0, and numpy's RuntimeWarning reached
            # the caller (the fit names such content itself)
            svd = TruncatedSVD(n_components=n_components, algorithm="randomized", n_iter=7,
                               random_state=seed).fit(tfidf)
        self.text_components = svd.components_.astype(np.float32)
        projected = np.asarray(tfidf @ self.text_components.T, np.float32)
        scale = projected.std(axis=0)
        self.text_scale = np.where(scale > 0, scale, 1.0).astype(np.float32)

    @property
    def n_features(self) -> int:
        """Width of :math:`c_i` (1, the constant, when there is no content)."""
        width = (len(self.genre_vocabulary) + len(self.tag_vocabulary)
                 + len(self.text_components))
        return width or 1

    def transform(self, table: pd.DataFrame | None, n_rows: int | None = None) -> np.ndarray:
        """Content vectors of the rows of ``table``: float32 ``(n_rows, n_features)``.
        ``table`` may be None (with ``n_rows``) when the model has no content."""
        if table is not None:
            check_item_rows(table, "two_tower", "ItemContentEncoder.transform")
        elif self._has_blocks:
            # an assert said nothing (and vanished under python -O, failing further on)
            raise RecstackError(
                "two_tower: ItemContentEncoder.transform: table is None, but this content "
                f"was fitted on the item table's columns {list(self.read_columns)}: give the "
                "item rows (a pandas DataFrame with those columns)")
        if not self._has_blocks:
            rows = len(table) if table is not None else _row_count(n_rows)
            return np.ones((rows, 1), np.float32)
        assert table is not None  # for the type checker: refused above
        blocks = []
        if len(self.genre_vocabulary):
            self._require(table, "genres")
            blocks.append(_unit_rows(_multi_hot(_genre_documents(table), self.genre_vocabulary,
                                                lambda doc: doc.split())))
        if len(self.tag_vocabulary):
            self._require(table, "tags")
            counter = _sklearn_text().CountVectorizer(
                binary=True, stop_words="english",
                vocabulary={t: k for k, t in enumerate(self.tag_vocabulary.tolist())})
            counts = sp.csr_matrix(counter.transform(item_documents(table, ["tags"])),
                                   dtype=np.float32)
            blocks.append(_unit_rows(counts))
        if len(self.text_components):
            for column in self.text_columns.tolist():
                self._require(table, column)
            projected = np.asarray(self._tfidf(table) @ self.text_components.T, np.float32)
            blocks.append(sp.csr_matrix(projected / self.text_scale))
        return np.asarray(sp.hstack(blocks, format="csr").toarray(), np.float32)

    @property
    def read_columns(self) -> tuple[str, ...]:
        """The item-table columns this content reads (those it was fitted with)."""
        read = ["genres"] if len(self.genre_vocabulary) else []
        read += ["tags"] if len(self.tag_vocabulary) else []
        if len(self.text_components):
            read += [c for c in self.text_columns.tolist() if c not in read]
        return tuple(read)

    @property
    def has_content(self) -> bool:
        """Whether the items were described by content when fitting (else every item's
        content vector is the constant 1)."""
        return self._has_blocks

    @property
    def _has_blocks(self) -> bool:
        return bool(len(self.genre_vocabulary) or len(self.tag_vocabulary)
                    or len(self.text_components))

    def _tfidf(self, table: pd.DataFrame) -> sp.csr_matrix:
        """TF-IDF rows as ``TfidfVectorizer(sublinear_tf=True)`` computes them, with the
        fitted vocabulary and idf (so a new item gets what fitting would have given it)."""
        counter = _sklearn_text().CountVectorizer(
            vocabulary={t: k for k, t in enumerate(self.text_vocabulary.tolist())},
            stop_words="english", dtype=np.float64)
        counts = sp.csr_matrix(counter.transform(
            item_documents(table, self.text_columns.tolist())))
        np.log(counts.data, out=counts.data)
        counts.data += 1.0
        return _unit_rows(counts @ sp.diags(self.text_idf))

    @staticmethod
    def _require(table: pd.DataFrame, column: str) -> None:
        if column not in table.columns:
            raise RecstackError(f"two_tower: the item rows lack the column {column!r} the "
                                f"model was fitted with (they have {list(table.columns)})")

    def state(self) -> dict[str, np.ndarray]:
        return {"content_genres": self.genre_vocabulary, "content_tags": self.tag_vocabulary,
                "content_text_columns": self.text_columns,
                "content_text_vocabulary": self.text_vocabulary,
                "content_text_idf": self.text_idf,
                "content_text_components": self.text_components,
                "content_text_scale": self.text_scale}

    @classmethod
    def from_state(cls, arrays: dict[str, np.ndarray]) -> ItemContentEncoder:
        """The encoder :meth:`state` describes; arrays it lacks are refused, named."""
        if not isinstance(arrays, dict):
            raise RecstackError("two_tower: ItemContentEncoder.from_state takes the dict of "
                                f"arrays ItemContentEncoder.state() gives, got "
                                f"{type(arrays).__name__}")
        missing = [key for key in _STATE_KEYS if key not in arrays]
        if missing:
            raise RecstackError(f"two_tower: ItemContentEncoder.from_state: the arrays lack "
                                f"{', '.join(map(repr, missing))} (of the "
                                f"{len(_STATE_KEYS)} that ItemContentEncoder.state() gives)")
        return cls(arrays["content_genres"].astype(str), arrays["content_tags"].astype(str),
                   arrays["content_text_columns"].astype(str),
                   arrays["content_text_vocabulary"].astype(str),
                   arrays["content_text_idf"], arrays["content_text_components"],
                   arrays["content_text_scale"])


# ---------------------------------------------------------------------------- the model
@register
class TwoTower(WarmStartMixin, Recommender):
    r"""Two-tower retrieval model trained with in-batch softmax and the log-Q correction.

    See the module docstring for the towers, the loss, id dropout, new items and users,
    and determinism. Every training row is a positive (values are ignored: ratings count
    as interactions).

    On a random 80/20 holdout of each user's ratings, every rating a positive and the full
    catalog ranked (``benchmarks/two_tower.py``), the defaults give nDCG@10 0.426 on
    MovieLens 100K (ALS with 64 factors 0.360, most popular 0.225) and 0.308 on latest-small
    (ALS 0.303, most popular 0.184). Without the log-Q correction MovieLens 100K drops to
    0.100, below most popular; without id dropout it rises to 0.439, the price of
    embeddings that also serve items nobody has seen.

    :meth:`item_embeddings` (``(n_items, dim)``) and :meth:`user_embeddings`
    (``(n_users, dim)``) are the unit-length :math:`q_i` and :math:`p_u`: the scores are
    ``user_embeddings() @ item_embeddings().T``, except for users without training rows,
    whose rows are 0 (they are scored by popularity). Items without training rows have
    their content-only embedding.

    Attributes
    ----------
    user_embeddings_, item_embeddings_ : ndarray, float32, (n_users | n_items, dim)
        Unit-length :math:`p_u` and :math:`q_i`; rows of users without training rows are 0.
    item_counts_ : ndarray, int64, (n_items,)
        Training rows per item (0: a cold item, embedded from content alone).
    users_without_history_ : ndarray of bool, (n_users,)
        Users of the vocabulary with no training row; they are scored by popularity.
    content_ : ItemContentEncoder
    history_ : TrainingHistory
        Per-epoch ``loss`` (and ``val``); not saved.

    Notes
    -----
    :meth:`fit_from` (warm start) copies a previous model's towers (both perceptrons)
    and keeps its content vocabularies (``content_``), so new items are embedded with the
    features the towers were trained on; ``dim``, ``hidden`` and ``user_features`` must be
    equal, and so must ``text_dim`` and ``max_tags``, which size those vocabularies (a
    warm start with others kept the previous ones while its parameters named its own).
    The id embeddings start at zero as in a fresh fit: a fitted model keeps only the unit
    vectors they end in, not the ids' own vectors.
    """

    content_: ItemContentEncoder
    history_: TrainingHistory

    name = "two_tower"
    warm_start_params = ("dim", "hidden", "user_features", "text_dim", "max_tags")
    serves_users_without_history = True
    places_items_by_content = True
    history_fallback = "item popularity (training rows per item, divided by the largest)"
    training_ranges: ClassVar[dict[str, tuple[float | None, float | None]]] = {
        "learning_rate": (None, 0.1), "temperature": (0.01, 10.0)}
    params: ClassVar[dict[str, Param]] = {
        # at least 2: the embeddings are unit vectors, and in one dimension each is +1 or
        # -1, so every item scored one of two values (or all collapsed to one)
        "dim": width_param(low=2, default=64,
                           doc="Dimension of the user and item embeddings (unit vectors, so "
                               "at least 2; at most 65,536)."),
        "hidden": width_param(default=128,
                              doc="Width of the hidden layer of both towers' perceptrons (at "
                                  "most 65,536)."),
        "epochs": Param(int, low=1, high=MAX_ITERATIONS, default=10,
                        doc="Passes over the training rows (the most, with early stopping)."),
        "batch_size": Param(int, low=2, default=512,
                            doc="Rows per minibatch, also the in-batch candidates per "
                                "example."),
        "learning_rate": Param((int, float), low=0, low_inclusive=False,
                               high=MAX_TORCH_STEP, high_inclusive=False, default=2e-3,
                               doc="Adam's step size."),
        "weight_decay": Param((int, float), low=0, default=0.0,
                              doc="Decoupled weight decay (AdamW) of all parameters; 0 is "
                                  "plain Adam."),
        "temperature": Param((int, float), low=0, low_inclusive=False, default=0.2,
                             doc="tau: cosines are divided by it before the softmax."),
        "logq_correction": Param(bool, default=True,
                                 doc="Subtract log Q_j from the in-batch logits (Yi et al. "
                                     "2019)."),
        "recent_items": Param(int, low=1, default=20,
                              doc="How many of a user's latest training items make their "
                                  "history vector (one above the longest training history "
                                  "costs nothing more)."),
        "id_dropout": Param((int, float), low=0, high=1, default=0.3,
                            doc="Probability of dropping an item's (and a user's) id "
                                "embedding in training; 1: pure content and history."),
        "text_dim": Param(int, low=0, default=32,
                          doc="Dimensions of the title (+ description) text vector; 0: none."),
        "max_tags": Param(int, low=0, default=500,
                          doc="Most tag words in the tag multi-hot; 0: no tags."),
        "user_features": Param((tuple, list), default=(), element=Param(str), unique=True,
                               doc="user_table columns one-hot encoded into the user tower, "
                                   "e.g. ('gender', 'occupation'); () uses none."),
        "validation_fraction": Param((int, float), low=0, high=0.5, default=0.0,
                                     doc="Share of the rows held out for validation nDCG@10 "
                                         "and early stopping; 0 trains on every row."),
        "patience": Param(int, low=1, default=3,
                          doc="Epochs without a better validation nDCG@10 before stopping; "
                              "read only with validation_fraction > 0."),
        # scikit-learn's TruncatedSVD takes a 32-bit seed
        "seed": Param(int, low=0, high=2**32 - 1, default=0,
                      doc="Seeds initialisation, shuffling, dropout and the text SVD."),
        "device": DEVICE_PARAM,
        "num_threads": THREADS_PARAM,
        "checkpoint_dir": CHECKPOINT_DIR_PARAM,
    }

    # ------------------------------------------------------------------ training
    def _reads_occurrences(self) -> bool:
        return True  # every training row is a positive, whatever its value

    def _occurrences_role(self) -> str:
        return "it learns every training row as a positive"

    def _fit(self, train: Interactions, progress: Progress | None) -> None:
        # before anything is built or trains
        refuse_unvalidated_patience(self, self.validation_fraction > 0)
        refuse_overshooting_decay(self, "learning_rate", "weight_decay",
                                  "every parameter (AdamW's decoupled decay)")
        torch = require_torch()
        rng = seed_everything(self.seed)
        device = resolve_device(self.device, self.name)
        fit_rows, validation = hold_out_rows(train, self.validation_fraction, rng,
                                             model=self.name)
        previous = self._warm_previous()
        # a warm start keeps the previous content vocabularies, so the item tower's first
        # layer reads the same features
        self.content_ = (previous.content_ if previous is not None else
                         ItemContentEncoder.fit(train.item_table, text_dim=self.text_dim,
                                                max_tags=self.max_tags, seed=self.seed))
        item_features = self.content_.transform(train.item_table, n_rows=train.n_items)
        same = (self._same_content_said(train.item_table, item_features, train)
                if self.content_.has_content else None)
        if self.id_dropout >= 1 and (not self.content_.has_content or same is not None):
            # every id dropped, and every item's content the constant 1 (or one content
            # vector shared by every item: a single genre, the same title everywhere): the
            # item tower can only give every item one vector, which the fit refused after
            # every epoch as a collapse, sending the user to the temperature and the
            # learning rate
            said = (f"no item content ({self._no_content_said(train.item_table)})"
                    if same is None else f"content that tells no item apart ({same})")
            raise ConfigError(
                f"{self.name}: id_dropout={self.id_dropout} drops every item id in training, "
                f"so items are placed by their content alone, and these interactions have "
                f"{said}: every item would get the same vector; lower id_dropout below 1 "
                "(default 0.3), or give an item table that describes the items")
        if self.content_.has_content:
            self._warn_items_without_rows(train)
        if previous is None:
            self._warn_unused_content(train.item_table)
            if same is not None:
                warnings.warn(
                    f"{self.name}: {same}, so the content tells no item apart: every item is "
                    "placed by its id alone, as without an item table; describe the items by "
                    "content that tells them apart", stacklevel=caller_stacklevel())
        user_features = self._user_feature_matrix(train)
        # beyond the longest training history the window would hold only padding: a
        # generous recent_items (say 10**6) allocated and gathered (users x 10**6) per batch
        longest = int(np.bincount(fit_rows.user_index).max(initial=0)) if len(fit_rows) else 0
        window = recent_item_window(fit_rows, min(self.recent_items, max(longest, 1)) + 1)
        self.item_counts_ = np.bincount(fit_rows.item_index, minlength=train.n_items
                                        ).astype(np.int64)
        self.users_without_history_ = np.bincount(fit_rows.user_index,
                                                  minlength=train.n_users) == 0
        # only users whose rows the validation hold-out took are news at fit: a user
        # without rows in train (a user split's held-out user, scored from a fold-in
        # history) was warned of as if something were wrong, and recommend names such
        # users when it serves them by popularity, as every model's does
        train_matrix = train.to_csr()
        lost = self.users_without_history_ & (np.diff(train_matrix.indptr) > 0)
        if lost.any():
            without = np.flatnonzero(lost)
            said = self._without_history_said(without, train_matrix, "have no training rows")
            warnings.warn(f"{self.name}: {len(without)} user(s) {said}; they are scored by "
                          "item popularity", stacklevel=caller_stacklevel())
        distinct = int(np.unique(fit_rows.item_index).size)
        if distinct < 2:
            # the in-batch softmax takes each row's negatives from the other items of its
            # batch: with one item there are none, the loss is 0 and nothing is learned
            warnings.warn(
                f"{self.name}: the {len(fit_rows):,} training row(s) hold {distinct} distinct "
                "item(s); its in-batch softmax takes the negatives from the other items of a "
                "batch, so it learns nothing and every score stays at the untrained towers' "
                "value; train on rows of at least 2 different items", RuntimeWarning,
                stacklevel=caller_stacklevel())
        # the towers' weights (features -> hidden -> dim, and the id embeddings), each with
        # its gradient and two optimiser moments: refused before torch allocates them
        weights = ((item_features.shape[1] + user_features.shape[1] + 2 * self.dim)
                   * self.hidden + (train.n_users + train.n_items) * self.dim)
        require_memory(self.name, 16 * weights,
                       f"not enough memory to fit {train.n_users:,} users x "
                       f"{train.n_items:,} items with dim={self.dim:,} and hidden="
                       f"{self.hidden:,}: its {weights:,} weights, with gradients and "
                       "optimiser moments,", "lower dim or hidden")
        # the sampling probability Q_j of the log-Q correction: item j's share of the rows
        log_q = np.log(np.maximum(self.item_counts_, 1) / len(fit_rows)).astype(np.float32)

        with deterministic_torch(device), torch_threads(self.num_threads, self.name):
            generator = torch.Generator().manual_seed(self.seed)
            module = _torch_module(torch)(
                torch.as_tensor(item_features), torch.as_tensor(user_features), self.dim,
                self.hidden, generator).to(device)
            if previous is not None:
                warm_module(module, self._warm_values(previous), users=train.users,
                            items=train.items, old_users=previous.users_,
                            old_items=previous.items_, model=self.name)
            if self.weight_decay:
                optimizer = torch.optim.AdamW(module.parameters(), lr=self.learning_rate,
                                              weight_decay=self.weight_decay)
            else:
                optimizer = torch.optim.Adam(module.parameters(), lr=self.learning_rate)
            window_t = torch.as_tensor(window, device=device)
            log_q_t = torch.as_tensor(log_q, device=device) if self.logq_correction else None
            rows_users = torch.as_tensor(np.array(fit_rows.user_index, np.int64))
            rows_items = torch.as_tensor(np.array(fit_rows.item_index, np.int64))
            n_rows, n_items = len(fit_rows), train.n_items
            keep_probability = 1.0 - float(self.id_dropout)

            def batches(epoch: int, generator: Any) -> Any:
                order = torch.randperm(n_rows, generator=generator)
                for start in range(0, n_rows, self.batch_size):
                    rows = order[start:start + self.batch_size]
                    # masks come from the epoch's generator: a resumed epoch repeats them
                    user_keep = torch.rand(len(rows), generator=generator) < keep_probability
                    item_keep = torch.rand(n_items, generator=generator) < keep_probability
                    yield (rows_users[rows].to(device), rows_items[rows].to(device),
                           user_keep.to(device, torch.float32),
                           item_keep.to(device, torch.float32))

            def loss(module: Any, batch: Any) -> Any:
                users, items, user_keep, item_keep = batch
                user_vectors, item_vectors = _batch_vectors(
                    torch, module, window_t, users, items, user_keep, item_keep)
                return sampled_softmax_loss(user_vectors, item_vectors, items, log_q_t,
                                            float(self.temperature))

            def validate() -> float:
                assert validation is not None
                self._read_parameters(module, window)
                return validation_ndcg(self._score_users, fit_rows, validation)

            trainer = TorchTrainer(epochs=self.epochs, seed=self.seed, patience=self.patience,
                                   checkpoint_dir=self.checkpoint_dir, model=self.name,
                                   config=self._checkpoint_config(fit_rows, train)
                                   | self._warm_checkpoint_config(),
                                   max_loss=MAX_LIKELIHOOD_LOSS,
                                   max_loss_growth=MAX_LOSS_GROWTH,
                                   diverged_hint=(
                                       f"temperature={self.temperature} divides the "
                                       "cosine scores (at most 1 in size) into the loss: "
                                       "raise it (default 0.2), or lower the learning rate "
                                       f"(learning_rate={self.learning_rate})"),
                                   unmoved_hint=self._unmoved_hint)
            self.history_ = trainer.fit(
                module, optimizer, batches, loss,
                validate=validate if validation is not None else None,
                description=f"Training {self.name}", progress=progress)
            self._read_parameters(module, window)

    @staticmethod
    def _warm_values(previous: TwoTower) -> dict[str, Any]:
        """The previous towers' weights by the torch module's names, for :meth:`fit_from`.
        The id embeddings are not kept by a fitted model (only the unit vectors they end
        in), so they start as in a fresh fit, at zero."""
        names = ("hidden.weight", "hidden.bias", "output.weight", "output.bias")
        values: dict[str, Any] = {"item_ids.weight": None, "user_ids.weight": None}
        for tower, layers in (("item", previous.item_layers_), ("user", previous.user_layers_)):
            values |= {f"{tower}_{name}": array for name, array in zip(names, layers,
                                                                       strict=True)}
        return values

    def _checkpoint_config(self, fit_rows: Interactions, train: Interactions
                           ) -> dict[str, Any]:
        """What a checkpoint must have been made with: the hyperparameters that change an
        epoch's computation (not ``epochs`` or ``patience``, so that a run can be extended,
        nor the device or threads) and a digest of the training rows."""
        digest = hashlib.sha256()
        # timestamps too: they order the histories
        for array in (fit_rows.user_index, fit_rows.item_index, fit_rows.timestamp):
            if array is not None:
                digest.update(np.ascontiguousarray(array).tobytes())
        ignored = {"epochs", "patience", "device", "num_threads", "checkpoint_dir"}
        params = {k: (list(v) if isinstance(v, tuple) else v)
                  for k, v in self.get_params().items() if k not in ignored}
        return params | {"data": f"{train.n_users}x{train.n_items}:{digest.hexdigest()[:16]}"}

    def _user_feature_matrix(self, train: Interactions) -> np.ndarray:
        """One-hot of the ``user_features`` columns, ``(n_users, n_columns)`` float32."""
        columns = list(self.user_features)
        if not columns:
            return np.zeros((train.n_users, 0), np.float32)
        table = train.user_table
        if table is None:
            raise ConfigError(f"{self.name}: user_features={columns} but these interactions "
                              "have no user_table")
        missing = [c for c in columns if c not in table.columns]
        if missing:
            # a misspelt name ('agee') was listed beside the columns without the nearest, as
            # a re-ranker's item column names it
            near = did_you_mean(str(missing[0]), [str(c) for c in table.columns])
            raise ConfigError(f"{self.name}: user_features: the user table has no column"
                              f"{'s' if len(missing) > 1 else ''} "
                              f"{', '.join(map(repr, missing))}{near}; its columns are: "
                              f"{', '.join(map(repr, table.columns))}")
        if USER_ID in columns:
            raise ConfigError(
                f"{self.name}: user_features names {USER_ID!r}, the users' key: its one-hot "
                "is one column per user, which the tower's user-id embedding already is; "
                "name columns that describe the users (e.g. ('gender', 'occupation'))")
        blocks = []
        for column in columns:
            values = table[column]
            self._check_user_feature(column, values, train)
            text = _category_texts(values)
            categories = np.array(sorted(text.dropna().unique().tolist()), dtype=object)
            codes = pd.Categorical(text, categories=categories).codes
            block = np.zeros((train.n_users, len(categories)), np.float32)
            known = codes >= 0
            block[np.flatnonzero(known), codes[known]] = 1.0
            blocks.append(block)
        return np.hstack(blocks)

    def _check_user_feature(self, column: str, values: pd.Series, train: Interactions) -> None:
        """Refuse a ``user_features`` column the one-hot cannot read: one with no value at
        all (it added no input, silently), or a cell holding a list, a table, a set, bytes
        or an infinite number (each was one category named by its Python spelling,
        ``"['x']"``, ``"inf"``); warn of one where every user has a value of their own (a
        measurement such as an age in days, or another id), whose one-hot is a second
        user-id embedding that nothing of another user can inform."""
        if not values.notna().any():
            raise ConfigError(
                f"{self.name}: user_features column {column!r} holds no value (every one "
                "of its rows is missing), so it would add no input; fill it in, or leave "
                "it out of user_features")
        if values.dtype.kind in "Of":
            for row, cell in enumerate(values.tolist()):
                kind = next((said for types, said in _NOT_ONE_VALUE if isinstance(cell, types)),
                            None)
                if kind is None and isinstance(cell, float | np.floating) and np.isinf(cell):
                    kind = "an infinite number"
                if kind is not None:
                    # the table is in the users' index order, not the user's: the id says
                    # which row is meant
                    user = shown(train.users.external_ids[row])
                    raise ConfigError(
                        f"{self.name}: user_features column {column!r} holds {kind} "
                        f"({shown(cell)}) for user {user}; each value is one "
                        "category of a one-hot, so give one plain value (a word or a "
                        "number) per user, or leave it empty (None) where the user has none")
        given = int(values.notna().sum())
        if given > 1 and values.nunique(dropna=True) == given:
            warnings.warn(
                f"{self.name}: user_features column {column!r} has a value of its own for "
                f"each of its {given:,} users, so its one-hot is one column per user, a "
                "second user id from which no user learns anything of another; bin it "
                "first (e.g. pd.cut for a number) or leave it out", stacklevel=caller_stacklevel())
        # the categories as the one-hot reads them (1 and "1" are one category)
        categories = _category_texts(values).dropna().unique()
        if len(values) > 1 and given == len(values) and len(categories) == 1:
            # its one-hot is one column of 1s, the same input for every user: it told no
            # user from another, and the fit said nothing of it
            warnings.warn(
                f"{self.name}: user_features column {column!r} holds the one value "
                f"{shown(values.iloc[0])} for each of its {given:,} users, so its one-hot is "
                "a constant column that tells no user from another; leave it out (or give "
                "the users' own values)", stacklevel=caller_stacklevel())

    def _read_parameters(self, module: Any, window: np.ndarray) -> None:
        """Copy the towers to numpy and export every item's and user's embedding."""
        self.item_layers_ = [float32_copy(p) for p in (
            module.item_hidden.weight, module.item_hidden.bias,
            module.item_output.weight, module.item_output.bias)]
        self.user_layers_ = [float32_copy(p) for p in (
            module.user_hidden.weight, module.user_hidden.bias,
            module.user_output.weight, module.user_output.bias)]
        item_ids = float32_copy(module.item_ids.weight)
        # never in a batch, so never trained; zero by construction, kept zero explicitly
        item_ids[self.item_counts_ == 0] = 0.0
        item_features = module.item_features.detach().cpu().numpy()
        self.item_embeddings_ = _unit(_perceptron(item_features, self.item_layers_) + item_ids)
        user_features = module.user_features.detach().cpu().numpy()
        history = window[:, 1:]  # the latest recent_items: what a training example sees
        mean = _history_mean(self.item_embeddings_, history)
        user_ids = float32_copy(module.user_ids.weight)
        self.user_embeddings_ = self._user_tower(mean, user_features, user_ids)
        self.user_embeddings_[self.users_without_history_] = 0.0

    def _user_tower(self, history_mean: np.ndarray, features: np.ndarray,
                    ids: np.ndarray | None) -> np.ndarray:
        """:math:`p_u` from history means, features and id embeddings (None: no ids)."""
        inputs = np.hstack([history_mean, features]).astype(np.float32, copy=False)
        pre = history_mean + _perceptron(inputs, self.user_layers_)
        if ids is not None:
            pre += ids
        return _unit(pre)

    # ------------------------------------------------------------------ inference
    def _score_users(self, user_indices: np.ndarray) -> np.ndarray:
        scores = self.user_embeddings_[user_indices] @ self.item_embeddings_.T
        fallback = self.users_without_history_[user_indices]
        if fallback.any():
            scores[fallback] = self._popularity()
        return scores

    def _score_pairs(self, user_index: np.ndarray, item_index: np.ndarray) -> np.ndarray:
        scores = np.einsum("nd,nd->n", self.user_embeddings_[user_index],
                           self.item_embeddings_[item_index]).astype(np.float32)
        fallback = self.users_without_history_[user_index]
        scores[fallback] = self._popularity()[item_index[fallback]]
        return scores

    def _users_without_history(self) -> np.ndarray:
        # the users scored by popularity: no row among the rows trained on (validation
        # rows excluded), which is what fit warned about
        return self.users_without_history_

    def _without_history_said(self, user_indices: np.ndarray,
                              train: sp.csr_matrix | None = None,
                              plain: str = "have no training interactions") -> str:
        # a user whose every row went to the validation hold-out has rows in train: "no
        # training interactions" sent them looking for rows that are there
        train = self.seen_ if train is None else train
        held = np.diff(train.indptr)[user_indices] > 0
        if not held.any():
            return plain
        said = (f"had every training row held out for validation (validation_fraction="
                f"{self.validation_fraction}), so the towers learned nothing of them")
        if held.all():
            return said
        return (f"have no training rows the towers learned from ({int((~held).sum())} "
                f"{plain}; {int(held.sum())} {said})")

    def _popularity(self) -> np.ndarray:
        counts = self.item_counts_.astype(np.float32)
        return counts / max(float(counts.max()), 1.0)

    def _item_embeddings(self) -> np.ndarray:
        return self.item_embeddings_

    def _items_without_similarity(self) -> np.ndarray:
        if self.content_.has_content:
            return np.zeros(len(self.items_), dtype=bool)
        # every content vector is the constant 1, so each cold item is the same vector
        return np.asarray(self.item_counts_ == 0)

    def _user_embeddings(self) -> np.ndarray:
        return self.user_embeddings_

    def _warn_items_without_rows(self, train: Interactions) -> None:
        """Warn of catalog items the item table has no row for: the aligned table gave
        them a row of missing values, so their content vector was empty and the item tower
        placed them by their id alone while the others were placed by content too; 5 of 13
        items missing from the table were trained and scored so without a word."""
        table = train.item_table
        if table is None or not len(table):
            return
        read = [column for column in self.content_.read_columns if column in table.columns]
        if not read:
            return
        rowless = np.flatnonzero(table[read].isna().to_numpy().all(axis=1))
        if not len(rowless):
            return
        ids = ", ".join(shown(train.items.external_ids[index]) for index in rowless[:5])
        more = ", ..." if len(rowless) > 5 else ""
        warnings.warn(
            f"{self.name}: {len(rowless):,} of the {len(table):,} catalog items have no row "
            f"in the item table, or only missing values in the columns the item tower reads "
            f"({', '.join(map(repr, read))}) (item ids {ids}{more}): the tower has no content "
            "for them and places them by their id alone, unlike the items described by "
            "content; give the item table a row with those columns for every item, or leave "
            "these items out of the interactions", stacklevel=caller_stacklevel())

    def _warn_unused_content(self, table: pd.DataFrame | None) -> None:
        """Warn when an item table with columns the item tower reads gave it no feature: the
        model was then fitted on ids alone, and a user who gave the table for cold items
        learned so only from embed_items' refusal, which said the data had no item table."""
        if table is None or self.content_.has_content:
            return
        if not any(c in table.columns for c in ("genres", "tags", *TEXT_COLUMNS)):
            return
        warnings.warn(f"{self.name}: {self._no_content_said(table)}; every item is placed by "
                      "its id alone, and new items cannot be embedded (embed_items, "
                      "score_new_items)", stacklevel=caller_stacklevel())

    def _same_content_said(self, table: pd.DataFrame | None, features: np.ndarray,
                           train: Interactions) -> str | None:
        """What gives every item of the catalog the same content vector (every title the
        same words, one genre for all), or None when the vectors differ: such content
        placed no item apart from another, and the fit said nothing of it (scikit-learn's
        "invalid value encountered in divide" aside, for identical text)."""
        if table is None or len(features) < 2 or np.ptp(features, axis=0).max(initial=0) > 0:
            return None
        read = [c for c in self.content_.read_columns if c in table.columns]
        document = item_documents(table.iloc[[0]], read)[0] if read else ""
        item = shown(train.items.external_ids[0])
        verb = "gives" if len(read) == 1 else "give"
        return (f"the item table's {', '.join(repr(c) for c in read)} {verb} every one of the "
                f"{len(features):,} items the same content vector (item {item} reads "
                f"{document!r:.60})")

    def _no_content_said(self, table: pd.DataFrame | None) -> str:
        """Why the item tower has no content features: no item table, none of the columns
        it reads, or columns whose values gave no feature (why, per column kind)."""
        read = ("genres", "tags", *TEXT_COLUMNS)
        if table is None:
            return f"no item table with {', '.join(read[:-1])} or {read[-1]}"
        present = [c for c in read if c in table.columns]
        if not present:
            return (f"the item table has none of the columns it reads ({', '.join(read)}; "
                    f"it has {list(map(str, table.columns))[:8]})")
        reasons = []
        if "genres" in present:
            reasons.append("no row names a genre")
        if "tags" in present:
            reasons.append("max_tags = 0" if self.max_tags == 0 else
                           f"no tag word is on {_MIN_ITEMS_PER_WORD} or more items")
        text = [c for c in present if c in TEXT_COLUMNS]
        if text:
            verb = "hold" if len(text) > 1 else "holds"
            reasons.append(f"text_dim = 0 leaves out {' and '.join(text)}" if self.text_dim == 0
                           else f"{' and '.join(text)} {verb} fewer than two words (English "
                                f"stop words aside) that are each on {_MIN_ITEMS_PER_WORD} or "
                                "more items")
        return (f"the item table's {', '.join(repr(c) for c in present)} gave no content "
                f"feature: {'; '.join(reasons)}")

    def embed_items(self, item_rows: pd.DataFrame = NOT_GIVEN, *positional: Any,
                    **unexpected: Any) -> np.ndarray:
        """Embeddings of items from their item-table rows alone (content, no id): float32
        ``(n_rows, dim)``, comparable with :meth:`user_embeddings`. For a catalog item
        without training rows this is its row of :meth:`item_embeddings`. The rows need the
        columns the model was fitted with (genres, tags, title, description)."""
        check_call(self, TwoTower.embed_items, positional, unexpected, (item_rows,))
        self._require_fitted()
        return self._embed_items(item_rows, "embed_items")

    def _embed_items(self, item_rows: Any, method: str) -> np.ndarray:
        """:meth:`embed_items`, its refusals and warnings naming ``method``, the public
        method called (``score_new_items`` was named as ``embed_items``, a method the
        caller had not called)."""
        # a column it reads written another way (TITLE, Genres) was refused as missing
        # ("lack the column 'genres'"), without the rename content's refusal says
        check_item_rows(item_rows, self.name, method, self.content_.read_columns)
        if not self.content_.has_content:
            # the content vector is the constant 1: every new item got the same embedding
            # a fitted model no longer knows its training table: both causes are said
            raise RecstackError(
                f"{self.name}: was fitted without item content (its training data had no "
                "item table with genres, tags, title or description, or their values gave "
                f"no feature: no genre named, no tag word and fewer than two words of text, "
                f"English stop words aside, each on {_MIN_ITEMS_PER_WORD} or more items), so "
                "every new item would get the same embedding; refit on interactions with an "
                "item table that describes the items (e.g. load_movielens, or "
                "Interactions.from_frame(..., item_table=...))")
        warn_unknown_genres(item_rows, self.content_.genre_vocabulary, self.name, method)
        features = self.content_.transform(item_rows, n_rows=len(item_rows))
        warn_undescribed_items(
            item_rows, ~features.any(axis=1), list(self.content_.read_columns), self.name,
            method, nothing="no genre, tag or text word the model was fitted with (English "
                            "stop words and words of one character are left out)",
            consequence="they all get one and the same embedding (the same score for every "
                        "user), whatever they are")
        return _unit(_perceptron(features, self.item_layers_))

    def score_new_items(self, users: Any = NOT_GIVEN, item_rows: pd.DataFrame = NOT_GIVEN,
                        *positional: Any, **unexpected: Any) -> np.ndarray:
        """Scores of items not in the catalog (rows of an item table) for trained users:
        ``(n_users, n_rows)`` cosines, on the scale of :meth:`score_users`. Users without
        training rows are refused: their popularity fallback does not cover new items."""
        check_call(self, TwoTower.score_new_items, positional, unexpected, (users, item_rows))
        self._require_fitted()
        users_index = self._user_indices(
            users, needs_history=True,
            hint="new items have no popularity to fall back on, so they cannot be scored "
                 "for them; refit the model on data that includes their interactions")
        return self.user_embeddings_[users_index] @ self._embed_items(item_rows,
                                                                      "score_new_items").T

    def score_histories(self, histories: Any = NOT_GIVEN, *positional: Any,
                        **unexpected: Any) -> np.ndarray:
        """Full-catalog scores (float32 ``(n, n_items)``) for users known only by a
        history (sparse or dense, columns in this model's item order), without refitting.

        The user tower runs on the mean embedding of all the row's items (the order of a
        history is not known here, so not only the latest), without id or features; items
        the model learned nothing of (no training rows, when the model has no item
        content) are left out of the mean. Rows with no other item get item popularity
        instead, with a warning (see the module docstring)."""
        check_call(self, TwoTower.score_histories, positional, unexpected, (histories,))
        self._require_fitted()
        # a copy: the caller's matrix must not change, and its values are not used (1 each)
        history = self._history_matrix(histories).copy()
        history.eliminate_zeros()
        history.sum_duplicates()
        history.data[:] = 1.0
        # (an item the towers learned nothing of, without training rows and content, was
        # left out by _history_matrix: every such item has the one embedding of the
        # constant content vector, towards which the mean leaned)
        n_users, n_features = history.shape[0], self.user_layers_[0].shape[1] - self.dim
        lengths = np.diff(history.indptr)
        mean = np.asarray(history @ self.item_embeddings_, np.float32)
        mean /= np.maximum(lengths, 1)[:, None]
        scores = self._user_tower(mean, np.zeros((n_users, n_features), np.float32), None
                                  ) @ self.item_embeddings_.T
        # rows with no item: popularity, with the PopularityFallbackWarning every model
        # that scores histories gives
        return self._empty_histories_by_popularity(history, scores, self._popularity(),
                                                  str(self.history_fallback))

    # ------------------------------------------------------------------ persistence
    def _state(self) -> dict[str, np.ndarray]:
        state = {"user_embeddings": self.user_embeddings_,
                 "item_embeddings": self.item_embeddings_,
                 "item_counts": self.item_counts_,
                 "users_without_history": self.users_without_history_,
                 **self.content_.state()}
        for prefix, layers in (("item_layer", self.item_layers_),
                               ("user_layer", self.user_layers_)):
            for position, array in enumerate(layers):
                state[f"{prefix}_{position}"] = array
        return state

    def _load_state(self, arrays: dict[str, np.ndarray]) -> None:
        self.user_embeddings_ = arrays["user_embeddings"]
        self.item_embeddings_ = arrays["item_embeddings"]
        self.item_counts_ = arrays["item_counts"]
        self.users_without_history_ = arrays["users_without_history"]
        self.item_layers_ = [arrays[f"item_layer_{k}"] for k in range(4)]
        self.user_layers_ = [arrays[f"user_layer_{k}"] for k in range(4)]
        self.content_ = ItemContentEncoder.from_state(arrays)

    def _state_spec(self) -> dict[str, ArraySpec]:
        # torch's Linear weights are (outputs, inputs): hidden layer, then output layer
        # rows of users without training rows are 0, but a fitted model has at least one
        # user with rows, whose unit vector is not
        spec = {"user_embeddings": ArraySpec("float32", ("n_users", "dim"), nonzero=True),
                "item_embeddings": ArraySpec("float32", ("n_items", "dim"), nonzero=True),
                "item_counts": ArraySpec("int", ("n_items",), low=0, nonzero=True),
                "users_without_history": ArraySpec("bool", ("n_users",)),
                "content_genres": ArraySpec("str", ("genres",)),
                "content_tags": ArraySpec("str", ("tags",)),
                "content_text_columns": ArraySpec("str", ("text_columns",)),
                "content_text_vocabulary": ArraySpec("str", ("text_terms",)),
                # smoothed idf, ln((1 + n) / (1 + df)) + 1, is at least 1 (df <= n)
                "content_text_idf": ArraySpec("float64", ("text_terms",), low=1),
                "content_text_components": ArraySpec("float32", ("text_dim_used",
                                                                 "text_terms")),
                "content_text_scale": ArraySpec("float32", ("text_dim_used",))}
        for tower, inputs in (("item", "item_inputs"), ("user", "user_inputs")):
            # the weights start random (a layer of zeros gave every item, or user, the
            # same vector); the biases (layers 1 and 3) may be 0
            spec.update({f"{tower}_layer_0": ArraySpec("float32", ("hidden", inputs),
                                                       nonzero=True),
                         f"{tower}_layer_1": ArraySpec("float32", ("hidden",)),
                         f"{tower}_layer_2": ArraySpec("float32", ("dim", "hidden"),
                                                       nonzero=True),
                         f"{tower}_layer_3": ArraySpec("float32", ("dim",))})
        return spec

    def _check_state(self, arrays: dict[str, np.ndarray]) -> str | None:
        problem = (saved_terms_problem("content_genres", arrays["content_genres"])
                   or saved_terms_problem("content_tags", arrays["content_tags"],
                                          most=self.max_tags,
                                          limit=f"max_tags = {self.max_tags}")
                   or saved_terms_problem("content_text_vocabulary",
                                          arrays["content_text_vocabulary"])
                   or saved_columns_problem("content_text_columns",
                                            arrays["content_text_columns"], TEXT_COLUMNS))
        if problem:
            return problem
        text_dim_used = len(arrays["content_text_components"])
        if text_dim_used > self.text_dim:
            return (f"content_text_components holds {text_dim_used} text dimensions, but "
                    f"text_dim = {self.text_dim} keeps at most {self.text_dim}; the "
                    "hyperparameters in model.json and the arrays disagree, so one of the "
                    "two files was edited")
        text_parts = (len(arrays["content_text_columns"]),
                      len(arrays["content_text_vocabulary"]), text_dim_used)
        if any(text_parts) and not all(text_parts):
            # fitting keeps the text block whole (columns, terms and dimensions) or drops it
            return (f"the text block is partial: content_text_columns names "
                    f"{text_parts[0]} column(s), content_text_vocabulary {text_parts[1]:,} "
                    f"terms, content_text_components {text_parts[2]} dimension(s); fitting "
                    "keeps all three or none, so the file was damaged or edited")
        # the item tower reads the content vector (ItemContentEncoder.n_features); the user
        # tower its history mean (dim) and the user features
        content = (len(arrays["content_genres"]) + len(arrays["content_tags"])
                   + len(arrays["content_text_components"])) or 1
        item_inputs = arrays["item_layer_0"].shape[1]
        if item_inputs != content:
            return (f"item_layer_0 reads {item_inputs} inputs, but the content vocabularies "
                    f"give {content} features")
        if arrays["user_layer_0"].shape[1] < self.dim:
            return (f"user_layer_0 reads {arrays['user_layer_0'].shape[1]} inputs, fewer "
                    f"than dim = {self.dim}")
        return None


# ---------------------------------------------------------------------------- the loss
def sampled_softmax_loss(user_vectors: Any, item_vectors: Any, item_indices: Any,
                         log_q: Any | None, temperature: float) -> Any:
    r"""In-batch sampled softmax loss with the log-Q correction (a torch scalar).

    Row ``b`` of ``user_vectors`` (``(B, dim)``) is paired with row ``b`` of
    ``item_vectors``; the other rows' items are its negatives, except copies of its own item
    (same entry of ``item_indices``). With ``log_q`` (``log Q_j`` for every catalog item)
    the logits are :math:`p_b^\top q_k / \tau - \log Q_{i_k}`; None leaves them
    uncorrected. See the module docstring for the formula.
    """
    torch = require_torch()
    logits = user_vectors @ item_vectors.T / temperature
    if log_q is not None:
        logits = logits - log_q[item_indices][None, :]
    same_item = item_indices[:, None] == item_indices[None, :]
    same_item.fill_diagonal_(False)
    logits = logits.masked_fill(same_item, float("-inf"))
    targets = torch.arange(len(item_indices), device=logits.device)
    return torch.nn.functional.cross_entropy(logits, targets)


def _batch_vectors(torch: Any, module: Any, window: Any, users: Any, items: Any,
                   user_keep: Any, item_keep: Any) -> tuple[Any, Any]:
    """User and positive-item vectors of a minibatch.

    The history of example ``b`` is the user's ``recent_items + 1`` latest items without
    the target (when the target is not among them, without the oldest), so it is never
    longer than at inference. The item tower runs once per distinct item of the batch.
    """
    tails = window[users]                       # (B, R + 1), oldest first, -1 pads
    is_target = tails == items[:, None]
    oldest = torch.zeros_like(is_target)
    oldest[:, 0] = True
    valid = (tails >= 0) & ~is_target & ~(oldest & ~is_target.any(1, keepdim=True))
    safe = torch.where(valid, tails, items[:, None])
    needed = torch.cat([items, safe.reshape(-1)])
    distinct, inverse = torch.unique(needed, return_inverse=True)
    vectors = module.item_vectors(distinct, item_keep[distinct])
    positives = vectors[inverse[:len(items)]]
    history = vectors[inverse[len(items):]].view(*tails.shape, -1) * valid[..., None]
    mean = history.sum(1) / valid.sum(1, keepdim=True).clamp(min=1)
    return module.user_vectors(users, mean, user_keep), positives


# ---------------------------------------------------------------------------- helpers
def recent_item_window(rows: Interactions, width: int) -> np.ndarray:
    """Each user's ``width`` latest items (by timestamp, then row order), oldest first:
    int64 ``(n_users, width)``, padded on the left with -1 for shorter histories."""
    ordered = rows.sort_by_user_time()
    users, items = ordered.user_index, ordered.item_index
    ends = np.cumsum(np.bincount(users, minlength=rows.n_users))
    from_end = ends[users] - np.arange(len(users)) - 1   # 0 for a user's latest row
    latest = from_end < width
    window = np.full((rows.n_users, width), -1, np.int64)
    window[users[latest], width - 1 - from_end[latest]] = items[latest]
    return window


def _history_mean(item_embeddings: np.ndarray, history: np.ndarray) -> np.ndarray:
    """Mean embedding of each row's items (-1 entries skipped; 0 for an empty row)."""
    valid = history >= 0
    out = np.zeros((len(history), item_embeddings.shape[1]), np.float32)
    chunk = max(1, _EXPORT_BUDGET_BYTES // max(1, history.shape[1] * item_embeddings.shape[1]
                                               * 4))
    for start in range(0, len(history), chunk):
        rows, mask = history[start:start + chunk], valid[start:start + chunk]
        gathered = item_embeddings[np.where(mask, rows, 0)] * mask[..., None]
        out[start:start + chunk] = gathered.sum(1) / np.maximum(mask.sum(1), 1)[:, None]
    return out


def _perceptron(inputs: np.ndarray, layers: list[np.ndarray]) -> np.ndarray:
    """``W2 relu(W1 x + b1) + b2`` for rows ``x`` (torch's ``(out, in)`` weight layout)."""
    hidden_weight, hidden_bias, output_weight, output_bias = layers
    hidden = np.maximum(inputs @ hidden_weight.T + hidden_bias, 0.0)
    return (hidden @ output_weight.T + output_bias).astype(np.float32, copy=False)


def _unit(rows: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length, as ``torch.nn.functional.normalize`` does."""
    with np.errstate(over="ignore", invalid="ignore"):
        # a row past float32's range (learning_rate=1e30) has an infinite norm and comes
        # out 0 or NaN, which the fit refuses naming the setting at fault; numpy's own
        # overflow warning came first, naming nothing
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        return (rows / np.maximum(norms, 1e-12)).astype(np.float32, copy=False)


def _unit_rows(matrix: sp.spmatrix) -> sp.csr_matrix:
    """Sparse rows scaled to unit L2 norm (zero rows stay zero), float32."""
    matrix = sp.csr_matrix(matrix, dtype=np.float64)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    return sp.csr_matrix(sp.diags(scale) @ matrix, dtype=np.float32)


def _multi_hot(documents: list[str], vocabulary: np.ndarray, tokens: Any) -> sp.csr_matrix:
    position = {term: k for k, term in enumerate(vocabulary.tolist())}
    rows, columns = [], []
    for row, document in enumerate(documents):
        for column in {position[t] for t in tokens(document) if t in position}:
            rows.append(row)
            columns.append(column)
    return sp.csr_matrix((np.ones(len(rows), np.float32), (rows, columns)),
                         shape=(len(documents), len(vocabulary)))


def _genre_documents(table: pd.DataFrame) -> list[str]:
    """``genre_<name>`` tokens per row, as the content model writes genres."""
    return [genre_tokens(g) for g in table["genres"].tolist()]


def _strings(values: Any) -> np.ndarray:
    """A unicode array (never object dtype, which npz could only store with pickle)."""
    return np.asarray(list(values), dtype=str)


def _sklearn_text() -> Any:
    return sklearn_text("two_tower", "item content features")


_MODULE: Any = None


def _torch_module(torch: Any) -> Any:
    """The towers as a torch module class, defined on first use so that importing this
    file needs no torch. The content features are non-persistent buffers: inputs, not
    parameters, so they stay out of checkpoints."""
    global _MODULE
    if _MODULE is not None:
        return _MODULE
    from torch import nn  # the module given as torch: typed, unlike the argument
    normalize = torch.nn.functional.normalize

    def linear(n_in: int, n_out: int, generator: Any) -> Any:
        layer = nn.Linear(n_in, n_out)
        with torch.no_grad():
            # torch's default Linear initialisation, drawn from the seeded generator
            bound = 1.0 / np.sqrt(max(n_in, 1))
            nn.init.kaiming_uniform_(layer.weight, a=np.sqrt(5), generator=generator)
            nn.init.uniform_(layer.bias, -bound, bound, generator=generator)
        return layer

    class Towers(nn.Module):
        # the feature buffers (register_buffer): declared, as Module types them as
        # "Tensor | Module"
        item_features: Tensor
        user_features: Tensor

        def __init__(self, item_features: Any, user_features: Any, dim: int, hidden: int,
                     generator: Any) -> None:
            super().__init__()
            self.register_buffer("item_features", item_features.float(), persistent=False)
            self.register_buffer("user_features", user_features.float(), persistent=False)
            n_items, n_user_features = len(item_features), user_features.shape[1]
            # ids start at zero: the towers begin as pure content / history models, and
            # an id nobody trains stays exactly zero (Adam leaves zero-gradient rows alone)
            self.item_ids = nn.Embedding(n_items, dim)
            self.user_ids = nn.Embedding(len(user_features), dim)
            with torch.no_grad():
                self.item_ids.weight.zero_()
                self.user_ids.weight.zero_()
            self.item_hidden = linear(item_features.shape[1], hidden, generator)
            self.item_output = linear(hidden, dim, generator)
            self.user_hidden = linear(dim + n_user_features, hidden, generator)
            self.user_output = linear(hidden, dim, generator)

        def item_vectors(self, items: Any, keep: Any) -> Any:
            content = self.item_output(torch.relu(self.item_hidden(self.item_features[items])))
            return normalize(content + keep[:, None] * self.item_ids(items), dim=1)

        def user_vectors(self, users: Any, history_mean: Any, keep: Any) -> Any:
            inputs = torch.cat([history_mean, keep[:, None] * self.user_features[users]], 1)
            residual = self.user_output(torch.relu(self.user_hidden(inputs)))
            return normalize(history_mean + residual + keep[:, None] * self.user_ids(users),
                             dim=1)

    _MODULE = Towers
    return Towers
