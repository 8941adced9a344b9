r"""NeuMF, neural matrix factorisation for implicit feedback (He, Liao, Zhang, Nie, Hu &
Chua, "Neural Collaborative Filtering", WWW 2017), trained in PyTorch.

Training needs the optional extra (``pip install "recstack[torch]"``); a fitted model keeps
its weights as float32 numpy arrays, so scoring, saving and loading need no torch.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, TrainingFailedError, shown
from recstack.models.base import MAX_ITERATIONS, Param, Recommender, width_param
from recstack.models.factors import (
    factor_limits,
    refuse_without_negatives,
    relu_tower,
    uniform_negatives,
    warn_excess_factors,
)
from recstack.models.memory import require_memory
from recstack.models.persistence import ArraySpec
from recstack.models.registry import register
from recstack.models.torch_training import (
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
from recstack.models.training import TrainingHistory, seed_everything
from recstack.pipeline.settings import ReadOnlyWith, refuse_unread_settings
from recstack.progress import Progress

__all__ = ["NeuMF", "training_instances"]

#: standard deviation of the initial embeddings: the reference code's ``init_normal``
#: (``initializations.normal(shape, scale=0.01)``)
INIT_STD = 0.01
#: the weight of GMF against the MLP in a pre-trained NeuMF's output layer (eq. 13)
PRETRAIN_ALPHA = 0.5
#: the optimisers that may fine-tune a pre-trained NeuMF (``pretrain_learner``): the
#: reference code's ``--learner`` choices (NeuMF.py: adagrad, rmsprop, adam, else SGD)
PRETRAIN_LEARNERS = ("sgd", "adam", "adagrad", "rmsprop")
#: bytes of intermediate float32 activations scoring may hold at once
_SCORING_BUDGET_BYTES = 64 * 2**20


@register
class NeuMF(Recommender):
    r"""Neural matrix factorisation (NeuMF) for implicit feedback (He et al. 2017).

    Two towers share the output. *GMF* (generalised matrix factorisation, eq. 9-10) has its
    own user and item embeddings :math:`p_u^G, q_i^G` of ``factors`` dimensions and keeps
    their element-wise product :math:`\phi^{GMF} = p_u^G \odot q_i^G`. The *MLP* (eq. 11)
    has separate embeddings :math:`p_u^M, q_i^M` of ``layers[0] / 2`` dimensions each,
    concatenated, through the hidden layers ``layers[1:]`` with ReLU:

    .. math::

        z_0 = [p_u^M; q_i^M], \qquad z_l = \mathrm{ReLU}(W_l z_{l-1} + b_l)
        \ (l = 1..L), \qquad \phi^{MLP} = z_L.

    NeuMF (eq. 12) concatenates the two and maps them to one logit, a probability by the
    sigmoid:

    .. math::

        \hat y_{ui} = \sigma\big(h^\top [\phi^{GMF}; \phi^{MLP}] + c\big).

    Training minimises the log loss (eq. 7) over the observed pairs :math:`Y` (label 1)
    and sampled negatives :math:`Y^-` (label 0),

    .. math::

        L = -\sum_{(u,i) \in Y} \log \hat y_{ui} - \sum_{(u,j) \in Y^-} \log(1 - \hat y_{uj})

    (as a mean over each minibatch), plus the reference code's L2 terms: ``reg_mf``
    :math:`\times` the squared norm of the whole GMF embedding matrices, ``reg_layers[0]``
    :math:`\times` that of the MLP embedding matrices, and ``reg_layers[l]`` :math:`\times`
    that of hidden layer :math:`l`'s weights. Each epoch draws ``negatives`` items per
    observed pair anew, each uniform over the items that user has not interacted with,
    and visits the pairs in a seeded random order, in minibatches of ``batch_size``.

    Notes
    -----
    *Defaults* are the paper's and its reference code's (hexiangnan/
    neural_collaborative_filtering, ``NeuMF.py``): 8 predictive factors (section 4.1,
    the factors of GMF), MLP layers ``[64, 32, 16, 8]`` (embeddings of 32 each: the
    "tower" whose last layer has as many units as the predictive factors), 4 negatives per
    positive (section 4.4), Adam at 0.001, batches of 256, no L2 (``reg_mf = 0``,
    ``reg_layers = [0, 0, 0, 0]``), embeddings drawn from :math:`N(0, 0.01^2)`, hidden
    layers Glorot-uniform with zero biases and the output layer LeCun-uniform (Keras'
    initialisations there). ``epochs`` is a ceiling of 20, as in the reference's README
    runs (its script's own default is 100). The paper reports HR@10 0.730 and NDCG@10
    0.447 on MovieLens 1M (leave-one-out, the held-out item ranked among 100 sampled ones)
    for NeuMF with pre-training and 8 factors.

    *Pre-training* (``pretrain=True``, section 3.4.1): GMF alone (its embeddings and an
    output layer of its own) and the MLP alone (likewise) are fitted first, each for
    ``epochs`` epochs with Adam at ``learning_rate`` on the same log loss and sampling;
    NeuMF then starts from their embeddings and hidden layers, with the output layer
    :math:`h = [\alpha h^{GMF}; (1 - \alpha) h^{MLP}]` and bias
    :math:`\alpha c^{GMF} + (1 - \alpha) c^{MLP}`, :math:`\alpha = 0.5` (eq. 13), and
    is fine-tuned with ``pretrain_learner`` at ``pretrain_learning_rate`` (None: at
    ``learning_rate``). The default is the paper's text, plain (vanilla) SGD rather than
    Adam, since Adam's moments are not saved with the pre-trained weights, at the one
    rate the paper and the reference code use for every stage; the reference README's
    command with pre-training keeps ``--learner adam``
    (``pretrain_learner="adam"``), and its code also offers ``adagrad`` and ``rmsprop``.
    On MovieLens 100K (``benchmarks/ncf.py``), SGD at 0.001 barely moves the pre-trained
    weights in 20 epochs (log loss 0.212 to 0.205), so the result is close to the 0.5/0.5
    blend of GMF and the MLP; Adam takes the loss to 0.164, with the same HR@10 (0.633
    against SGD's 0.634). Both settings are read only with ``pretrain=True`` and refused
    at fit otherwise. The pre-training histories are kept as ``gmf_history_`` and
    ``mlp_history_``. The reference code notes that for small predictive factors NeuMF
    without pre-training can do better.

    *Negatives.* Each is drawn uniformly and redrawn while it is one of the user's
    training items, so a negative is never a positive, as the paper defines
    :math:`Y^-`; the reference code's loop condition (``(u, j) in train and [u, j] in
    testRatings``) redraws only items in both, which in effect lets positives through as
    negatives.

    *Implicit data.* Every training pair is a positive, whatever its value (a rating of 1
    and of 5 alike); repeated pairs count once. A negative value (a dislike) is refused, as
    by BPR: it would be learned as a positive.

    *Scores.* ``score_users``, ``score`` and ``recommend`` give the logit
    :math:`h^\top [\phi^{GMF}; \phi^{MLP}] + c`, whose sigmoid is :math:`\hat y_{ui}`:
    the same ranking, without float32's sigmoid rounding large logits to a tie at 1.
    They are computed in numpy for a block of users against every item at once: the MLP's
    first layer is split into a user part and an item part,
    :math:`W_1 z_0 = W_1^{(u)} p_u^M + W_1^{(i)} q_i^M`, computed once per user and item.

    *Embeddings.* The scores are not a dot product of a user and an item vector, so
    :meth:`user_embeddings` and :meth:`item_embeddings` are refused; :meth:`similar_items`
    is the cosine of each item's concatenated GMF and MLP embeddings :math:`[q_i^G; q_i^M]`.

    *Users without training rows* keep their random embeddings; the public methods refuse
    them. NeuMF learns one embedding per user, so a new user's history cannot be folded in
    without retraining: there is no ``score_histories``.

    *Versus* ``neural_mf``: :class:`~recstack.models.mf.NeuralMatrixFactorization` is the
    MLP tower alone (no GMF), fitted to explicit ratings by squared error through a scaled
    sigmoid with dropout; NeuMF is both towers, fitted to implicit feedback by log loss on
    sampled negatives, the model the paper evaluates.

    Attributes
    ----------
    gmf_user_, gmf_item_ : ndarray, float32, (n_users | n_items, factors)
    mlp_user_, mlp_item_ : ndarray, float32, (n_users | n_items, layers[0] / 2)
    hidden_weights_, hidden_biases_ : list of ndarray, float32
        :math:`W_l` (``(out, in)``, torch's layout) and :math:`b_l`, one per ``layers[1:]``.
    output_weight_ : ndarray, float32, (factors + layers[-1],)
        :math:`h`, GMF's part first.
    output_bias_ : ndarray, float32, ()
    history_ : TrainingHistory
    """

    name = "neumf"
    training_ranges: ClassVar[dict[str, tuple[float | None, float | None]]] = {
        "learning_rate": (None, 0.1), "pretrain_learning_rate": (None, 0.1)}
    params: ClassVar[dict[str, Param]] = {
        "factors": width_param(default=8, doc="GMF's predictive factors: the dimension of "
                                              "its embeddings (the paper's 8; at most "
                                              "65,536)."),
        "layers": Param((tuple, list), default=(64, 32, 16, 8), element=width_param(),
                        doc="MLP widths: the first is the concatenated embeddings' (each "
                            "half of it; even), the rest the hidden ReLU layers."),
        "negatives": Param(int, low=1, high=1000, default=4,
                           doc="Negative items sampled per positive pair, anew each epoch."),
        "epochs": Param(int, low=1, high=MAX_ITERATIONS, default=20,
                        doc="Passes over the positive pairs (each with fresh negatives)."),
        "batch_size": Param(int, low=1, default=256,
                            doc="Labelled pairs (positives and negatives) per minibatch."),
        "learning_rate": Param((int, float), low=0, low_inclusive=False, high=MAX_TORCH_STEP,
                               high_inclusive=False, default=1e-3, doc="Adam's step size."),
        "reg_mf": Param((int, float), low=0, default=0.0,
                        doc="L2 on GMF's embedding matrices (the reference's reg_mf)."),
        "reg_layers": Param((tuple, list), default=(0.0, 0.0, 0.0, 0.0),
                            element=Param((int, float), low=0),
                            doc="L2 per MLP layer, as long as layers: the first on the MLP "
                                "embeddings, the others on the hidden layers' weights."),
        "pretrain": Param(bool, default=False,
                          doc="Fit GMF and the MLP alone first (Adam, epochs each), then "
                              "NeuMF from their weights (alpha 0.5) with pretrain_learner."),
        "pretrain_learner": Param(str, choices=PRETRAIN_LEARNERS, default="sgd",
                                  added_later=True,
                                  doc="The optimiser that fine-tunes a pre-trained NeuMF: "
                                      "'sgd' (the paper's vanilla SGD), 'adam' (the "
                                      "reference README's runs), 'adagrad' or 'rmsprop' (the "
                                      "reference code's other learners); read only with "
                                      "pretrain=True."),
        "pretrain_learning_rate": Param((int, float), low=0, low_inclusive=False,
                                        high=MAX_TORCH_STEP, high_inclusive=False,
                                        optional=True, default=None, added_later=True,
                                        doc="The fine-tuning step size; None: learning_rate "
                                            "(the paper and the reference code use one rate "
                                            "for every stage); read only with "
                                            "pretrain=True."),
        "seed": Param(int, low=0, default=0,
                      doc="Seeds the initial weights, the negatives and the batch order."),
        "device": DEVICE_PARAM,
        "num_threads": THREADS_PARAM,
    }
    #: settings read only under another's value (:mod:`recstack.pipeline.settings`):
    #: refused at fit when given away from their defaults otherwise
    read_only_with: ClassVar[ReadOnlyWith] = {
        "pretrain_learner": ("pretrain", (True,)),
        "pretrain_learning_rate": ("pretrain", (True,)),
    }

    history_: TrainingHistory
    gmf_history_: TrainingHistory
    mlp_history_: TrainingHistory

    def validate_params(self) -> None:
        super().validate_params()
        if not self.layers:
            raise ConfigError(f"{self.name}: layers must hold at least one width (the "
                              "concatenated MLP embeddings'), e.g. [64, 32, 16, 8]; got []")
        first = int(self.layers[0])
        if first % 2:
            raise ConfigError(
                f"{self.name}: layers[0]={shown(self.layers[0])} must be even: it is the width "
                "of the user and item MLP embeddings concatenated, half of it each; e.g. "
                f"{first + 1}")
        if len(self.reg_layers) != len(self.layers):
            raise ConfigError(
                f"{self.name}: reg_layers has {len(self.reg_layers)} value(s) and layers "
                f"{len(self.layers)}: give one L2 weight per entry of layers (the first for "
                f"the MLP embeddings), e.g. reg_layers={[0.0] * len(self.layers)}")

    # ------------------------------------------------------------------ training
    @classmethod
    def data_limits(cls, n_users: int, n_items: int) -> dict[str, tuple[int, str]]:
        """``factors`` up to the rank of the scores, past which the fit warns."""
        return factor_limits("factors", n_users, n_items)

    def _reads_occurrences(self) -> bool:
        # every recorded pair is a positive, whatever its value (as BPR): a dislike (-1) was
        # learned as a positive without a word, where BPR and the other models refuse it
        return True

    def _occurrences_role(self) -> str:
        return "it learns every recorded pair as a positive"

    def _fit(self, train: Interactions, progress: Progress | None) -> None:
        # a fine-tuning setting without pre-training was ignored without a word
        refuse_unread_settings(self.name, self, self.read_only_with)
        torch = require_torch()
        device = resolve_device(self.device, self.name)
        positives = _positive_pattern(train)
        refuse_without_negatives(self.name, positives)
        n_users, n_items = positives.shape
        # GMF's factors are a factorisation's like ALS's and BPR's: past both counts the
        # extra dimensions are idle, and NeuMF alone of those models said nothing
        warn_excess_factors(self.name, "factors", int(self.factors), n_users, n_items)
        self._require_memory(n_users, n_items, positives.nnz)
        indptr = positives.indptr.astype(np.int64)
        pair_users = np.repeat(np.arange(n_users, dtype=np.int64), np.diff(indptr))
        pair_items = positives.indices.astype(np.int64)
        for stale in ("gmf_history_", "mlp_history_"):  # a refit without pretrain
            self.__dict__.pop(stale, None)
        seed_everything(self.seed)
        reg_mf = float(self.reg_mf)
        reg_layers = [float(value) for value in self.reg_layers]
        build = _neumf_module(torch)

        def batches_of(stage: int) -> Any:
            def batches(epoch: int, shuffle: Any) -> Any:
                # numpy draws seeded by (seed, epoch[, stage]): every fit draws the same
                key = [int(self.seed), epoch] + ([stage] if stage else [])
                rng = np.random.default_rng(np.random.SeedSequence(key))
                users, items, labels = training_instances(
                    pair_users, pair_items, indptr, positives.indices, n_items,
                    int(self.negatives), rng)
                order = torch.randperm(len(users), generator=shuffle)
                users_t = torch.as_tensor(users)[order]
                items_t = torch.as_tensor(items)[order]
                labels_t = torch.as_tensor(labels)[order]
                for start in range(0, len(users), int(self.batch_size)):
                    end = start + int(self.batch_size)
                    yield (users_t[start:end].to(device), items_t[start:end].to(device),
                           labels_t[start:end].to(device))
            return batches

        def loss(module: Any, batch: Any) -> Any:
            users, items, labels = batch
            logits = module(users, items)
            value = torch.nn.functional.binary_cross_entropy_with_logits(logits, labels)
            return value + module.penalty(reg_mf, reg_layers)

        def run(module: Any, optimizer: Any, stage: int, what: str) -> TrainingHistory:
            # the rate this stage steps at, and its default
            setting, default = (
                (f"pretrain_learning_rate={shown(self.pretrain_learning_rate)}",
                 f"default: learning_rate's {shown(self.learning_rate)}")
                if stage == 0 and self.pretrain and self.pretrain_learning_rate is not None
                else (f"learning_rate={shown(self.learning_rate)}", "default 0.001"))
            trainer = TorchTrainer(epochs=int(self.epochs), seed=int(self.seed) + stage,
                                   model=self.name,
                                   max_loss=MAX_LIKELIHOOD_LOSS * max(1.0, reg_mf,
                                                                      *reg_layers),
                                   max_loss_growth=MAX_LOSS_GROWTH,
                                   diverged_hint=(f"lower the learning rate ({setting}; "
                                                  f"{default})"),
                                   unmoved_hint=lambda: self._unmoved_hint(setting))
            return trainer.fit(module, optimizer, batches_of(stage), loss,
                               description=f"{what} {self.name}", progress=progress)

        def generator(stage: int) -> Any:
            return torch.Generator().manual_seed(int(self.seed) * 3 + stage)

        factors, layers = int(self.factors), [int(w) for w in self.layers]
        rate = float(self.learning_rate)
        with deterministic_torch(device), torch_threads(self.num_threads, self.name):
            module = build(n_users, n_items, factors, layers, generator(0)).to(device)
            if not self.pretrain:
                optimizer = torch.optim.Adam(module.parameters(), lr=rate)
            else:
                gmf = build(n_users, n_items, factors, layers, generator(1),
                            towers=("gmf",)).to(device)
                self.gmf_history_ = run(gmf, torch.optim.Adam(gmf.parameters(), lr=rate),
                                        1, "Pre-training GMF of")
                mlp = build(n_users, n_items, factors, layers, generator(2),
                            towers=("mlp",)).to(device)
                self.mlp_history_ = run(mlp, torch.optim.Adam(mlp.parameters(), lr=rate),
                                        2, "Pre-training MLP of")
                module.load_pretrained(gmf, mlp, PRETRAIN_ALPHA)
                optimizer = fine_tuning_optimizer(
                    torch, module.parameters(), self.pretrain_learner,
                    rate if self.pretrain_learning_rate is None
                    else float(self.pretrain_learning_rate))
            self.history_ = run(module, optimizer, 0, "Training")
            self._read_parameters(module)

    def _require_memory(self, n_users: int, n_items: int, n_pairs: int) -> None:
        """Refuse, before torch allocates anything, a fit whose weights or epoch of training
        instances the memory cannot hold: such a fit (``factors`` or ``layers`` of 65,536,
        ``negatives=1000`` on many rows) spent minutes filling memory and then failed with
        torch's allocator message, or was killed, without the bytes it needed."""
        factors, layers = int(self.factors), [int(width) for width in self.layers]
        weights = neumf_weight_count(n_users, n_items, factors, layers)
        # each weight with its gradient and Adam's two moments; pre-training first trains a
        # GMF and an MLP (as many weights again, with theirs) beside the NeuMF they start
        per_weight = 32 if self.pretrain else 16
        # an epoch's instances: users and items (int64) and labels (float32), drawn in
        # numpy, then copied to torch in shuffled order
        instances = n_pairs * (1 + int(self.negatives))
        needed = per_weight * weights + 2 * 20 * instances
        towers = " and the pre-trained GMF and MLP" if self.pretrain else ""
        require_memory(self.name, needed,
                       f"not enough memory to fit {n_users:,} users x {n_items:,} items with "
                       f"factors={factors:,}, layers={layers} and negatives="
                       f"{int(self.negatives):,}: its {weights:,} weights{towers}, with "
                       f"gradients and optimiser moments, and an epoch's {instances:,} "
                       "training instances,",
                       "lower factors or layers (the widths of the user and item vectors), "
                       "or negatives")

    def _read_parameters(self, module: Any) -> None:
        self.gmf_user_ = float32_copy(module.gmf_user.weight)
        self.gmf_item_ = float32_copy(module.gmf_item.weight)
        self.mlp_user_ = float32_copy(module.mlp_user.weight)
        self.mlp_item_ = float32_copy(module.mlp_item.weight)
        self.hidden_weights_ = [float32_copy(layer.weight) for layer in module.hidden]
        self.hidden_biases_ = [float32_copy(layer.bias) for layer in module.hidden]
        self.output_weight_ = float32_copy(module.output.weight).ravel()
        self.output_bias_ = float32_copy(module.output.bias).reshape(())
        self._split_first_layer()

    def _check_diverged(self) -> None:
        """Refuse weights or scores that are not finite (training diverged, e.g. with a huge
        learning rate), and scores that are one value for every item although the
        training data tell the items apart (every list would be the catalog in index
        order)."""
        super()._check_diverged()
        arrays = [self.gmf_user_, self.gmf_item_, self.mlp_user_, self.mlp_item_,
                  *self.hidden_weights_, *self.hidden_biases_, self.output_weight_,
                  self.output_bias_]
        sample = np.arange(min(len(self.users_), 256))
        with np.errstate(all="ignore"):
            scores = self._score_users(sample)
        if not all(np.isfinite(array).all() for array in arrays) \
                or not np.isfinite(scores).all():
            raise TrainingFailedError(
                f"{self.name}: training diverged: the learned weights or their scores hold "
                "NaN or infinite values, " + self._settings_at_fault(
                    "lower the learning rate (or the L2 weights) back to the usual range"))
        if scores.shape[1] > 1 and not np.ptp(scores, axis=1).any() \
                and self._items_told_apart():
            raise TrainingFailedError(
                f"{self.name}: training collapsed: every item gets the same score for each "
                "user (every list would be the catalog in index order), although the "
                "training data tell the items apart, " + self._settings_at_fault(
                    "move the settings that scale the training (learning rate, L2 weights) "
                    "back to their usual range"))

    # ------------------------------------------------------------------ scoring
    def _split_first_layer(self) -> None:
        """Per-user and per-item halves of the MLP's first pre-activation (or, without
        hidden layers, of the MLP's share of the logit), and GMF's item rows scaled by
        its output weights, so that a pair costs additions and one dot product."""
        half = self.mlp_user_.shape[1]
        gmf_weight = self.output_weight_[:self.gmf_user_.shape[1]]
        with np.errstate(over="ignore", invalid="ignore"):
            self._gmf_item_scaled = self.gmf_item_ * gmf_weight
            if self.hidden_weights_:
                weight, bias = self.hidden_weights_[0], self.hidden_biases_[0]
            else:
                weight = self.output_weight_[None, self.gmf_user_.shape[1]:]
                bias = np.zeros(1, np.float32)
            self._user_part = self.mlp_user_ @ weight[:, :half].T + bias
            self._item_part = self.mlp_item_ @ weight[:, half:].T

    def _mlp_logits(self, pre_activation: np.ndarray) -> np.ndarray:
        """The MLP's share of the logit from its first layer's pre-activation (..., w)."""
        if not self.hidden_weights_:
            return pre_activation[..., 0]
        hidden = relu_tower(pre_activation, self.hidden_weights_[1:], self.hidden_biases_[1:])
        return hidden @ self.output_weight_[self.gmf_user_.shape[1]:]

    def _widest(self) -> int:
        return max([self._user_part.shape[1], *(w.shape[0] for w in self.hidden_weights_)])

    def _score_users(self, user_indices: np.ndarray) -> np.ndarray:
        user_indices = np.asarray(user_indices, dtype=np.int64)
        n_items = self._item_part.shape[0]
        chunk = max(1, _SCORING_BUDGET_BYTES // (n_items * self._widest() * 4 * 2))
        out = np.empty((len(user_indices), n_items), np.float32)
        for start in range(0, len(user_indices), chunk):
            users = user_indices[start:start + chunk]
            pre = self._user_part[users][:, None, :] + self._item_part[None, :, :]
            out[start:start + chunk] = (self.gmf_user_[users] @ self._gmf_item_scaled.T
                                        + self._mlp_logits(pre) + self.output_bias_)
        return out

    def _score_pairs(self, user_index: np.ndarray, item_index: np.ndarray) -> np.ndarray:
        chunk = max(1, _SCORING_BUDGET_BYTES // (self._widest() * 4 * 2))
        out = np.empty(len(user_index), np.float32)
        for start in range(0, len(user_index), chunk):
            users, items = user_index[start:start + chunk], item_index[start:start + chunk]
            pre = self._user_part[users] + self._item_part[items]
            gmf = np.einsum("pf,pf->p", self.gmf_user_[users], self._gmf_item_scaled[items])
            out[start:start + chunk] = gmf + self._mlp_logits(pre) + self.output_bias_
        return out

    def _similarity_rows(self, item_indices: np.ndarray) -> np.ndarray:
        """Cosine of the items' concatenated GMF and MLP embeddings."""
        embeddings = np.hstack([self.gmf_item_, self.mlp_item_]).astype(np.float32)
        norms = np.linalg.norm(embeddings, axis=1, keepdims=True)
        unit = embeddings / np.where(norms > 0, norms, 1.0)
        return unit[item_indices] @ unit.T

    # ------------------------------------------------------------------ persistence
    def _state(self) -> dict[str, np.ndarray]:
        state = {"gmf_user": self.gmf_user_, "gmf_item": self.gmf_item_,
                 "mlp_user": self.mlp_user_, "mlp_item": self.mlp_item_,
                 "output_weight": self.output_weight_, "output_bias": self.output_bias_}
        for layer, (weight, bias) in enumerate(zip(self.hidden_weights_, self.hidden_biases_,
                                                   strict=True)):
            state[f"hidden_weight_{layer}"] = weight
            state[f"hidden_bias_{layer}"] = bias
        return state

    def _load_state(self, arrays: dict[str, np.ndarray]) -> None:
        for name in ("gmf_user", "gmf_item", "mlp_user", "mlp_item", "output_weight",
                     "output_bias"):
            setattr(self, f"{name}_", np.asarray(arrays[name], dtype=np.float32))
        count = len(self.layers) - 1
        self.hidden_weights_ = [arrays[f"hidden_weight_{layer}"] for layer in range(count)]
        self.hidden_biases_ = [arrays[f"hidden_bias_{layer}"] for layer in range(count)]
        self._split_first_layer()

    def _state_spec(self) -> dict[str, ArraySpec]:
        half = int(self.layers[0]) // 2
        spec = {"gmf_user": ArraySpec("float32", ("n_users", "factors"), nonzero=True),
                "gmf_item": ArraySpec("float32", ("n_items", "factors"), nonzero=True),
                "mlp_user": ArraySpec("float32", ("n_users", half), nonzero=True),
                "mlp_item": ArraySpec("float32", ("n_items", half), nonzero=True),
                "output_bias": ArraySpec("float32", ())}
        inputs = int(self.layers[0])
        for layer, width in enumerate(self.layers[1:]):
            spec[f"hidden_weight_{layer}"] = ArraySpec("float32", (int(width), inputs),
                                                       nonzero=True)
            spec[f"hidden_bias_{layer}"] = ArraySpec("float32", (int(width),))
            inputs = int(width)
        spec["output_weight"] = ArraySpec("float32", (int(self.factors) + inputs,),
                                          nonzero=True)
        return spec


# ---------------------------------------------------------------------------- the pieces
def fine_tuning_optimizer(torch: Any, parameters: Any, learner: str, rate: float) -> Any:
    """The optimiser that fine-tunes a pre-trained NeuMF, as the reference code's
    ``--learner`` (NeuMF.py, Keras): ``"sgd"`` plain SGD (the paper, section 3.4.1: Adam's
    moments are not those of the pre-trained weights), ``"adam"`` Adam (the reference
    README's run with pre-training), ``"adagrad"`` Adagrad and ``"rmsprop"`` RMSprop with
    Keras' decay of 0.9 (torch's default is 0.99); each at ``rate``."""
    if learner == "adam":
        return torch.optim.Adam(parameters, lr=rate)
    if learner == "adagrad":
        return torch.optim.Adagrad(parameters, lr=rate)
    if learner == "rmsprop":
        return torch.optim.RMSprop(parameters, lr=rate, alpha=0.9)
    return torch.optim.SGD(parameters, lr=rate)


def _positive_pattern(train: Interactions) -> Any:
    """The training pairs as a 0/1 CSR ``users x items`` pattern with sorted, distinct
    columns: every recorded pair is a positive whatever its value (0 too; negative values,
    dislikes, are refused by fit before)."""
    import scipy.sparse as sp

    pattern = sp.csr_matrix(
        (np.ones(len(train), np.float32), (train.user_index, train.item_index)),
        shape=(train.n_users, train.n_items))
    pattern.sum_duplicates()
    pattern.data[:] = 1.0
    pattern.sort_indices()
    return pattern


def training_instances(pair_users: np.ndarray, pair_items: np.ndarray, indptr: np.ndarray,
                       indices: np.ndarray, n_items: int, negatives: int,
                       rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One epoch's labelled pairs, as the reference's ``get_train_instances``: every
    positive pair (label 1) and, for each, ``negatives`` items the user has not
    interacted with (label 0, :func:`~recstack.models.factors.uniform_negatives`). Users
    with every item have no negative to draw: their positives are kept, without
    negatives. Returns
    ``(users, items, labels)``: int64, int64, float32."""
    degree = np.diff(indptr)
    has_negatives = degree[pair_users] < n_items
    sampled_users = np.repeat(pair_users[has_negatives], negatives)
    sampled = uniform_negatives(sampled_users, indptr, indices, n_items, rng)
    users = np.concatenate([pair_users, sampled_users])
    items = np.concatenate([pair_items, sampled])
    labels = np.concatenate([np.ones(len(pair_users), np.float32),
                             np.zeros(len(sampled_users), np.float32)])
    return users, items, labels


def neumf_weight_count(n_users: int, n_items: int, factors: int, layers: list[int]) -> int:
    """The number of weights of a NeuMF: a user and an item vector of ``factors`` (GMF)
    and of ``layers[0] / 2`` (MLP) each, every hidden layer's weights and biases, and the
    output layer over ``factors + layers[-1]`` inputs with its bias."""
    embeddings = (n_users + n_items) * (factors + layers[0] // 2)
    hidden = sum(a * b + b for a, b in zip(layers[:-1], layers[1:], strict=False))
    return embeddings + hidden + factors + layers[-1] + 1


def _neumf_module(torch: Any) -> Any:
    """The torch module, defined on first use so that importing this file needs no torch."""
    from torch import nn

    class NeuMFModule(nn.Module):
        """NeuMF, or with ``towers=("gmf",)`` / ``("mlp",)`` GMF or the MLP alone (the
        reference's GMF.py and MLP.py: the tower, then its own output layer)."""

        def __init__(self, n_users: int, n_items: int, factors: int, layers: list[int],
                     generator: Any, towers: tuple[str, ...] = ("gmf", "mlp")) -> None:
            super().__init__()
            half = layers[0] // 2
            self.towers = towers
            self.gmf_user = nn.Embedding(n_users, factors if "gmf" in towers else 0)
            self.gmf_item = nn.Embedding(n_items, factors if "gmf" in towers else 0)
            self.mlp_user = nn.Embedding(n_users, half if "mlp" in towers else 0)
            self.mlp_item = nn.Embedding(n_items, half if "mlp" in towers else 0)
            self.hidden = nn.ModuleList(nn.Linear(a, b)
                                        for a, b in zip(layers[:-1], layers[1:], strict=True)
                                        if "mlp" in towers)
            self.output = nn.Linear((factors if "gmf" in towers else 0)
                                    + (layers[-1] if "mlp" in towers else 0), 1)
            with torch.no_grad():
                for embedding in (self.gmf_user, self.gmf_item, self.mlp_user, self.mlp_item):
                    embedding.weight.normal_(0.0, INIT_STD, generator=generator)
                for layer in self.hidden:  # Keras' Dense default: Glorot uniform, zero bias
                    nn.init.xavier_uniform_(layer.weight, generator=generator)
                    layer.bias.zero_()
                # the prediction layer: LeCun uniform, limit sqrt(3 / fan_in), zero bias
                limit = float(np.sqrt(3.0 / self.output.in_features))
                nn.init.uniform_(self.output.weight, -limit, limit, generator=generator)
                self.output.bias.zero_()

        def forward(self, users: Any, items: Any) -> Any:
            parts = []
            if "gmf" in self.towers:
                parts.append(self.gmf_user(users) * self.gmf_item(items))
            if "mlp" in self.towers:
                hidden = torch.cat([self.mlp_user(users), self.mlp_item(items)], dim=1)
                for layer in self.hidden:
                    hidden = torch.relu(layer(hidden))
                parts.append(hidden)
            return self.output(torch.cat(parts, dim=1)).squeeze(1)

        def load_pretrained(self, gmf: Any, mlp: Any, alpha: float) -> None:
            r"""The reference's ``load_pretrain_model``: embeddings and hidden layers from
            the pre-trained GMF and MLP, the output layer their output layers side by side,
            :math:`h = [\alpha h^{GMF}; (1 - \alpha) h^{MLP}]`, with the bias
            :math:`\alpha c^{GMF} + (1 - \alpha) c^{MLP}` (eq. 13; the code takes
            ``0.5 * (c_gmf + c_mlp)``, the same at alpha 0.5)."""
            with torch.no_grad():
                for name in ("gmf_user", "gmf_item"):
                    getattr(self, name).weight.copy_(getattr(gmf, name).weight)
                for name in ("mlp_user", "mlp_item"):
                    getattr(self, name).weight.copy_(getattr(mlp, name).weight)
                for mine, theirs in zip(self.hidden, mlp.hidden, strict=True):
                    mine.weight.copy_(theirs.weight)
                    mine.bias.copy_(theirs.bias)
                self.output.weight.copy_(torch.cat([alpha * gmf.output.weight,
                                                    (1 - alpha) * mlp.output.weight], dim=1))
                self.output.bias.copy_(alpha * gmf.output.bias
                                       + (1 - alpha) * mlp.output.bias)

        def penalty(self, reg_mf: float, reg_layers: list[float]) -> Any:
            """The reference's L2 terms (Keras regularizers on whole weight matrices)."""
            total: Any = 0.0
            if reg_mf:
                total = total + reg_mf * (self.gmf_user.weight.pow(2).sum()
                                          + self.gmf_item.weight.pow(2).sum())
            if reg_layers[0]:
                total = total + reg_layers[0] * (self.mlp_user.weight.pow(2).sum()
                                                 + self.mlp_item.weight.pow(2).sum())
            for weight, layer in zip(reg_layers[1:], self.hidden, strict=False):
                if weight:
                    total = total + weight * layer.weight.pow(2).sum()
            return total

    return NeuMFModule


