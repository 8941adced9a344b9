r"""LightGCN (He, Deng, Wang, Li, Zhang & Wang, "LightGCN: Simplifying and Powering Graph
Convolution Network for Recommendation", SIGIR 2020), trained in PyTorch.

Training needs the optional extra (``pip install "recstack[torch]"``); a fitted model keeps
its final embeddings as numpy arrays, so scoring, saving and loading need no torch.
"""

from __future__ import annotations

import functools
import hashlib
import math
import warnings
from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np
import scipy.sparse as sp

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError, shown
from recstack.models.base import MAX_ITERATIONS, Param, Recommender, width_param
from recstack.models.factors import (
    FactorMixin,
    factor_limits,
    refuse_without_negatives,
    uniform_negatives,
    warn_excess_factors,
)
from recstack.models.memory import available_memory_bytes, gib
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
from recstack.models.training import (
    TrainingHistory,
    ValidationSplitMixin,
    refuse_unvalidated_patience,
    seed_everything,
    validation_ndcg,
)
from recstack.models.warm_start import IdRows, WarmStartMixin, warm_module
from recstack.progress import Progress

#: standard deviation of the initial (layer-0) embeddings, as in the authors' PyTorch code
#: (``nn.init.normal_(..., std=0.1)``; their TensorFlow code used Xavier instead)
INIT_STD = 0.1
#: the cut-off of the validation nDCG that early stopping follows (the protocol's K)
VALIDATION_K = 20
#: what torch allocates on first use (thread pools, allocator caches), measured
_TORCH_RUNTIME_BYTES = 96 * 2**20
#: added to a row's norm before dividing by it (LightGCN++'s code adds the same)
_NORM_FLOOR = 1e-12


#: the settings read only by the propagation (none of them with ``layers=0``)
_PROPAGATION_SETTINGS = ("alpha", "beta", "normalize_layers", "gamma")


@register
class LightGCN(WarmStartMixin, ValidationSplitMixin, FactorMixin, Recommender):
    r"""Light graph convolution over the user-item graph, trained with BPR (He et al. 2020).

    Every user and item has a layer-0 ("ego") embedding :math:`e^{(0)}`. With :math:`R` the
    binary ``users x items`` training matrix, the bipartite adjacency
    :math:`A = \begin{pmatrix} 0 & R \\ R^\top & 0 \end{pmatrix}` and its degree matrix
    :math:`D`, each layer propagates over the symmetrically normalised graph (eq. 7, in the
    matrix form of eq. 8-9)

    .. math::

        E^{(k+1)} = \tilde A\, E^{(k)}, \qquad \tilde A = D^{-1/2} A D^{-1/2}

    (a node of degree 0 gets a zero row), with no feature transformation and no
    non-linearity, and the final embeddings average the layers (eq. 4, with
    :math:`\alpha_k = 1 / (K + 1)`):

    .. math::

        e_u = \frac{1}{K+1} \sum_{k=0}^{K} e_u^{(k)}, \qquad
        e_i = \frac{1}{K+1} \sum_{k=0}^{K} e_i^{(k)}, \qquad \hat y_{ui} = e_u^\top e_i
        \quad \text{(eq. 5)}.

    Training minimises the BPR loss with L2 on the layer-0 embeddings of the batch (eq. 15,
    normalised as in the authors' code): for a minibatch :math:`B` of triples
    :math:`(u, i, j)`, :math:`i` a training item of :math:`u` and :math:`j` an item
    :math:`u` has not interacted with,

    .. math::

        L = \frac{1}{|B|} \sum_{(u,i,j) \in B} \operatorname{softplus}(\hat y_{uj} - \hat
        y_{ui}) + \lambda \, \frac{\lVert e_u^{(0)} \rVert^2 + \lVert e_i^{(0)} \rVert^2
        + \lVert e_j^{(0)} \rVert^2}{2 |B|}

    (:math:`\operatorname{softplus}(x - y) = -\ln \sigma(y - x)`; the norms are summed over
    the batch, :math:`\lambda` is ``weight_decay``), with Adam (``learning_rate``) and the
    full graph propagated for every minibatch, as in the reference code.

    Notes
    -----
    *Sampling* (``sampling="users"``, the authors' ``UniformSample_original``): an epoch
    draws as many triples as there are training pairs; each draws a user uniformly among
    *all* users (a draw of a user without training items is dropped, so an epoch can be a
    little shorter), one of the user's training items uniformly, and one negative uniformly
    among the items the user has not interacted with (items without training rows
    included). ``sampling="positives"`` visits every training pair once per epoch instead,
    as recstack's BPR does. Triples are drawn with numpy from ``(seed, epoch)``, so a run
    is reproducible and a checkpointed run resumes exactly.

    *Defaults* are the paper's (section 4.1.2 and the reference code): 64 dimensions, 3
    layers, Adam at 0.001, :math:`\lambda = 10^{-4}`, batches of 2048 triples, embeddings
    initialised from :math:`N(0, 0.1^2)`, at most 1000 epochs.

    *Validation.* With ``validation_fraction`` > 0 a per-user random share of the training
    rows is held out (:func:`recstack.data.splits.random_split`, seeded with ``seed``), or
    ``fit(train, validation=...)`` gives the validation rows (e.g. the ``valid.txt`` of an
    adjacency-list split); the model then early-stops on validation nDCG@20 after
    ``patience`` epochs without improvement and keeps the best epoch's embeddings.

    *Users without training rows* are not in the graph; their final embedding is set to
    zero (their ego embedding was never trained), so they score 0 everywhere and the public
    methods refuse them. LightGCN is transductive: a new user's history cannot be folded in
    without retraining, so there is no ``score_histories``.

    *Memory.* Before training, the peak is estimated (:func:`lightgcn_memory_bytes`: the
    normalised graph, an epoch's triples, the layer outputs kept for the backward pass,
    the parameters with their gradients and Adam's moments, a batch's rows; within 1.2x of
    the measured peak on MovieLens 1M) and the fit is refused, with the bytes needed,
    when that is more than the memory available (on CUDA, the device's free memory).
    Scoring goes through the two factor matrices, one user batch at a time.

    *Cost.* Every minibatch propagates the whole graph, as in the reference code: ``2K``
    sparse products (the backward pass uses :math:`\tilde A^\top = \tilde A`). On the
    MovieLens 1M split (671k pairs, 9.7k nodes, 2 idle CPU cores) a batch of 2048 takes
    0.04 s, so an epoch at the paper's batch size takes 13 s, and one of 32,768 0.09 s (2 s
    an epoch); several times that on busy cores. Train on a GPU (``device="auto"``), or on
    a CPU with larger batches and a larger step (there: 128 dimensions, batches of 32,768
    at 0.005, 125 epochs chosen by early stopping on the validation file, recall@20 0.2725
    on the test file).

    *LightGCN++.* ``alpha``, ``beta``, ``normalize_layers`` and ``gamma`` are the three
    changes of Lee et al. 2024 (:class:`LightGCNPlusPlus`, registered as ``lightgcn_pp``,
    with that paper's defaults); at their defaults here (1/2, 1/2, off, None) the model is
    LightGCN exactly.

    *Embeddings.* :meth:`user_embeddings` and :meth:`item_embeddings` are the final
    (layer-averaged) embeddings, whose dot products are the scores; the layer-0 embeddings
    are kept as ``user_ego_`` and ``item_ego_``.

    *Warm start.* :meth:`fit_from` starts the layer-0 embeddings of the users and items a
    previous model knew (by external id) from its ``user_ego_`` / ``item_ego_``; new ones
    start from the fresh seeded initialisation (:mod:`recstack.models.warm_start`). The
    previous model needs the same ``dim``.
    """

    name = "lightgcn"
    training_ranges: ClassVar[dict[str, tuple[float | None, float | None]]] = {
        "learning_rate": (None, 0.1), "weight_decay": (None, 10.0)}
    params: ClassVar[dict[str, Param]] = {
        "dim": width_param(default=64, doc="Dimension of the embeddings (at most 65,536).",
                           search={"type": "int", "low": 16, "high": 256, "log": True}),
        "layers": Param(int, low=0, high=16, default=3,
                        doc="K, propagation layers; 0 is matrix factorisation with BPR.",
                        search={"type": "int", "low": 1, "high": 4}),
        "learning_rate": Param((int, float), low=0, low_inclusive=False,
                               high=MAX_TORCH_STEP, high_inclusive=False, default=1e-3,
                               doc="Adam's step size.",
                               search={"type": "float", "low": 1e-4, "high": 1e-2,
                                       "log": True}),
        "weight_decay": Param((int, float), low=0, default=1e-4,
                              doc="lambda, L2 on the batch's layer-0 embeddings.",
                              search={"type": "float", "low": 1e-6, "high": 1e-2,
                                      "log": True}),
        "alpha": Param((int, float), low=-1, high=1, default=0.5,
                       doc="Exponent of the receiving node's degree in the propagation "
                           "weights; 1/2 with beta 1/2 is the symmetric normalisation."),
        "beta": Param((int, float), low=-1, high=1, default=0.5,
                      doc="Exponent of the sending neighbour's degree in the propagation "
                          "weights."),
        "normalize_layers": Param(bool, default=False,
                                  doc="L2-normalise every node's embedding before each "
                                      "propagation (LightGCN++)."),
        "gamma": Param((int, float), low=0, high=1, optional=True, default=None,
                       doc="Weight of the layer-0 embedding in the final one, the rest going "
                           "to the mean of layers 1..K (LightGCN++); None: the mean of all "
                           "K + 1 layers."),
        "batch_size": Param(int, low=1, default=2048, doc="Triples per minibatch."),
        "epochs": Param(int, low=1, high=MAX_ITERATIONS, default=1000,
                        doc="Most epochs (each draws as many triples as training pairs)."),
        "patience": Param(int, low=1, default=20,
                          doc="With validation: epochs without a better validation nDCG@20 "
                              "before stopping."),
        "validation_fraction": Param((int, float), low=0, high=0.5, default=0.0,
                                     doc="Share of each user's rows held out to early-stop "
                                         "on; 0: none."),
        "sampling": Param(str, choices=("users", "positives"), default="users",
                          doc="'users': the authors' sampler (uniform user, then one of its "
                              "items); 'positives': every training pair once per epoch."),
        "seed": Param(int, low=0, default=0,
                      doc="Seeds the initial embeddings, the triples and the validation "
                          "split."),
        "device": DEVICE_PARAM,
        "num_threads": THREADS_PARAM,
        "checkpoint_dir": CHECKPOINT_DIR_PARAM,
    }

    warm_start_params = ("dim",)
    history_: TrainingHistory
    user_ego_: np.ndarray
    item_ego_: np.ndarray

    # ------------------------------------------------------------------ training
    def _learns_from_values(self) -> bool:
        return True  # the graph is the pattern of non-zero values

    def _values_role(self) -> str:
        return "LightGCN reads a value of 0 as no interaction (no edge of its graph)"

    def _refuse_unread_settings(self, validation: Interactions | None) -> None:
        super()._refuse_unread_settings(validation)
        refuse_unvalidated_patience(self, validation is not None or self.validation_fraction > 0,
                                    rows_given_to_fit=True)
        if self.layers != 0:
            return
        for name in _PROPAGATION_SETTINGS:
            value = getattr(self, name)
            if value != self.params[name].default:
                # with no layer to propagate, the final embeddings are the layer-0 ones
                # (MF trained with BPR): the setting was ignored without a word
                raise ConfigError(
                    f"{self.name}: {name}={shown(value)} is read only by the propagation "
                    "through the layers and their pooling, and layers=0 propagates nothing "
                    "(the model is matrix factorisation trained with BPR), so it would be "
                    f"ignored; set layers >= 1 to use it, or leave {name} out")

    @classmethod
    def data_limits(cls, n_users: int, n_items: int) -> dict[str, tuple[int, str]]:
        """``dim`` up to the rank of the scores, past which the fit warns."""
        return factor_limits("dim", n_users, n_items)

    def _fit(self, train: Interactions, progress: Progress | None) -> None:
        torch = require_torch()
        device = resolve_device(self.device, self.name)
        fit_part, validation = self._fit_and_validation_parts(train)
        positives = sp.csr_matrix(fit_part.to_csr(), dtype=np.float32, copy=True)
        positives.sum_duplicates()
        positives.eliminate_zeros()
        positives.data[:] = 1.0
        positives.sort_indices()
        n_users, n_items = positives.shape
        refuse_without_negatives(self.name, positives)
        warn_excess_factors(self.name, "dim", self.dim, n_users, n_items)
        self._require_memory(n_users, n_items, positives.nnz, device)
        seed_everything(self.seed)

        with deterministic_torch(device), torch_threads(self.num_threads, self.name):
            graph, transposed = self._graphs(positives, device)
            module = _embedding_module(torch)(n_users, n_items, self.dim, self.seed).to(device)
            previous = self._warm_previous()
            if previous is not None:
                # the layer-0 embeddings are what training updates; the final ones follow
                warm_module(module, {"users.weight": IdRows(previous.user_ego_, "users"),
                                     "items.weight": IdRows(previous.item_ego_, "items")},
                            users=fit_part.users, items=fit_part.items,
                            old_users=previous.users_, old_items=previous.items_,
                            model=self.name)
            optimizer = torch.optim.Adam(module.parameters(), lr=float(self.learning_rate))
            indptr, indices = positives.indptr.astype(np.int64), positives.indices
            weight_decay = float(self.weight_decay)

            def batches(epoch: int, generator: Any) -> Any:
                # numpy draws seeded by (seed, epoch): a resumed epoch repeats them
                rng = np.random.default_rng(np.random.SeedSequence([self.seed, epoch]))
                users, items, negatives = sample_triples(indptr, indices, n_items, rng,
                                                         by=self.sampling)
                triples = torch.as_tensor(np.stack([users, items, negatives]))
                for start in range(0, triples.shape[1], self.batch_size):
                    yield triples[:, start:start + self.batch_size].to(device)

            def loss(module: Any, batch: Any) -> Any:
                users, items, negatives = batch
                final_users, final_items = self._propagate(graph, transposed, module)
                return bpr_loss(final_users[users], final_items[items],
                                final_items[negatives], module.users.weight[users],
                                module.items.weight[items], module.items.weight[negatives],
                                weight_decay)

            validate: Callable[[], float] | None = None
            if validation is not None:
                def validate() -> float:
                    self._read_embeddings(graph, transposed, module, positives)
                    return validation_ndcg(self._score_users, fit_part, validation,
                                           k=VALIDATION_K)

            trainer = TorchTrainer(epochs=self.epochs, seed=self.seed, patience=self.patience,
                                   checkpoint_dir=self.checkpoint_dir, model=self.name,
                                   config=self._checkpoint_config(fit_part)
                                   | self._warm_checkpoint_config(),
                                   # the L2 term grows with weight_decay, the BPR term not
                                   max_loss=MAX_LIKELIHOOD_LOSS * max(1.0, weight_decay),
                                   max_loss_growth=MAX_LOSS_GROWTH,
                                   diverged_hint=lambda: self._diverged_hint(positives),
                                   unmoved_hint=self._unmoved_hint)
            self.history_ = trainer.fit(module, optimizer, batches, loss, validate=validate,
                                        description=f"Training {self.name}",
                                        progress=progress)
            self._read_embeddings(graph, transposed, module, positives)

    def _diverged_hint(self, positives: sp.csr_matrix) -> str:
        """What to change when training diverges: the learning rate, unless the propagation
        itself blows the embeddings up, so far that no learning rate brings the scores back
        (``alpha=-1`` diverged even at ``learning_rate=1e-7``, told to lower it). Without
        ``normalize_layers`` a layer multiplies them by up to :func:`propagation_gain`
        (more than 1 when ``alpha + beta < 1``), compounding over the layers; with it every
        layer starts from unit rows, and gives a node at most the largest row sum of the
        propagation weights."""
        beyond = self._beyond_ranges(but=("learning_rate",))
        if beyond is not None:
            # weight_decay=3e38 overflows the loss whatever the rate: it was told to lower
            # the learning rate
            return beyond
        learning_rate = (f"lower the learning rate (learning_rate={shown(self.learning_rate)}; "
                         "default 0.001)")
        exponents = float(self.alpha) + float(self.beta)
        if self.layers == 0:
            return learning_rate
        settings = (f"alpha={shown(self.alpha)}, beta={shown(self.beta)}: alpha + beta = "
                    f"{exponents:.3g}")
        if self.normalize_layers:
            growth = largest_row_sum(positives, float(self.alpha), float(self.beta))
            said = (f"with {settings}, a layer gives a node's embedding a size up to "
                    f"{growth:.3g} on this graph from neighbours of size 1")
        elif exponents < 1:
            gain = propagation_gain(positives, exponents)
            growth = gain ** self.layers
            said = (f"with {settings}, below 1, a layer multiplies them up to {gain:.3g}-fold "
                    "on this graph" + ("" if self.layers == 1 else
                                       f", {growth:.3g}-fold over the {self.layers} layers"))
        else:
            return learning_rate
        if not growth >= _GROWTH_BLAMED:
            return learning_rate
        return (f"the propagation blows the embeddings up: {said}, so the scores start "
                "beyond what training brings back, whatever the learning rate; use "
                "alpha + beta >= 1 (alpha = beta = 0.5 keeps their size)"
                + ("" if self.layers == 1 else ", fewer layers")
                + ("" if self.normalize_layers else ", normalize_layers=True")
                + f"; else {learning_rate}")

    def _graphs(self, positives: sp.csr_matrix, device: Any) -> tuple[Any, Any]:
        """The propagation matrix and, when ``alpha != beta`` makes it asymmetric, its
        transpose (what the backward pass multiplies by); None when it is symmetric."""
        graph = normalized_adjacency(positives, device=device, alpha=self.alpha,
                                     beta=self.beta)
        if self.alpha == self.beta:
            return graph, None
        return graph, normalized_adjacency(positives, device=device, alpha=self.beta,
                                           beta=self.alpha)

    def _propagate(self, graph: Any, transposed: Any, module: Any) -> tuple[Any, Any]:
        return propagate(graph, module.users.weight, module.items.weight, self.layers,
                         transposed=transposed, normalize_layers=self.normalize_layers,
                         gamma=self.gamma)

    def _read_embeddings(self, graph: Any, transposed: Any, module: Any,
                         positives: sp.csr_matrix) -> None:
        """The final embeddings as numpy (float32), zero for users without training rows."""
        torch = require_torch()
        with torch.no_grad():
            final_users, final_items = self._propagate(graph, transposed, module)
            self.user_factors_ = float32_copy(final_users)
            self.item_factors_ = float32_copy(final_items)
            self.user_ego_ = float32_copy(module.users.weight)
            self.item_ego_ = float32_copy(module.items.weight)
        self.user_factors_[np.diff(positives.indptr) == 0] = 0.0

    def _checkpoint_config(self, fit_part: Interactions) -> dict[str, Any]:
        """What a checkpoint must have been made with: the hyperparameters that change an
        epoch (not ``epochs``/``patience``, so a run can be extended, nor the device or
        threads) and a digest of the training rows."""
        digest = hashlib.sha256()
        for array in (fit_part.user_index, fit_part.item_index):
            digest.update(np.ascontiguousarray(array).tobytes())
        ignored = {"epochs", "patience", "device", "num_threads", "checkpoint_dir"}
        params = {k: v for k, v in self.get_params().items() if k not in ignored}
        return params | {"data": f"{fit_part.n_users}x{fit_part.n_items}:"
                                 f"{digest.hexdigest()[:16]}"}

    def _require_memory(self, n_users: int, n_items: int, nnz: int, device: Any) -> None:
        needed = lightgcn_memory_bytes(n_users, n_items, nnz, self.dim, self.layers,
                                       self.batch_size, asymmetric=self.alpha != self.beta,
                                       normalize_layers=self.normalize_layers,
                                       gamma_pooling=self.gamma is not None)
        if getattr(device, "type", device) == "cuda":
            torch = require_torch()
            available, source = torch.cuda.mem_get_info(device)[0], f"free on {device}"
        else:
            available, source = available_memory_bytes()
        if needed > available:
            # what to lower: dim and layers size the embedding blocks, but a batch's rows
            # (batch_size x dim) or the graph and an epoch's triples (per training pair, not
            # per dimension) can be most of it, and then lowering dim alone hardly helps
            batch = min(self.batch_size, nnz) * self.dim * 4 * 17
            pairs = nnz * (2 * 40 * (2 if self.alpha != self.beta else 1) + 48)
            remedies = ["lower dim or layers"]
            if batch * 4 >= needed:
                remedies.insert(0, f"lower batch_size (now {self.batch_size:,})")
            if pairs * 2 >= needed:
                remedies.append("train on fewer pairs (e.g. drop rarely seen items)")
            remedies.append("train on a machine with more memory")
            raise RecstackError(
                f"{self.name}: training on {n_users:,} users x {n_items:,} items "
                f"({nnz:,} pairs) with dim={self.dim}, layers={self.layers}, batch_size="
                f"{self.batch_size} needs about {gib(needed)} ({needed:,} bytes) but only "
                f"{gib(available)} is {source}; {', '.join(remedies[:-1])}, or "
                f"{remedies[-1]}")

    # ------------------------------------------------------------------ persistence
    def _state(self) -> dict[str, np.ndarray]:
        return super()._state() | {"user_ego": self.user_ego_, "item_ego": self.item_ego_}

    def _load_state(self, arrays: dict[str, np.ndarray]) -> None:
        super()._load_state(arrays)
        self.user_ego_ = np.ascontiguousarray(arrays["user_ego"], dtype=np.float32)
        self.item_ego_ = np.ascontiguousarray(arrays["item_ego"], dtype=np.float32)

    def _state_spec(self) -> dict[str, ArraySpec]:
        # every node starts from N(0, 0.1^2), those without edges included, so no fitted
        # model's embeddings are all zeros
        return {name: ArraySpec("float32", (rows, "dim"), nonzero=True)
                for name, rows in (("user_factors", "n_users"), ("item_factors", "n_items"),
                                   ("user_ego", "n_users"), ("item_ego", "n_items"))}


@register
class LightGCNPlusPlus(LightGCN):
    r"""LightGCN++ (Lee, Kim & Shin, "Revisiting LightGCN: Unexpected Inflexibility,
    Inconsistency, and A Remedy Towards Improved Recommendation", RecSys 2024): LightGCN
    with flexible neighbour weights, normalised embeddings and a separate weight for the
    layer-0 embedding.

    With :math:`N_a` the neighbours of node :math:`a` in the user-item graph, each layer
    L2-normalises the embeddings it propagates and weighs a neighbour by the two degrees
    with their own exponents (the paper's flexible neighbour weighting and embedding
    normalisation),

    .. math::

        e_a^{(k+1)} = \sum_{b \in N_a} \frac{1}{|N_a|^{\alpha} |N_b|^{\beta}}
        \frac{e_b^{(k)}}{\lVert e_b^{(k)} \rVert},

    and the final embedding gives the layer-0 embedding its own weight :math:`\gamma`
    beside the mean of the propagated layers (the paper's layer pooling),

    .. math::

        e_a = \gamma\, e_a^{(0)} + \frac{1 - \gamma}{K} \sum_{k=1}^{K} e_a^{(k)},
        \qquad \hat y_{ui} = e_u^\top e_i.

    LightGCN is :math:`\alpha = \beta = 1/2`, no normalisation and :math:`\gamma =
    1/(K+1)`. The defaults are the authors' recommended :math:`\alpha = 0.6, \beta =
    -0.1, \gamma = 0.2` (their code's README; their MovieLens 1M run uses 0.5, 0, 0).
    Training, sampling, early stopping, memory checks, persistence and warm start are
    :class:`LightGCN`'s: BPR with L2 on the layer-0 embeddings of the batch, 64
    dimensions, 3 layers, Adam at 0.001, batches of 2048.
    """

    name = "lightgcn_pp"
    params: ClassVar[dict[str, Param]] = LightGCN.params | {
        "alpha": Param((int, float), low=-1, high=1, default=0.6,
                       doc="Exponent of the receiving node's degree in the propagation "
                           "weights.",
                       search={"type": "float", "low": 0.3, "high": 0.8}),
        "beta": Param((int, float), low=-1, high=1, default=-0.1,
                      doc="Exponent of the sending neighbour's degree in the propagation "
                          "weights.",
                      search={"type": "float", "low": -0.3, "high": 0.3}),
        "normalize_layers": Param(bool, default=True,
                                  doc="L2-normalise every node's embedding before each "
                                      "propagation."),
        "gamma": Param((int, float), low=0, high=1, optional=True, default=0.2,
                       doc="Weight of the layer-0 embedding in the final one, the rest going "
                           "to the mean of layers 1..K; None: the mean of all K + 1 layers.",
                       search={"type": "float", "low": 0.0, "high": 0.5}),
    }


# ---------------------------------------------------------------------------- the pieces
def normalized_adjacency(positives: sp.csr_matrix, *, device: Any = "cpu",
                         alpha: float = 0.5, beta: float = 0.5) -> Any:
    r"""The normalised bipartite adjacency :math:`\tilde A = D^{-\alpha} A D^{-\beta}` of a
    binary ``users x items`` matrix ``R``, as a torch sparse CSR tensor of shape
    ``(n_users + n_items, n_users + n_items)``, users first: entry :math:`(a, b)` of an
    edge is :math:`d_a^{-\alpha} d_b^{-\beta}`, with :math:`d` the node degrees (rows of a
    degree-0 node stay empty). :math:`\alpha = \beta = 1/2` is LightGCN's symmetric
    normalisation :math:`1 / \sqrt{d_u d_i}` (eq. 7-8 of He et al. 2020); other exponents
    are LightGCN++'s neighbour weighting (Lee et al. 2024), whose transpose is the same matrix with
    the exponents swapped."""
    torch = require_torch()
    binary = sp.csr_matrix(positives, dtype=np.float64, copy=True)
    binary.sum_duplicates()
    binary.eliminate_zeros()
    binary.data[:] = 1.0
    user_degree = np.asarray(binary.sum(axis=1)).ravel()
    item_degree = np.asarray(binary.sum(axis=0)).ravel()
    # only stored entries are scaled, so no degree is ever 0 here
    upper = (sp.diags(_degree_power(user_degree, alpha)) @ binary
             @ sp.diags(_degree_power(item_degree, beta)))
    lower = (sp.diags(_degree_power(item_degree, alpha)) @ binary.T
             @ sp.diags(_degree_power(user_degree, beta)))
    graph = sp.bmat([[None, upper], [lower, None]], format="csr", dtype=np.float32)
    graph.sort_indices()
    with warnings.catch_warnings():
        # torch calls its CSR support "beta"; the one operation used here is stable
        warnings.simplefilter("ignore", UserWarning)
        return torch.sparse_csr_tensor(
            torch.as_tensor(graph.indptr.astype(np.int64)),
            torch.as_tensor(graph.indices.astype(np.int64)),
            torch.as_tensor(graph.data), graph.shape, dtype=torch.float32).to(device)


def propagate(graph: Any, user_ego: Any, item_ego: Any, layers: int, *,
              transposed: Any = None, normalize_layers: bool = False,
              gamma: float | None = None) -> tuple[Any, Any]:
    r"""Final user and item embeddings from the stacked layer-0 embeddings
    :math:`E^{(0)}` (users then items) and ``graph`` :math:`\tilde A`
    (:func:`normalized_adjacency`; ``transposed`` is :math:`\tilde A^\top` when it is not
    symmetric). Differentiable in the embeddings.

    Each layer is :math:`E^{(k+1)} = \tilde A E^{(k)}` (LightGCN, eq. 9), or with
    ``normalize_layers`` :math:`\tilde A \hat E^{(k)}` with every row of
    :math:`\hat E^{(k)}` the L2-normalised row of :math:`E^{(k)}` (LightGCN++). The
    final embeddings are the mean of :math:`E^{(0)}, \ldots, E^{(K)}` (LightGCN, eq. 4 with
    :math:`\alpha_k = 1/(K+1)`), or with ``gamma`` :math:`\gamma E^{(0)} + (1 - \gamma)
    \frac{1}{K} \sum_{k=1}^{K} E^{(k)}` (LightGCN++'s pooling)."""
    torch = require_torch()
    product = _graph_product(torch)
    backward = graph if transposed is None else transposed
    ego = torch.cat([user_ego, item_ego])
    layer, total, propagated = ego, ego, None
    for _ in range(layers):
        if normalize_layers:
            layer = layer / (layer.norm(dim=1, keepdim=True) + _NORM_FLOOR)
        layer = product.apply(graph, backward, layer)
        total = total + layer
        propagated = layer if propagated is None else propagated + layer
    if gamma is None or propagated is None:
        final = total / (layers + 1)
    else:
        final = gamma * ego + (1 - gamma) * propagated / layers
    return final[:len(user_ego)], final[len(user_ego):]


@functools.cache
def _graph_product(torch: Any) -> Any:
    """``graph @ x`` differentiable in ``x``, given the graph's transpose (the graph itself
    when it is symmetric): the gradient :math:`\tilde A^\top g` is one more sparse
    product, where torch's own backward would transpose the sparse matrix at every step
    (several times slower on the CPU)."""

    class GraphProduct(torch.autograd.Function):
        @staticmethod
        def forward(ctx: Any, graph: Any, transposed: Any, dense: Any) -> Any:
            ctx.transposed = transposed
            return graph @ dense

        @staticmethod
        def backward(ctx: Any, gradient: Any) -> Any:
            return None, None, ctx.transposed @ gradient

    return GraphProduct


#: the growth of the embeddings through the layers from which a divergence is blamed on it
_GROWTH_BLAMED = 10.0


def _binary_degrees(positives: sp.csr_matrix) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    """The interactions as a 0/1 float64 matrix (repeats and stored zeros dropped) and its
    user and item degrees, for the bounds below."""
    binary = sp.csr_matrix(positives, dtype=np.float64, copy=True)
    binary.sum_duplicates()
    binary.eliminate_zeros()
    binary.data[:] = 1.0
    return (binary, np.asarray(binary.sum(axis=1)).ravel(),
            np.asarray(binary.sum(axis=0)).ravel())


def propagation_gain(positives: sp.csr_matrix, exponents: float, *, steps: int = 100) -> float:
    r"""How much one layer of :func:`normalized_adjacency` can multiply the embeddings'
    size, in the long run: its spectral radius. Two layers map the users to themselves by
    :math:`D_u^{-\alpha} A D_i^{-(\alpha + \beta)} A^\top D_u^{-\beta}`, similar to
    :math:`S S^\top` with :math:`S = D_u^{-s/2} A D_i^{-s/2}`, :math:`s = \alpha + \beta`,
    so the radius is the largest singular value of :math:`S`, depending on :math:`s` only:
    1 at :math:`s = 1` (the symmetric normalisation), above 1 below it. Found by power
    iteration on :math:`S^\top S` from a fixed start (an estimate from below)."""
    binary, user_degree, item_degree = _binary_degrees(positives)
    if binary.nnz == 0:
        return 0.0
    scaled = (sp.diags(_degree_power(user_degree, exponents / 2)) @ binary
              @ sp.diags(_degree_power(item_degree, exponents / 2))).tocsr()
    transposed = scaled.T.tocsr()
    vector = np.random.default_rng(0).random(scaled.shape[1]) + 0.5
    vector /= np.linalg.norm(vector)
    value = 0.0
    for _ in range(steps):
        product = transposed @ (scaled @ vector)
        size = float(np.linalg.norm(product))
        if size == 0 or not math.isfinite(size):
            break
        value, vector = size, product / size
    return math.sqrt(value)


def largest_row_sum(positives: sp.csr_matrix, alpha: float, beta: float) -> float:
    """The largest row sum of :func:`normalized_adjacency`: the most one layer gives a
    node's embedding from neighbours' embeddings of size 1 (``normalize_layers``)."""
    binary, user_degree, item_degree = _binary_degrees(positives)
    if binary.nnz == 0:
        return 0.0
    users = _degree_power(user_degree, alpha) * (binary @ _degree_power(item_degree, beta))
    items = _degree_power(item_degree, alpha) * (binary.T @ _degree_power(user_degree, beta))
    return float(max(users.max(), items.max()))


def _degree_power(degree: np.ndarray, exponent: float) -> np.ndarray:
    """:math:`d^{-\text{exponent}}` for positive degrees, 0 for degree 0."""
    return np.where(degree > 0, np.maximum(degree, 1.0) ** -float(exponent), 0.0)


def bpr_loss(users: Any, positives: Any, negatives: Any, users_ego: Any, positives_ego: Any,
             negatives_ego: Any, weight_decay: float) -> Any:
    r"""The minibatch loss of LightGCN (eq. 15 as the authors' code normalises it):
    :math:`\operatorname{mean}_b \operatorname{softplus}(e_{u_b}^\top e_{j_b} - e_{u_b}^\top
    e_{i_b}) + \lambda (\lVert E_u^{(0)} \rVert^2 + \lVert E_i^{(0)} \rVert^2 + \lVert
    E_j^{(0)} \rVert^2) / (2 |B|)`, the first three arguments final embeddings of the
    batch's users, positives and negatives (rows), the next three their layer-0
    embeddings."""
    torch = require_torch()
    positive_scores = (users * positives).sum(dim=1)
    negative_scores = (users * negatives).sum(dim=1)
    ranking = torch.nn.functional.softplus(negative_scores - positive_scores).mean()
    squares = (users_ego.pow(2).sum() + positives_ego.pow(2).sum()
               + negatives_ego.pow(2).sum())
    return ranking + weight_decay * squares / (2 * len(users))


def sample_triples(indptr: np.ndarray, indices: np.ndarray, n_items: int,
                   rng: np.random.Generator, *, by: str = "users"
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One epoch of BPR triples ``(users, positives, negatives)`` (int64 arrays) from a CSR
    ``users x items`` pattern with sorted, distinct column indices.

    ``by="users"`` (the LightGCN authors' sampler): as many draws as positive pairs, each a
    user uniform over all users (draws of users without positives are dropped) and one of
    its positives uniformly; ``by="positives"``: every positive pair once, in a random
    order. Each negative is uniform over the items the user has no positive for, drawn by
    vectorised rejection (redrawing only the collisions); users with every item have no
    negative and are left out.
    """
    degree = np.diff(indptr)
    n_users = len(degree)
    usable = (degree > 0) & (degree < n_items)
    if by == "users":
        users = rng.integers(0, n_users, size=len(indices))
        users = users[usable[users]]
        positives = indices[indptr[users] + (rng.random(len(users)) * degree[users]
                                             ).astype(np.int64)]
    else:
        pair_users = np.repeat(np.arange(n_users), degree)
        order = rng.permutation(len(indices))
        order = order[usable[pair_users[order]]]
        users, positives = pair_users[order], indices[order]
    users = users.astype(np.int64)
    negatives = uniform_negatives(users, indptr, indices, n_items, rng)
    return users, positives.astype(np.int64), negatives


def lightgcn_memory_bytes(n_users: int, n_items: int, nnz: int, dim: int, layers: int,
                          batch_size: int, *, asymmetric: bool = False,
                          normalize_layers: bool = False, gamma_pooling: bool = False) -> int:
    """Estimated peak memory of :meth:`LightGCN.fit`, in bytes, beyond the training data.

    The graph holds ``2 * nnz`` entries (an int64 column index and a float32 value each),
    counted with the scipy matrices it is built from as 40 bytes per entry; an epoch's
    triples, 48 bytes per training pair (numpy and torch copies). Each
    ``(n_users + n_items) x dim`` float32 block is counted once for every layer output
    kept for the backward pass and its gradient (``2 (layers + 1)``), the running sum and
    the mean with their gradients (4), the parameters, their gradients and Adam's two
    moments (4), and the numpy copies of the final and layer-0 embeddings (2). A batch's
    rows cost 17 vectors of ``dim`` floats each (gathered final and layer-0 rows, their
    products and gradients), and torch's own first allocations about 96 MiB.

    An asymmetric graph (``alpha != beta``) is held twice, with its transpose; normalising
    the layers keeps each layer's normalised input and its gradient (``2 layers`` blocks
    more), and pooling with ``gamma`` a running sum of layers 1..K with its gradient (2).

    Measured on the MovieLens 1M split (6,039 + 3,628 nodes, 671,630 pairs, dim 64, 3
    layers): peak resident memory grew by 242 MiB with batches of 16,384 (estimate 289 MiB)
    and by 450 MiB with batches of 65,536 (estimate 493 MiB).
    """
    block = (n_users + n_items) * dim * 4
    graph = 2 * nnz * 40 * (2 if asymmetric else 1)
    triples = nnz * 48
    batch = min(batch_size, nnz) * dim * 4 * 17
    blocks = (2 * (layers + 1) + 10 + (2 * layers if normalize_layers else 0)
              + (2 if gamma_pooling else 0))
    return int(graph + triples + block * blocks + batch + _TORCH_RUNTIME_BYTES)


def _embedding_module(torch: Any) -> Any:
    """The trainable part: the layer-0 user and item embeddings, initialised from
    ``N(0, INIT_STD^2)`` with a generator seeded by the model's seed (users first)."""

    class EgoEmbeddings(torch.nn.Module):
        def __init__(self, n_users: int, n_items: int, dim: int, seed: int) -> None:
            super().__init__()
            generator = torch.Generator().manual_seed(seed)
            self.users = torch.nn.Embedding(n_users, dim)
            self.items = torch.nn.Embedding(n_items, dim)
            with torch.no_grad():
                self.users.weight.normal_(0.0, INIT_STD, generator=generator)
                self.items.weight.normal_(0.0, INIT_STD, generator=generator)

    return EgoEmbeddings


