r"""SASRec: next-item recommendation with causal self-attention over each user's sequence.

The self-attentive sequential recommender of Kang & McAuley (2018) reads a user's items in
time order and predicts the next one. It is trained here with recstack's shared PyTorch loop
(:class:`~recstack.models.torch_training.TorchTrainer`: seeded, resumable, early stopping)
and scores with numpy.

Sequences
---------
Items are indexed from 1 inside the network; index 0 is padding. Each user's training rows
are put in time order (:meth:`Interactions.sort_by_user_time`; without timestamps, the row
order; rows with the same timestamp keep their row order, a stable sort, so of a user's tied
rows the last one in the data counts as the most recent), and the most recent :math:`L`
(``max_length``) items are written into a row of width :math:`L`, *left*-padded with zeros,
so that the last position always holds the most recent item and position :math:`L-1-j` the
:math:`j`-th item before it. Longer histories are truncated from the left, and the same way
in training and inference: the network never sees more than :math:`L` items, and the items
of a long history older than its last :math:`L + 1` never enter training (as in the original
code).

Architecture
------------
With :math:`s_1..s_L` a padded sequence, :math:`E \in \mathbb{R}^{(n+1) \times d}` the item
embeddings (``padding_idx=0``: row 0 stays zero and gets no gradient) and
:math:`P \in \mathbb{R}^{L \times d}` the learned positional embeddings (:math:`d` =
``hidden``),

.. math::

    x^{(0)}_t &= \mathrm{Dropout}\big(\sqrt{d}\, E_{s_t} + P_t\big) \cdot [s_t \ne 0] \\
    a^{(b)} &= x^{(b-1)} + \mathrm{Dropout}\big(\mathrm{MHA}(\mathrm{LN}(x^{(b-1)}))\big) \\
    x^{(b)} &= a^{(b)} + \mathrm{Dropout}\big(W_2\, \mathrm{Dropout}(\mathrm{ReLU}(
               W_1 \mathrm{LN}(a^{(b)}) + c_1)) + c_2\big) \qquad (b = 1..B) \\
    h_t &= \mathrm{LN}(x^{(B)}_t)

with ``blocks`` = :math:`B` pre-LayerNorm transformer blocks (LN: LayerNorm; the residual
connections go around each sub-layer) and ``heads`` attention heads. The self-attention is
*causal*: position :math:`t` attends to positions :math:`\tau \le t` that hold an item (and
to itself, so that a padded position has something to attend to); its output therefore never
depends on later items. The score of item :math:`i` after position :math:`t` is the dot
product with the shared item embedding, :math:`r_{t,i} = h_t^\top E_i`. A user's scores are
those at the last position, :math:`h_L^\top E_i` for every catalog item.

The original uses the same blocks with the residual taken from the normalised query and
the point-wise feed-forward as a 1x1 convolution; the pre-LN form above is the usual one
today and trains as well: the PyTorch port (pmixer/SASRec.pytorch, ``norm_first=True``:
the block above, less its dropout on the attention branch) measured MovieLens-1M HR@10
0.8252 and NDCG@10 0.5940 with it, against 0.8242 and 0.5946 for the original block,
under the paper's settings (bce, 100 sampled negatives at evaluation). The item embeddings
start from N(0, 0.02^2) and are scaled by sqrt(d) (so inputs start at unit variance), the
positional ones from N(0, 1/d); the original draws both from Glorot's uniform, of a similar
scale.

Loss (``loss``)
---------------
Every position :math:`t` of a training sequence that holds an item and has one after it is
a next-item example whose target :math:`o_t` is the item at :math:`t + 1`; a user's first
item is never a target (nothing precedes it), as in the original code, whose sampler sets a
target only where the input holds an item:

- ``"softmax"`` (default): full softmax cross-entropy over the whole catalog,
  :math:`-\log \frac{\exp r_{t,o_t}}{\sum_j \exp r_{t,j}}`, averaged over positions. It
  costs one ``positions x n_items`` product per batch, which is affordable on catalogs of
  thousands of items, and usually trains better than sampled negatives (Klenitskiy &
  Vasilev 2023; Petrov & Macdonald 2023).
- ``"bce"``: the original binary cross-entropy with ``negatives`` items :math:`j_k` drawn
  uniformly (with replacement) for each position among the items the user has not
  interacted with (at most ``n_items - 1``; a draw that keeps hitting the user's own items,
  for a user who has most of the catalog, is left out),
  :math:`-\log\sigma(r_{t,o_t}) - \sum_k \log(1 - \sigma(r_{t,j_k}))`, averaged over
  positions. Much cheaper per epoch on large catalogs.

On MovieLens 100K (``benchmarks/sequential.py``: 5-core, leave-last-out, full catalog,
``max_length=200, hidden=64, batch_size=32``) softmax gave HR@10 0.211 and nDCG@10 0.114 (best epoch
42), bce with one negative 0.196 and 0.109 (best epoch 56, measured before the first item
stopped being a target); on 1M synthetic interactions
(3,700 items, 2 CPU threads) an epoch took 11 s with softmax and 3 s with bce.

Validation and early stopping
-----------------------------
With ``validation=True`` each user's last training item (users with two or more) is held
out as the validation target; the network trains on the rest, and after every epoch the
validation nDCG@10 (full catalog, the user's other training items excluded) decides early
stopping: after ``patience`` epochs without improvement training stops and the best epoch's
parameters are restored. There is no refit on all rows: the held-out item is not a training
*target*, but it is part of the *input* at inference, where each user is represented by the
last :math:`L` items of the full training sequence. With ``validation=False`` all
``epochs`` are run and the last epoch is kept.

Evaluation and filtering
------------------------
The protocol this model is meant for is leave-last-out by time
(:func:`recstack.data.splits.leave_last_out`) with full-catalog ranking
(:class:`recstack.evaluation.evaluator.Evaluator`). The paper's own figures (MovieLens-1M
HR@10 0.8245, nDCG@10 0.5905) rank the held-out item among 100 sampled negatives, which
:mod:`recstack.evaluation.sampled` reproduces; they were measured with ``loss="bce"``,
``hidden=50``, ``max_length=200`` and ``dropout=0.2`` on MovieLens-1M. Sequential data
are 5-core filtered first by default (:class:`recstack.data.filters.KCore` ``(5, 5)``), as
in the paper and in ``benchmarks/sequential.py``.

Determinism
-----------
The network is initialised from ``seed``; the trainer seeds the batch order, the negative
sampling and dropout from ``(seed, epoch)``; ``fit`` runs with
``torch.use_deterministic_algorithms(True, warn_only=True)`` (the caller's setting restored
after). Two fits with the same seed give identical models for the same torch version, device
and thread count (``num_threads``: None leaves torch's own choice). With ``checkpoint_dir``,
a checkpoint is written after every epoch and an interrupted ``fit`` resumes from it with the
same result; a checkpoint made with another configuration (hyperparameters other than
``epochs``, ``patience``, ``device``, ``num_threads`` and ``checkpoint_dir``, or other
training data) is refused with the differences named.

Inference uses numpy for training users: ``fit`` ends by encoding every user's sequence
once (:attr:`SASRec.user_states_`), so scoring is a matrix product and a saved model scores
its users without torch. New users' sequences (:meth:`SASRec.score_sequences`) go through the
network, which is rebuilt from the saved arrays (npz, never pickle) and needs torch.

References
----------
Kang, W.-C. & McAuley, J. (2018). Self-attentive sequential recommendation. *ICDM 2018*,
197-206.

Klenitskiy, A. & Vasilev, A. (2023). Turning dross into gold loss: is BERT4Rec really better
than SASRec? *RecSys '23*, 1120-1125.

Petrov, A. & Macdonald, C. (2023). gSASRec: reducing overconfidence in sequential
recommendation trained with negative sampling. *RecSys '23*, 116-128.
"""

from __future__ import annotations

import hashlib
import math
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from recstack.data.interactions import Interactions, caller_stacklevel
from recstack.errors import ConfigError, RecstackError, counted, shown
from recstack.models.base import (
    MAX_ITERATIONS,
    NOT_GIVEN,
    Param,
    PopularityFallbackWarning,
    Recommender,
    _as_ids,
    _lookup,
    _preview,
    _swapped_ids_note,
    canonical_value,
    check_call,
    check_list_length,
    exact_as_declared,
    index_problem,
    integer_objects,
    refuse_masked_indices,
    width_param,
)
from recstack.models.factors import refuse_without_negatives
from recstack.models.memory import require_memory
from recstack.models.persistence import ArraySpec
from recstack.models.registry import register
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
from recstack.models.training import TrainingHistory, validation_ndcg
from recstack.models.warm_start import IdRows, WarmStartMixin, warm_module
from recstack.pipeline.settings import ReadOnlyWith, refuse_unread_settings
from recstack.progress import Progress
from recstack.topk import pad_columns, top_k

__all__ = ["PopularityFallbackWarning", "SASRec", "SequenceRecommendations",
           "left_padded_sequences"]

#: the network's index of "no item"; catalog item ``i`` is ``i + 1`` inside the network
PADDING = 0
# Sequences pushed through the network at once outside training: bounds the (batch, L, L)
# attention masks and activations.
_ENCODE_BATCH = 512
# Rounds of redrawing sampled negatives that hit the user's own items; what is still a
# hit after them (only for users who have most of the catalog) is left out of the loss.
_NEGATIVE_REDRAWS = 8
# Hyperparameters that do not change what an epoch computes, so a checkpoint may be resumed
# under other values of them (e.g. more epochs after an interrupted run).
_NOT_IN_CHECKPOINT_CONFIG = ("epochs", "patience", "device", "num_threads",
                             "checkpoint_dir")

EMPTY_HISTORY = "empty history: most popular training items"
#: the fallback reason of a sequence whose items are all items without training rows: their
#: embeddings are their untrained initialisation
UNTRAINED_HISTORY = "only items without training rows: most popular training items"


@dataclass(frozen=True)
class SequenceRecommendations:
    """Top-``k`` lists for users known only by their item sequences.

    Attributes
    ----------
    item_ids : ndarray, (n, k)
        External item ids, best first.
    scores : ndarray, float32, (n, k)
        Their scores: the model's, or training interaction counts where a row fell back.
    fallback_reason : tuple of (str or None)
        Per row, None when the model ranked the items, otherwise why another ranking was
        used (``"empty history: most popular training items"``, or ``"only items without
        training rows: most popular training items"``).
    """

    item_ids: np.ndarray
    scores: np.ndarray
    fallback_reason: tuple[str | None, ...]


def left_padded_sequences(items: np.ndarray, lengths: np.ndarray, width: int) -> np.ndarray:
    """The last ``width`` items of each sequence, right-aligned in a zero-padded matrix.

    Parameters
    ----------
    items
        The sequences concatenated, each in time order (network indices, 1-based).
    lengths
        Length of each sequence (they follow each other in ``items``).
    width
        Columns of the result; longer sequences lose their oldest items.

    Returns
    -------
    numpy.ndarray
        int64 ``(len(lengths), width)``: row ``r`` ends with sequence ``r``'s most recent
        item in the last column, preceded by the items before it; :data:`PADDING` fills
        the columns on the left.

    Raises
    ------
    ConfigError
        ``items`` or ``lengths`` not a flat list of whole numbers, a negative length,
        lengths that do not add up to ``len(items)``, or ``width`` not a whole number >= 0
        (numpy's broadcast errors, or float items cut to ints without a word, before).
    """
    items = _whole_number_array(items, "items")
    lengths = _whole_number_array(lengths, "lengths")
    width = _sequence_width(width)
    if len(lengths) and int(lengths.min()) < 0:
        at = int(np.argmax(lengths < 0))
        raise ConfigError(f"left_padded_sequences: lengths must be >= 0, but position {at} "
                          f"holds {int(lengths[at])}")
    if int(lengths.sum()) != len(items):
        raise ConfigError(f"left_padded_sequences: lengths add up to {int(lengths.sum())}, "
                          f"but items holds {len(items)}; the lengths say how many of items "
                          "each sequence takes, in order, and must add up to len(items)")
    owner = np.repeat(np.arange(len(lengths)), lengths)
    ends = np.cumsum(lengths)
    # 0 for each sequence's most recent item, 1 for the one before...
    from_end = ends[owner] - 1 - np.arange(len(items))
    kept = from_end < width
    out = np.full((len(lengths), width), PADDING, np.int64)
    out[owner[kept], width - 1 - from_end[kept]] = items[kept]
    return out


def _whole_number_array(values: Any, name: str) -> np.ndarray:
    """``values`` as a flat int64 array for :func:`left_padded_sequences`; anything else
    (floats, true/false, text, a 2-D array) is refused naming ``name``."""
    array = np.asarray(integer_objects(values))
    if array.ndim != 1:
        raise ConfigError(f"left_padded_sequences: {name} must be a flat (1-D) array of "
                          f"whole numbers, got {array.ndim}-D of shape {array.shape}")
    if array.dtype.kind == "b" or (array.dtype.kind not in "iu" and len(array)):
        raise ConfigError(f"left_padded_sequences: {name} must hold whole numbers (an int "
                          f"array), got {array.dtype} values, e.g. {shown(array[0].item())}")
    if array.dtype.kind == "u" and len(array) and int(array.max()) > np.iinfo(np.int64).max:
        raise ConfigError(f"left_padded_sequences: {name} must fit in 64-bit integers")
    return array.astype(np.int64, copy=False)


def _sequence_width(width: Any) -> int:
    """:func:`left_padded_sequences`' ``width`` as an int >= 0 (numpy's integers and whole
    exact numbers read as the ints they name)."""
    value = exact_as_declared(canonical_value(width), Param(int))
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError("left_padded_sequences: width must be a whole number >= 0 (the "
                          f"columns of the result), got {shown(width)}")
    return value


def _one_user_note(sequences: list[Any]) -> str:
    """What the refusal of a sequence that is no list adds when every sequence is a single
    item (``[3, 5]``, ``["i1", "i2"]``): that is one user's flat list of items, read as
    users of one item each, and "sequence 0 ... got 3" named a sequence the caller had not
    meant."""
    try:
        single = all(isinstance(value, str | bytes) or np.ndim(value) == 0
                     for value in sequences)
    except ValueError:  # ragged nesting
        return ""
    if not single:
        return ""
    plain = [value.item() if isinstance(value, np.generic) else value for value in sequences]
    return (f" (the sequences given are {counted(len(sequences), 'item')} in one flat list, "
            f"one user's history: for that user, pass [{_preview(plain)}])")


@register
class SASRec(WarmStartMixin, Recommender):
    r"""Self-attentive sequential recommendation (Kang & McAuley 2018).

    The module docstring has the sequences, the architecture, the two losses, validation,
    determinism and references. The documented default for sequential data is 5-core
    filtering (``KCore(5, 5)``) followed by a leave-last-out split by time, evaluated over
    the full catalog.

    :meth:`item_embeddings` are the catalog items' :math:`E_i` (``(n_items, hidden)``) and
    :meth:`user_embeddings` each training user's :math:`h_L` (``(n_users, hidden)``): the
    scores are ``user_embeddings() @ item_embeddings().T``, except for users without
    training rows, who are scored by popularity.

    Attributes
    ----------
    item_embeddings_ : ndarray, float32, (n_items, hidden)
        :math:`E_1..E_n`, the catalog items' embeddings (padding excluded), used for scoring.
    user_states_ : ndarray, float32, (n_users, hidden)
        :math:`h_L` of each training user's sequence; ``score_users`` is
        ``user_states_ @ item_embeddings_.T``.
    sequence_length_ : int
        The length the network reads: ``max_length`` clipped to the longest training
        history (a warm start keeps the previous model's). ``get_params()`` and the saved
        configuration keep ``max_length`` as it was asked, so that refitting with them
        clips the same way; this is what was used.
    sequences_ : ndarray, int32, (n_users, sequence_length_)
        The left-padded sequences the user states were computed from (network indices:
        catalog item ``i`` is ``i + 1``, 0 is padding).
    popularity_ : ndarray, float32, (n_items,)
        Training interactions per item: the ranking for users without history.
    network_ : dict of str to ndarray
        The network's parameters (PyTorch ``state_dict`` names), saved with the model.
    history_ : TrainingHistory
        Per-epoch loss and validation nDCG@10, the best epoch (after ``fit`` only).

    Notes
    -----
    Users without any training row (possible when the vocabulary has more users than the
    training rows, e.g. the held-out users of a user split) are scored by popularity, in
    ``recommend`` and ``score`` alike, with a :class:`PopularityFallbackWarning` naming
    them (``score_users``, the evaluator's path, too, as in every model that scores such
    users by popularity; the evaluator counts them instead). Users known only
    by a sequence are scored with :meth:`score_sequences` or :meth:`recommend_sequences`;
    :meth:`score_histories` is refused, since a sparse history matrix has lost the order
    this model reads.

    :meth:`fit_from` (warm start) starts the item embeddings of items a previous model knew
    (by external id) from its own, and every other weight (positions, attention blocks,
    norms) from the previous network; new items start from the fresh seeded
    initialisation (:mod:`recstack.models.warm_start`). ``max_length``, ``hidden``,
    ``blocks`` and ``heads`` must equal the previous model's.
    """

    name = "sasrec"
    serves_users_without_history = True
    history_fallback = "item popularity (training interactions per item)"
    training_ranges: ClassVar[dict[str, tuple[float | None, float | None]]] = {
        "learning_rate": (None, 0.1)}
    params: ClassVar[dict[str, Param]] = {
        "max_length": Param(int, low=1, default=50,
                            doc="L, the most recent items read per user (longer histories are "
                                "truncated from the left); the network is sized for at most "
                                "the longest training history, so a generous L costs "
                                "nothing."),
        "hidden": width_param(default=50,
                              doc="Embedding and hidden size d (a multiple of heads, at most "
                                  "65,536); 50 as in the paper, for every dataset.",
                              search={"type": "categorical", "choices": [32, 50, 64, 128]}),
        # bounded: each block is built (and, when scoring, run) by a Python loop, so a typo
        # such as 2**62 hung before any memory ran out
        "blocks": Param(int, low=1, high=64, default=2,
                        doc="Number of self-attention blocks (at most 64).",
                        search={"type": "int", "low": 1, "high": 3}),
        "heads": Param(int, low=1, default=1, doc="Attention heads per block."),
        "dropout": Param((int, float), low=0, high=1, high_inclusive=False, default=0.2,
                         doc="Dropout on the embeddings, attention, feed-forward and "
                             "residual branches.",
                         search={"type": "float", "low": 0.0, "high": 0.5}),
        "loss": Param(str, choices=("softmax", "bce"), default="softmax",
                      doc="'softmax' (full-catalog cross-entropy) or 'bce' (sampled "
                          "negatives, the original)."),
        "negatives": Param(int, low=1, default=1,
                           doc="Negatives per position for loss='bce' (drawn with "
                               "replacement; at most the training items less one)."),
        "epochs": Param(int, low=1, high=MAX_ITERATIONS, default=200,
                        doc="Most epochs (one pass over all users' sequences each)."),
        "batch_size": Param(int, low=1, default=128, doc="Sequences per minibatch."),
        "learning_rate": Param((int, float), low=0, low_inclusive=False,
                               high=MAX_TORCH_STEP, high_inclusive=False, default=1e-3,
                               doc="Adam's step size (betas 0.9, 0.98 as in the paper).",
                               search={"type": "float", "low": 1e-4, "high": 1e-2,
                                       "log": True}),
        "patience": Param(int, low=1, default=10,
                          doc="Epochs without validation improvement before stopping; read "
                              "only with validation=True."),
        "validation": Param(bool, default=True,
                            doc="Hold out each user's last training item to early-stop on "
                                "nDCG@10."),
        "device": DEVICE_PARAM,
        "num_threads": THREADS_PARAM,
        "seed": Param(int, low=0, default=0,
                      doc="Seeds the initialisation, batch order, negatives and dropout."),
        "checkpoint_dir": CHECKPOINT_DIR_PARAM,
    }

    warm_start_params = ("max_length", "hidden", "blocks", "heads")
    #: no score_histories: the users x items matrix it takes has lost the order of the
    #: items, which SASRec reads (a method that only refused made the model look able to
    #: fold in histories to every capability check, and an experiment with held-out users
    #: failed after fitting every model)
    missing_method_advice: ClassVar[dict[str, str]] = {
        "score_histories": "SASRec's scores depend on the order of the items, which a users "
                           "x items matrix has lost: call score_sequences([items_in_time_"
                           "order, ...]) (item indices) or recommend_sequences([...]) "
                           "(external item ids) instead"}
    #: the sampled negatives exist only in the binary cross-entropy; the softmax takes every
    #: other item as a negative (:mod:`recstack.pipeline.settings`)
    read_only_with: ClassVar[ReadOnlyWith] = {"negatives": ("loss", ("bce",)),
                                              "patience": ("validation", (True,))}
    item_embeddings_: np.ndarray
    user_states_: np.ndarray
    sequences_: np.ndarray
    popularity_: np.ndarray
    network_: dict[str, np.ndarray]
    history_: TrainingHistory

    def validate_params(self) -> None:
        super().validate_params()
        if self.hidden % self.heads:
            raise ConfigError(f"{self.name}: hidden ({self.hidden}) must be a multiple of "
                              f"heads ({self.heads})")

    # ------------------------------------------------------------------ training
    def _reads_occurrences(self) -> bool:
        return True  # every row is a step of its user's sequence, whatever its value

    def _occurrences_role(self) -> str:
        return "it reads every row as an item of the user's sequence"

    def _fit(self, train: Interactions, progress: Progress | None) -> None:
        torch = require_torch()
        device = resolve_device(self.device, self.name)
        self._network_cache = None
        length = self._sequence_length(train)
        # item and position embeddings and, per block, attention (4 d x d) and feed-forward
        # (2 d x d) weights, each with its gradient and two optimiser moments: refused
        # before torch allocates them
        weights = (train.n_items + 1 + length) * self.hidden + self.blocks * 6 * self.hidden ** 2
        require_memory(self.name, 16 * weights,
                       f"not enough memory to fit {train.n_users:,} users x "
                       f"{train.n_items:,} items with hidden={self.hidden:,} and blocks="
                       f"{self.blocks}: its {weights:,} weights, with gradients and "
                       "optimiser moments,",
                       "lower hidden or blocks")
        # at fit, not at load: a saved model whose setting was ignored still loads
        refuse_unread_settings(self.name, self, self.read_only_with, tune_hint=True)
        if self.loss == "bce":
            self._refuse_negatives_beyond(train)
        data = _SequenceData.build(train, length, self.validation)
        self.popularity_ = train.item_counts().astype(np.float32)
        self.sequences_ = data.inference_sequences.astype(np.int32)

        with deterministic_torch(device), torch_threads(self.num_threads, self.name):
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(self.seed)
                network = _network_class(torch)(train.n_items, **self._architecture(length))
            previous = self._warm_previous()
            if previous is not None:
                # items by id (row 0 is the padding); the attention blocks whole
                values: dict[str, Any] = dict(previous.network_)
                values["item_embeddings.weight"] = IdRows(
                    previous.network_["item_embeddings.weight"], "items", offset=1)
                warm_module(network, values, users=train.users, items=train.items,
                            old_users=previous.users_, old_items=previous.items_,
                            model=self.name)
            network.to(device)
            optimizer = torch.optim.Adam(network.parameters(), lr=self.learning_rate,
                                         betas=(0.9, 0.98))
            inputs = torch.as_tensor(data.training[:, :-1], device=device)
            targets = torch.as_tensor(data.training[:, 1:], device=device)
            owners = torch.as_tensor(data.training_users, device=device)
            history_keys = torch.as_tensor(data.history_keys, device=device)
            n_items = train.n_items

            def batches(epoch: int, generator: Any) -> Iterator[tuple[Any, Any, Any]]:
                order = torch.randperm(len(inputs), generator=generator).to(device)
                for start in range(0, len(order), self.batch_size):
                    rows = order[start:start + self.batch_size]
                    negatives = None
                    if self.loss == "bce":
                        negatives = _sample_negatives(
                            torch, owners[rows], (len(rows), inputs.shape[1], self.negatives),
                            n_items, history_keys, generator)
                    yield inputs[rows], targets[rows], negatives

            def loss(module: Any, batch: tuple[Any, Any, Any]) -> Any:
                return next_item_loss(torch, module, *batch)

            validate = None
            if data.validation is not None:
                fit_part, held_out, validation_inputs = data.validation

                def validate() -> float:
                    def score(users: np.ndarray) -> np.ndarray:
                        states = _encode(torch, network, validation_inputs[users], device)
                        return (states @ network.item_weights().T).cpu().numpy()

                    return validation_ndcg(score, fit_part, held_out, k=10)

            trainer = TorchTrainer(epochs=self.epochs, seed=self.seed, patience=self.patience,
                                   checkpoint_dir=self.checkpoint_dir, model=self.name,
                                   config=self._checkpoint_config(train, data)
                                   | self._warm_checkpoint_config(),
                                   max_loss=MAX_LIKELIHOOD_LOSS,
                                   max_loss_growth=MAX_LOSS_GROWTH,
                                   diverged_hint="lower the learning rate (learning_rate="
                                                 f"{self.learning_rate}; default 0.001)",
                                   unmoved_hint=self._unmoved_hint)
            self.history_ = trainer.fit(network, optimizer, batches, loss, validate=validate,
                                        description=f"Training {self.name}",
                                        progress=progress)
            network.eval()
            with torch.no_grad():
                self.user_states_ = float32_copy(_encode(torch, network, self.sequences_, device))
            self.network_ = {name: float32_copy(value)
                             for name, value in network.state_dict().items()}
        self.item_embeddings_ = self.network_["item_embeddings.weight"][1:]

    def _refuse_negatives_beyond(self, train: Interactions) -> None:
        """Refuse a ``loss="bce"`` fit whose data leave no room for its negatives: a
        position's negatives are drawn (with replacement) from the items outside its user's
        history, so ``negatives`` beyond ``n_items - 1`` only repeats the same items (1000
        negatives on 20 items weighed each about 50 times against the one positive), and
        users who have every item have no negative at all."""
        refuse_without_negatives(self.name, train.to_csr())
        if self.negatives >= train.n_items:
            raise ConfigError(
                f"{self.name}: negatives={shown(self.negatives)} is more than the training "
                f"data allow: a position's negatives are drawn from the items outside its "
                f"user's history, at most {train.n_items - 1:,} of the {train.n_items:,} "
                f"item(s), so the rest would only repeat them; use negatives <= "
                f"{train.n_items - 1:,}, or loss='softmax' (every other item is a negative)")

    def _sequence_length(self, train: Interactions) -> int:
        """``max_length`` clipped to the longest training history: positions beyond it would
        only ever read padding, and a generous ``max_length`` (say 10**9) would otherwise
        ask for more memory than exists. A warm start reads as many positions as the
        previous network, whose position embeddings it copies."""
        previous = self._warm_previous()
        if previous is not None:
            return previous.sequence_length_
        longest = int(train.user_counts().max()) if len(train) else 1
        return max(1, min(self.max_length, longest))

    @property
    def sequence_length_(self) -> int:
        """The positions the trained network reads (see the class attributes)."""
        self._require_fitted()
        return int(self.network_["position_embeddings.weight"].shape[0])

    def _architecture(self, length: int) -> dict[str, Any]:
        return {"max_length": length, "hidden": self.hidden, "blocks": self.blocks,
                "heads": self.heads, "dropout": float(self.dropout)}

    def _checkpoint_config(self, train: Interactions, data: _SequenceData) -> dict[str, Any]:
        """What a checkpoint must match: the hyperparameters that change an epoch's
        computation and a digest of the training sequences."""
        digest = hashlib.sha256(np.ascontiguousarray(data.training).tobytes())
        if data.validation is not None:
            digest.update(np.ascontiguousarray(data.validation[1].item_index).tobytes())
        return {"model": self.name, "n_users": train.n_users, "n_items": train.n_items,
                "training_sequences": digest.hexdigest(),
                **{name: value for name, value in self.get_params().items()
                   if name not in _NOT_IN_CHECKPOINT_CONFIG}}

    # ------------------------------------------------------------------ scoring
    def _item_embeddings(self) -> np.ndarray:
        return self.item_embeddings_

    def _user_embeddings(self) -> np.ndarray:
        return self.user_states_

    def _score_users(self, user_indices: np.ndarray) -> np.ndarray:
        scores = self.user_states_[user_indices] @ self.item_embeddings_.T
        without_history = ~self.sequences_[user_indices, -1].astype(bool)
        if without_history.any():
            scores[without_history] = self.popularity_
        return scores

    def score_sequences(self, sequences: Sequence[Any] = NOT_GIVEN, *positional: Any,
                        **unexpected: Any) -> np.ndarray:
        """Full-catalog scores for users known only by their item sequences.

        Parameters
        ----------
        sequences
            One array-like of item *indices* per user (``model.items_.to_index(ids)`` maps
            external ids), oldest first. Items without training rows (whose embeddings
            are their untrained initialisation) are left out; of the rest, only the last
            ``sequence_length_`` items are read (``max_length`` clipped to the longest
            training history), as in training.

        Returns
        -------
        numpy.ndarray
            float32 ``(len(sequences), n_items)``: :math:`h_L^\\top E_i` for each sequence.
            An empty sequence (or one of only items without training rows) gets the
            items' training popularity instead, and a
            :class:`PopularityFallbackWarning` names those rows
            (:meth:`recommend_sequences` reports the reason per row instead).

        Notes
        -----
        Needs torch: the network is rebuilt (once) from the stored arrays and run on the
        CPU in batches.
        """
        check_call(self, SASRec.score_sequences, positional, unexpected, (sequences,))
        scores, empty = self._score_sequences(sequences)
        if empty.any():
            rows = np.flatnonzero(empty)
            untrained = (", or hold only items without training rows, whose embeddings are "
                         "untrained" if self._items_without_similarity().any() else "")
            warnings.warn(PopularityFallbackWarning(
                f"{self.name}: {len(rows)} of {len(empty)} sequence(s) are empty{untrained} (rows "
                f"{rows[:10].tolist()}{'...' if len(rows) > 10 else ''}); their scores are "
                "training popularity (interaction counts), not the model's"),
                stacklevel=caller_stacklevel())
        return scores

    def recommend_sequences(self, sequences: Sequence[Any] = NOT_GIVEN, k: int = 10,
                            *positional: Any, exclude_seen: bool = True, **unexpected: Any
                            ) -> SequenceRecommendations:
        """Top ``k`` items for users known only by their sequences of external item ids.

        Parameters
        ----------
        sequences
            One array-like of external item ids per user, oldest first; ids unknown to the
            model are refused.
        k
            List length.
        exclude_seen
            Leave out the items in each user's own sequence.

        Returns
        -------
        SequenceRecommendations
            ``item_ids`` and ``scores`` (``(n, k)``; empty slots, when fewer than ``k``
            items are left, have score ``-inf`` and id ``-1`` or None) and, per row, the
            ``fallback_reason`` (None, or why popularity was used).
        """
        # recommend_sequences(seqs, 5, False) failed with Python's "takes from 2 to 3
        # positional arguments", naming neither the model nor exclude_seen
        check_call(self, SASRec.recommend_sequences, positional, unexpected, (sequences,))
        self._require_fitted()
        if not isinstance(exclude_seen, bool | np.bool_):
            raise ConfigError(f"{self.name}: recommend_sequences: exclude_seen must be True "
                              f"or False, got {exclude_seen!r}")
        arrays = self._sequence_arrays(sequences)
        k = check_list_length(k, len(arrays), len(self.items_),
                              f"{self.name}: recommend_sequences")
        indices = []
        for row, array in enumerate(arrays):
            index = (_lookup(self.items_, array, f"{self.name}: sequence {row}",
                             missing="ignore")
                     if len(array) else np.empty(0, np.int64))
            if (index < 0).any():
                # where they are as well as which (a long sequence of repeated ids said
                # only "e.g. [7]")
                places = np.flatnonzero(index < 0)[:5]
                where = ", ".join(f"{shown(item)} at position {int(place)}"
                                  for item, place in zip(array[places].tolist(), places,
                                                         strict=True))
                raise RecstackError(
                    f"{self.name}: sequence {row} holds {len(np.flatnonzero(index < 0))} "
                    f"item id(s) the model does not know: {where}"
                    f"{', ...' if (index < 0).sum() > len(places) else ''} (positions count "
                    "from 0, oldest first); give the external ids of items it was trained on"
                    + _swapped_ids_note(self.items_, self.users_,
                                        list(dict.fromkeys(array[index < 0].tolist())),
                                        "user", "item"))
            indices.append(index)
        scores, empty = self._score_sequences(indices)
        if exclude_seen:
            lengths = np.array([len(s) for s in indices], np.int64)
            rows = np.repeat(np.arange(len(indices)), lengths)
            if len(rows):
                scores[rows, np.concatenate(indices)] = -np.inf
        top, top_scores = pad_columns(*top_k(scores, k), k)
        item_ids = self._external_items(top, top_scores)
        reasons = tuple(None if not is_empty else EMPTY_HISTORY if not len(sequence)
                        else UNTRAINED_HISTORY for is_empty, sequence in zip(empty, indices,
                                                                            strict=True))
        return SequenceRecommendations(item_ids, top_scores, reasons)

    def _sequence_arrays(self, sequences: Any) -> list[np.ndarray]:
        """The users' sequences as 1-D arrays: ``sequences`` is a list of them (one list or
        array of items per user). A flat list of items, a scalar, text, a table or deeper
        nesting is refused: ``[3, 5]`` would otherwise read as two users of one item."""
        if isinstance(sequences, str | bytes | dict | set | frozenset) or sequences is None \
                or not hasattr(sequences, "__iter__"):
            raise RecstackError(f"{self.name}: sequences must be a list with one list of "
                                f"items per user, got {_preview(sequences)}")
        arrays = []
        listed = list(sequences)
        for row, sequence in enumerate(listed):
            try:
                flat = not isinstance(sequence, str | bytes) and np.ndim(sequence) == 1
            except ValueError:  # ragged nesting
                flat = False
            if not flat:
                raise RecstackError(
                    f"{self.name}: sequence {row} must be a flat list of items (one user's "
                    f"history, oldest first), got {_preview(sequence)}; pass [[...], ...] "
                    f"with one list per user{_one_user_note(listed)}")
            # read as the ids of every other method are (_as_ids): numpy made a list
            # mixing text with NaN, None-free floats or booleans all text, so that
            # ["i0", nan] was refused as the unknown item 'nan' and [0, True] read as items
            # 0 and 1
            arrays.append(_as_ids(sequence, f"{self.name}: sequence {row}"))
        return arrays

    def _sequence_index_arrays(self, sequences: Any) -> list[np.ndarray]:
        """:meth:`_sequence_arrays` for sequences of item indices: a masked entry of a
        numpy masked array is refused as a missing index (the ids of
        :meth:`recommend_sequences` are refused so when looked up), where it was read as
        the index stored under the mask."""
        if np.ma.isMaskedArray(sequences) and sequences.ndim == 2:
            # a 2-D masked array: each row a sequence (list() keeps the rows' masks)
            sequences = list(sequences)
        if isinstance(sequences, list | tuple):
            sequences = [refuse_masked_indices(sequence, f"{self.name}: sequence {row}",
                                               "item index")
                         if np.ma.isMaskedArray(sequence) else sequence
                         for row, sequence in enumerate(sequences)]
        return self._sequence_arrays(sequences)

    def _score_sequences(self, sequences: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
        """Scores and the mask of empty sequences (scored by popularity)."""
        self._require_fitted()
        n_items = len(self.item_embeddings_)
        # item indices held as objects that are all integers are read as integers, as
        # every index-taking method reads them (integer_objects)
        arrays = [np.asarray(integer_objects(array))
                  for array in self._sequence_index_arrays(sequences)]
        for row, array in enumerate(arrays):
            problem = _float_culprit(array) or index_problem(array, n_items)
            if problem is not None:
                raise RecstackError(
                    f"{self.name}: sequence {row} must hold item indices in [0, {n_items}), "
                    f"but its {problem}; map external ids with items_.to_index "
                    "(or use recommend_sequences, which takes them)")
        # items without training rows are left out of each sequence: their embeddings are
        # their untrained initialisation, which moved the state of a sequence that mixed
        # them with trained items (and took their places among the sequence_length_ read);
        # a sequence of only such items is as empty (its list was arbitrary)
        untrained = self._items_without_similarity()
        if untrained.any():
            arrays = [array[~untrained[array.astype(np.int64)]] for array in arrays]
        lengths = np.array([len(a) for a in arrays], np.int64)
        items = (np.concatenate(arrays).astype(np.int64) + 1 if len(arrays)
                 else np.empty(0, np.int64))
        padded = left_padded_sequences(items, lengths, self.sequence_length_)
        empty = lengths == 0
        scores = np.empty((len(arrays), n_items), np.float32)
        scores[empty] = self.popularity_
        if (~empty).any():
            torch = require_torch()
            network = self._network(torch)
            with torch.no_grad(), torch_threads(self.num_threads, self.name):
                states = float32_copy(_encode(torch, network, padded[~empty], torch.device("cpu")))
            scores[~empty] = states @ self.item_embeddings_.T
        return scores, empty

    def _network(self, torch: Any) -> Any:
        """The trained network on the CPU in evaluation mode, rebuilt from ``network_``."""
        if getattr(self, "_network_cache", None) is None:
            network = _network_class(torch)(len(self.item_embeddings_),
                                            **self._architecture(self.sequence_length_))
            network.load_state_dict({name: torch.from_numpy(np.array(value))
                                     for name, value in self.network_.items()})
            self._network_cache = network.eval()
        return self._network_cache

    # ------------------------------------------------------------------ persistence
    def _state(self) -> dict[str, np.ndarray]:
        return {"user_states": self.user_states_, "sequences": self.sequences_,
                "popularity": self.popularity_,
                **{f"network.{name}": value for name, value in self.network_.items()}}

    def _load_state(self, arrays: dict[str, np.ndarray]) -> None:
        self._network_cache = None
        self.user_states_ = arrays["user_states"]
        self.sequences_ = arrays["sequences"]
        self.popularity_ = arrays["popularity"]
        self.network_ = {name[len("network."):]: value for name, value in arrays.items()
                         if name.startswith("network.")}
        self.item_embeddings_ = self.network_["item_embeddings.weight"][1:]

    def _check_state(self, arrays: dict[str, np.ndarray]) -> str | None:
        length = arrays["network.position_embeddings.weight"].shape[0]
        if length > self.max_length:
            return (f"the network reads {length} positions, more than max_length = "
                    f"{self.max_length}")
        return None

    def _state_spec(self) -> dict[str, ArraySpec]:
        # the network's parameters, named as torch's state_dict names them (see _Network)
        vector, square = ("hidden",), ("hidden", "hidden")
        network: dict[str, tuple[str, ...]] = {
            "item_embeddings.weight": ("n_items+1", "hidden"),
            # the length read: max_length or less (see _sequence_length)
            "position_embeddings.weight": ("length", "hidden")}
        for block in range(self.blocks):
            prefix = f"blocks.{block}."
            network.update({
                f"{prefix}attention_norm.weight": vector, f"{prefix}attention_norm.bias": vector,
                f"{prefix}attention.in_projection.weight": ("hidden*3", "hidden"),
                f"{prefix}attention.in_projection.bias": ("hidden*3",),
                f"{prefix}attention.out_projection.weight": square,
                f"{prefix}attention.out_projection.bias": vector,
                f"{prefix}feedforward_norm.weight": vector,
                f"{prefix}feedforward_norm.bias": vector,
                f"{prefix}feedforward.0.weight": square, f"{prefix}feedforward.0.bias": vector,
                f"{prefix}feedforward.3.weight": square, f"{prefix}feedforward.3.bias": vector})
        network.update({"final_norm.weight": vector, "final_norm.bias": vector})
        # a fitted network's embeddings and weights (randomly initialised, layer norms'
        # from 1) and user states are never all zeros; with them every score was 0 or
        # every user's the same. Biases start at 0 and may stay there.
        return {"user_states": ArraySpec("float32", ("n_users", "hidden"), nonzero=True),
                # item indices shifted by one, 0 for padding
                "sequences": ArraySpec("int", ("n_users", "length"), low=0, high="n_items"),
                # training counts (the fallback of empty histories): never all 0
                "popularity": ArraySpec("float32", ("n_items",), low=0, nonzero=True),
                **{f"network.{name}": ArraySpec("float32", shape, nonzero=name.endswith(".weight"))
                   for name, shape in network.items()}}


# ---------------------------------------------------------------------------- sequences
@dataclass
class _SequenceData:
    """The arrays training reads, built from the interactions with numpy only."""

    #: (rows, L + 1): the last L + 1 items of each user with two or more (the inputs are
    #: the first L columns, the next-item targets the last L)
    training: np.ndarray
    #: user index of each training row
    training_users: np.ndarray
    #: sorted ``user * (n_items + 1) + item`` of every training item (negative sampling)
    history_keys: np.ndarray
    #: (n_users, L): the last L items of every user's full training sequence
    inference_sequences: np.ndarray
    #: when validating: (fit part, held-out last items, and (n_users, L) the last L items
    #: before each user's held-out item)
    validation: tuple[Interactions, Interactions, np.ndarray] | None

    @classmethod
    def build(cls, train: Interactions, max_length: int, validation: bool) -> _SequenceData:
        ordered = train.sort_by_user_time()
        lengths = ordered.user_counts()
        items = ordered.item_index.astype(np.int64) + 1
        inference = left_padded_sequences(items, lengths, max_length)

        held = np.zeros(len(ordered), bool)
        if validation:
            # rows are grouped by user, so each user's last row ends its group
            last_rows = np.cumsum(lengths)[lengths >= 2] - 1
            held[last_rows] = True
        fit_lengths = lengths - np.bincount(ordered.user_index[held], minlength=len(lengths))
        fit_items = items[~held]
        validation_parts = None
        if held.any():
            validation_parts = (ordered.select(~held), ordered.select(held),
                                left_padded_sequences(fit_items, fit_lengths, max_length))

        trainable = fit_lengths >= 2
        if not trainable.any():
            raise RecstackError(
                "sasrec needs at least one user with two or more training interactions "
                "(besides the held-out validation item when validation=True): one to read "
                "and one to predict")
        windows = left_padded_sequences(fit_items, fit_lengths, max_length + 1)
        owners = np.repeat(np.arange(len(lengths)), fit_lengths)
        keys = np.unique(owners * (train.n_items + 1) + fit_items)
        return cls(training=windows[trainable], training_users=np.flatnonzero(trainable),
                   history_keys=keys, inference_sequences=inference,
                   validation=validation_parts)


# ---------------------------------------------------------------------------- torch parts
def next_item_loss(torch: Any, network: Any, inputs: Any, targets: Any,
                   negatives: Any | None) -> Any:
    """The mean next-item loss over the non-padded positions of a batch.

    ``inputs`` and ``targets`` are ``(batch, L)`` network indices (targets: the inputs
    shifted by one); ``negatives`` is None for the full softmax, or ``(batch, L, k)``
    sampled items for the binary cross-entropy (see the module docstring).
    """
    functional = torch.nn.functional
    hidden = network(inputs)
    # a target behind a padded input is a user's first item, predicted from nothing: the
    # original code never trains on it (its sampler sets a target only where the input
    # holds an item), and it taught the network a first-item prior
    has_target = (targets != PADDING) & (inputs != PADDING)
    states = hidden[has_target]
    if negatives is None:
        # padding is not a class: logits over catalog items 1..n only
        logits = states @ network.item_weights().T
        return functional.cross_entropy(logits, targets[has_target] - 1)
    embeddings = network.item_embeddings
    positive = (states * embeddings(targets[has_target])).sum(-1)
    sampled = negatives[has_target]
    negative = torch.einsum("pd,pkd->pk", states, embeddings(sampled))
    # PADDING: no item outside the user's history was drawn (see _sample_negatives)
    negative_loss = (functional.softplus(negative) * (sampled != PADDING)).sum(-1)
    return (functional.softplus(-positive) + negative_loss).mean()


def _sample_negatives(torch: Any, users: Any, shape: tuple[int, int, int], n_items: int,
                      history_keys: Any, generator: Any) -> Any:
    """Items drawn uniformly, with replacement, from 1..n_items, redrawn where they are in
    the user's training history (``history_keys``: sorted ``user * (n_items + 1) + item``);
    one still in it after :data:`_NEGATIVE_REDRAWS` rounds is ``PADDING``, which
    :func:`next_item_loss` leaves out."""
    device = users.device
    negatives = torch.randint(1, n_items + 1, shape, generator=generator).to(device)
    for _ in range(_NEGATIVE_REDRAWS):
        keys = users.view(-1, 1, 1) * (n_items + 1) + negatives
        where = torch.searchsorted(history_keys, keys).clamp(max=len(history_keys) - 1)
        hit = history_keys[where] == keys
        n_hits = int(hit.sum())
        if not n_hits:
            break
        negatives[hit] = torch.randint(1, n_items + 1, (n_hits,),
                                       generator=generator).to(device)
    else:
        # still one of the user's own items after every redraw (a user who has most of the
        # catalog): dropped from the loss rather than trained as a negative
        keys = users.view(-1, 1, 1) * (n_items + 1) + negatives
        where = torch.searchsorted(history_keys, keys).clamp(max=len(history_keys) - 1)
        negatives[history_keys[where] == keys] = PADDING
    return negatives


def _encode(torch: Any, network: Any, sequences: np.ndarray, device: Any) -> Any:
    """:math:`h_L` of each padded sequence, in batches (call under ``torch.no_grad``)."""
    states = [network(torch.as_tensor(sequences[start:start + _ENCODE_BATCH],
                                      dtype=torch.long, device=device))[:, -1]
              for start in range(0, len(sequences), _ENCODE_BATCH)]
    if not states:
        return torch.empty((0, network.hidden), device=device)
    return torch.cat(states)


_NETWORK: Any = None


def _network_class(torch: Any) -> Any:
    """The network's class, defined on first use so that importing this file needs no
    torch."""
    global _NETWORK
    if _NETWORK is not None:
        return _NETWORK
    from torch import nn  # the module given as torch: typed, unlike the argument
    functional = torch.nn.functional

    class CausalSelfAttention(nn.Module):
        def __init__(self, hidden: int, heads: int, dropout: float) -> None:
            super().__init__()
            self.heads = heads
            self.dropout = dropout
            self.in_projection = nn.Linear(hidden, 3 * hidden)
            self.out_projection = nn.Linear(hidden, hidden)

        def forward(self, x: Any, allowed: Any) -> Any:
            batch, length, hidden = x.shape
            query, key, value = (self.in_projection(x)
                                 .view(batch, length, 3, self.heads, hidden // self.heads)
                                 .permute(2, 0, 3, 1, 4))
            attended = functional.scaled_dot_product_attention(
                query, key, value, attn_mask=allowed.unsqueeze(1),
                dropout_p=self.dropout if self.training else 0.0)
            return self.out_projection(attended.transpose(1, 2).reshape(batch, length, hidden))

    class Block(nn.Module):
        def __init__(self, hidden: int, heads: int, dropout: float) -> None:
            super().__init__()
            self.attention_norm = nn.LayerNorm(hidden)
            self.attention = CausalSelfAttention(hidden, heads, dropout)
            self.feedforward_norm = nn.LayerNorm(hidden)
            self.feedforward = nn.Sequential(nn.Linear(hidden, hidden), nn.ReLU(),
                                             nn.Dropout(dropout), nn.Linear(hidden, hidden))
            self.dropout = nn.Dropout(dropout)

        def forward(self, x: Any, allowed: Any) -> Any:
            x = x + self.dropout(self.attention(self.attention_norm(x), allowed))
            return x + self.dropout(self.feedforward(self.feedforward_norm(x)))

    class SASRecNetwork(nn.Module):
        """Maps ``(batch, length)`` left-padded network indices to ``(batch, length,
        hidden)`` states :math:`h_t` (module docstring)."""

        def __init__(self, n_items: int, *, max_length: int, hidden: int, blocks: int,
                     heads: int, dropout: float) -> None:
            super().__init__()
            self.hidden = hidden
            self.item_embeddings = nn.Embedding(n_items + 1, hidden, padding_idx=PADDING)
            self.position_embeddings = nn.Embedding(max_length, hidden)
            self.embedding_dropout = nn.Dropout(dropout)
            self.blocks = nn.ModuleList(Block(hidden, heads, dropout) for _ in range(blocks))
            self.final_norm = nn.LayerNorm(hidden)
            with torch.no_grad():
                # scaled by sqrt(d) in forward, so item inputs start at unit variance and
                # first logits h.E at about unit variance
                nn.init.normal_(self.item_embeddings.weight, std=0.02)
                self.item_embeddings.weight[PADDING].zero_()
                nn.init.normal_(self.position_embeddings.weight, std=hidden ** -0.5)

        def item_weights(self) -> Any:
            """The output embeddings of catalog items 1..n (shared with the input ones)."""
            return self.item_embeddings.weight[1:]

        def forward(self, sequences: Any) -> Any:
            length = sequences.shape[1]
            real = sequences != PADDING
            x = (self.item_embeddings(sequences) * self.hidden ** 0.5
                 + self.position_embeddings.weight[-length:])
            x = self.embedding_dropout(x) * real.unsqueeze(-1)
            positions = torch.arange(length, device=sequences.device)
            causal = positions.view(-1, 1) >= positions.view(1, -1)
            # query t reads keys tau <= t holding an item, and itself (so that a padded
            # query is never left with nothing to attend to, which would give NaN)
            allowed = causal & (real.unsqueeze(1) | torch.eye(length, dtype=torch.bool,
                                                              device=sequences.device))
            for block in self.blocks:
                x = block(x, allowed)
            return self.final_norm(x)

    _NETWORK = SASRecNetwork
    return _NETWORK


def _float_culprit(array: np.ndarray) -> str | None:
    """The first value of a float sequence that is not a whole number (NaN, inf, 2.5), with
    its position; None when there is none. A list of ints with one NaN becomes a float
    array, and the refusal blamed position 0 (its first value, a whole 1.0 as the user
    wrote 1) wherever the NaN was; a float array of whole numbers is left to
    :func:`index_problem`, which names its first value."""
    if array.dtype.kind != "f" or not array.size:
        return None
    with np.errstate(invalid="ignore"):
        culprits = np.flatnonzero(~np.isfinite(array) | (array != np.floor(array)))
    if not culprits.size:
        return None
    at = int(culprits[0])
    value = float(array[at])
    why = ("a missing value (NaN), not an index" if math.isnan(value) else
           "an infinite float, not an index" if math.isinf(value) else
           "a float, not an index (an index is a whole number)")
    return f"position {at} holds {shown(value)}, {why}"
