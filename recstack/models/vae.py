r"""Mult-VAE and Mult-DAE, autoencoders of each user's interaction row with a multinomial
likelihood (Liang, Krishnan, Hoffman & Jebara, "Variational Autoencoders for Collaborative
Filtering", WWW 2018), trained in PyTorch.

Training needs the optional extra (``pip install "recstack[torch]"``); a fitted model keeps
its weights as float32 numpy arrays, so scoring, folding in new users, saving and loading
need no torch.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np
import scipy.sparse as sp

from recstack.data.interactions import Interactions
from recstack.errors import TrainingFailedError
from recstack.models.base import (
    MAX_ITERATIONS,
    NOT_GIVEN,
    Param,
    Recommender,
    check_call,
    width_param,
)
from recstack.models.memory import require_memory, rows_that_fit
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
from recstack.models.training import (
    TrainingHistory,
    ValidationSplitMixin,
    refuse_unvalidated_patience,
    seed_everything,
    validation_ndcg,
)
from recstack.progress import Progress

__all__ = ["MultDAE", "MultVAE", "anneal_beta", "gaussian_kl", "multinomial_nll",
           "negative_elbo"]

#: standard deviation of the initial biases: the reference code's
#: ``truncated_normal_initializer(stddev=0.001)`` (cut at two standard deviations)
BIAS_INIT_STD = 0.001
#: the cut-off of the validation nDCG early stopping follows: the reference code selects
#: the epoch by validation nDCG@100
VALIDATION_K = 100
#: the smallest row norm divided by: tf.nn.l2_normalize's floor (1e-12 on the squared
#: norm), so that an empty row stays 0 instead of becoming NaN
_NORM_FLOOR = 1e-6
#: bytes of scoring activations (dense output rows) held at once
_SCORING_BUDGET_BYTES = 64 * 2**20
#: dense (batch x items) float32 arrays a training step holds at once: the input rows, the
#: normalised and dropped-out rows, the logits, their log-softmax and the gradients of each
_DENSE_TRAINING_COPIES = 8


def anneal_beta(step: int, total_anneal_steps: int, anneal_cap: float) -> float:
    r"""The KL weight :math:`\beta` of gradient update ``step`` (0 for the first): grown
    linearly from 0 by ``1 / total_anneal_steps`` per update up to ``anneal_cap``, as the
    reference code's ``min(anneal_cap, update_count / total_anneal_steps)``; with
    ``total_anneal_steps = 0``, ``anneal_cap`` from the first update."""
    if total_anneal_steps <= 0:
        return float(anneal_cap)
    return min(float(anneal_cap), step / total_anneal_steps)


def multinomial_nll(logits: Any, rows: Any) -> Any:
    r"""Eq. (2)'s negative log-likelihood, per user averaged over the batch:
    :math:`-\frac{1}{B}\sum_u \sum_i x_{ui} \log \mathrm{softmax}(f_\theta(z_u))_i`
    (torch tensors ``(B, I)``)."""
    torch = require_torch()
    return -(torch.log_softmax(logits, dim=1) * rows).sum(dim=1).mean()


def gaussian_kl(mu: Any, logvar: Any) -> Any:
    r""":math:`\mathrm{KL}(q(z_u \mid x_u) \,\|\, \mathcal N(0, I))` of a diagonal Gaussian,
    :math:`\frac12 \sum_k (-\log\sigma_k^2 + \sigma_k^2 + \mu_k^2 - 1)`, averaged over the
    batch (torch tensors ``(B, latent)``)."""
    return (0.5 * (-logvar + logvar.exp() + mu.pow(2) - 1.0)).sum(dim=1).mean()


def negative_elbo(module: Any, rows: Any, beta: float, regularization: float
                  ) -> tuple[Any, Any, Any, Any]:
    r"""The minibatch loss of eq. (3)/(4) in its :math:`\beta`-VAE form,
    ``(total, nll, kl, penalty)``: the multinomial negative log-likelihood, plus
    :math:`\beta` times the KL term (Mult-VAE; 0 for Mult-DAE), plus ``regularization``
    times the summed squares of every weight matrix (biases excluded; the reference code's
    ``2 * l2_regularizer(lam)``). In ``module.train()`` mode the input is dropped out and
    the code sampled; in ``eval()`` mode neither."""
    logits, mu, logvar = module(rows)
    nll = multinomial_nll(logits, rows)
    kl = gaussian_kl(mu, logvar) if logvar is not None else nll.new_zeros(())
    penalty = nll.new_zeros(())
    if regularization:
        penalty = regularization * sum(layer.weight.pow(2).sum() for layer in module.layers())
    return nll + beta * kl + penalty, nll, kl, penalty


class _MultAutoencoder(ValidationSplitMixin, Recommender):
    """What Mult-VAE and Mult-DAE share: the binary input rows, training, scoring from
    the code, fold-in and persistence. Subclasses set :attr:`variational`."""

    #: Mult-VAE (a Gaussian code, sampled while training, with the KL term) or Mult-DAE
    variational: ClassVar[bool]
    training_ranges: ClassVar[dict[str, tuple[float | None, float | None]]] = {
        "learning_rate": (None, 0.1), "regularization": (None, 10.0)}

    history_: TrainingHistory
    encoder_weights_: list[np.ndarray]
    encoder_biases_: list[np.ndarray]
    decoder_weights_: list[np.ndarray]
    decoder_biases_: list[np.ndarray]

    # ------------------------------------------------------------------ input
    def _learns_from_values(self) -> bool:
        return True  # the input is the 0/1 pattern of the non-zero values

    def _values_role(self) -> str:
        return (f"{self.name} reads a value of 0 as no interaction (its input is the 0/1 "
                "pattern of each user's row)")

    def _refuse_unread_settings(self, validation: Interactions | None) -> None:
        super()._refuse_unread_settings(validation)
        refuse_unvalidated_patience(self, validation is not None or self.validation_fraction > 0,
                                    rows_given_to_fit=True)

    # ------------------------------------------------------------------ training
    def _fit(self, train: Interactions, progress: Progress | None) -> None:
        torch = require_torch()
        device = resolve_device(self.device, self.name)
        fit_part, validation = self._fit_and_validation_parts(train)
        rows = binary_rows(fit_part.to_csr())
        n_users, n_items = rows.shape
        # a user without rows contributes no likelihood term: nothing to learn from
        trained_users = np.flatnonzero(np.diff(rows.indptr) > 0)
        batch_size = int(self.batch_size)
        self._require_memory(n_items, min(batch_size, len(trained_users)))
        seed_everything(int(self.seed))
        batches_per_epoch = -(-len(trained_users) // batch_size)
        regularization = float(self.regularization)
        beta_cap = float(self.anneal_cap) if self.variational else 0.0
        anneal_steps = int(self.total_anneal_steps) if self.variational else 0

        def batches(epoch: int, shuffle: Any) -> Any:
            order = trained_users[torch.randperm(len(trained_users), generator=shuffle).numpy()]
            for position, start in enumerate(range(0, len(order), batch_size)):
                # each batch's dense rows from the CSR: never users x items at once
                dense = rows[order[start:start + batch_size]].toarray()
                step = epoch * batches_per_epoch + position
                yield (torch.from_numpy(dense).to(device),
                       anneal_beta(step, anneal_steps, beta_cap))

        def loss(module: Any, batch: Any) -> Any:
            dense, beta = batch
            return negative_elbo(module, dense, beta, regularization)[0]

        validate: Callable[[], float] | None = None
        with deterministic_torch(device), torch_threads(self.num_threads, self.name):
            generator = torch.Generator().manual_seed(int(self.seed))
            module = _autoencoder_module(torch)(
                n_items, int(self.hidden), int(self.latent), self.variational,
                float(self.dropout), generator).to(device)
            optimizer = torch.optim.Adam(module.parameters(), lr=float(self.learning_rate))
            if validation is not None:
                def validate() -> float:
                    self._read_parameters(module)
                    # the rows of the fit part only: the validation items must not be input
                    return validation_ndcg(lambda users: self._forward(rows[users]),
                                           fit_part, validation, k=VALIDATION_K)

            largest_row = float(np.diff(rows.indptr).max()) if rows.nnz else 1.0
            trainer = TorchTrainer(
                epochs=int(self.epochs), seed=int(self.seed), patience=int(self.patience),
                model=self.name,
                # the likelihood sums over a user's items: a row of n items starts near
                # n log(I), so the bound grows with the longest row (and the L2 weight)
                max_loss=MAX_LIKELIHOOD_LOSS * max(1.0, largest_row)
                * max(1.0, regularization),
                max_loss_growth=MAX_LOSS_GROWTH,
                # an L2 weight beyond its range overflows the loss whatever the rate
                diverged_hint=lambda: self._beyond_ranges(but=("learning_rate",)) or (
                    f"lower the learning rate (learning_rate={self.learning_rate!r}; "
                    "default 0.001)"),
                unmoved_hint=self._unmoved_hint,
                # the likelihood alone: negative_elbo's calls are the annealing's steps
                result_loss=lambda module, batch: multinomial_nll(module(batch[0])[0],
                                                                  batch[0]))
            self.history_ = trainer.fit(module, optimizer, batches, loss, validate=validate,
                                        description=f"Training {self.name}",
                                        progress=progress)
            self._read_parameters(module)

    def _require_memory(self, n_items: int, batch_users: int) -> None:
        """Refuse, before torch allocates anything, a fit whose weights (with gradients and
        Adam's moments) and one batch's dense rows the memory cannot hold."""
        weights = autoencoder_weight_count(n_items, int(self.hidden), int(self.latent),
                                           self.variational)
        dense = _DENSE_TRAINING_COPIES * 4 * max(batch_users, 1) * n_items
        require_memory(self.name, 16 * weights + dense,
                       f"not enough memory to fit {n_items:,} items with hidden="
                       f"{int(self.hidden):,}, latent={int(self.latent):,} and batch_size="
                       f"{int(self.batch_size):,}: its {weights:,} weights, with gradients "
                       "and optimiser moments, and a batch's dense rows,",
                       "lower hidden, latent or batch_size")

    def _read_parameters(self, module: Any) -> None:
        self.encoder_weights_ = [float32_copy(layer.weight) for layer in module.encoder]
        self.encoder_biases_ = [float32_copy(layer.bias) for layer in module.encoder]
        self.decoder_weights_ = [float32_copy(layer.weight) for layer in module.decoder]
        self.decoder_biases_ = [float32_copy(layer.bias) for layer in module.decoder]

    def _check_diverged(self) -> None:
        """Refuse weights or scores that are not finite (training diverged, e.g. with a huge
        learning rate), and scores that are one value for every item although the training
        data tell the items apart (every list would be the catalog in index order)."""
        super()._check_diverged()
        arrays = [*self.encoder_weights_, *self.encoder_biases_, *self.decoder_weights_,
                  *self.decoder_biases_]
        sample = np.arange(min(len(self.users_), 256))
        with np.errstate(all="ignore"):
            scores = self._score_users(sample)
        if not all(np.isfinite(array).all() for array in arrays) \
                or not np.isfinite(scores).all():
            raise TrainingFailedError(
                f"{self.name}: training diverged: the learned weights or their scores hold "
                "NaN or infinite values, " + self._settings_at_fault(
                    "lower the learning rate (or the regularization) back to the usual "
                    "range"))
        if scores.shape[1] > 1 and not np.ptp(scores, axis=1).any() \
                and self._items_told_apart():
            raise TrainingFailedError(
                f"{self.name}: training collapsed: every item gets the same score for each "
                "user (every list would be the catalog in index order), although the "
                "training data tell the items apart, " + self._settings_at_fault(
                    "move the settings that scale the training (learning rate, "
                    "regularization) back to their usual range"))

    # ------------------------------------------------------------------ scoring
    def _training_rows(self) -> sp.csr_matrix:
        """The 0/1 pattern of the training matrix, made once per training matrix."""
        cached = self.__dict__.get("_training_rows_of")
        if cached is None or cached[0] is not self.seen_:
            cached = (self.seen_, binary_rows(self.seen_))
            self.__dict__["_training_rows_of"] = cached
        return cached[1]

    def _score_users(self, user_indices: np.ndarray) -> np.ndarray:
        return self._forward(self._training_rows()[np.asarray(user_indices, dtype=np.int64)])

    def score_histories(self, histories: Any = NOT_GIVEN, *positional: Any,
                        **unexpected: Any) -> np.ndarray:
        """Scores for users known only by a history (``n x n_items``, sparse or dense, in
        this model's item order): the history's 0/1 pattern encoded to its code's mean and
        decoded, as a training user's row is; no refitting."""
        check_call(self, type(self).score_histories, positional, unexpected, (histories,))
        self._require_fitted()
        history = self._history_matrix(histories)
        return self._empty_histories_by_popularity(history, self._forward(binary_rows(history)))

    def _forward(self, rows: sp.csr_matrix) -> np.ndarray:
        """Decoder logits ``(n, n_items)`` float32 for 0/1 rows, from the code's mean (no
        dropout, no sampling), a block of rows at a time."""
        rows = sp.csr_matrix(rows, dtype=np.float32)
        n_items = self.decoder_weights_[-1].shape[0]
        out = np.empty((rows.shape[0], n_items), np.float32)
        block = rows_that_fit(n_items * 4 * 2, _SCORING_BUDGET_BYTES, out.nbytes)
        for start in range(0, rows.shape[0], block):
            out[start:start + block] = self._decode(self._encode(rows[start:start + block]))
        return out

    def _encode(self, rows: sp.csr_matrix) -> np.ndarray:
        """The code's mean (Mult-VAE) or the code (Mult-DAE) of 0/1 rows."""
        norms = np.sqrt(np.asarray(rows.multiply(rows).sum(axis=1), dtype=np.float32))
        normalised = sp.csr_matrix(rows.multiply(1.0 / np.maximum(norms, _NORM_FLOOR)),
                                   dtype=np.float32)
        last = len(self.encoder_weights_) - 1
        hidden: Any = normalised
        for layer, (weight, bias) in enumerate(zip(self.encoder_weights_, self.encoder_biases_,
                                                   strict=True)):
            hidden = np.asarray(hidden @ weight.T, dtype=np.float32) + bias
            if layer < last or not self.variational:
                hidden = np.tanh(hidden)
        if self.variational:
            hidden = hidden[:, :int(self.latent)]  # mu; the other half is log sigma^2
        return np.asarray(hidden, dtype=np.float32)

    def _decode(self, code: np.ndarray) -> np.ndarray:
        last = len(self.decoder_weights_) - 1
        hidden = code
        for layer, (weight, bias) in enumerate(zip(self.decoder_weights_, self.decoder_biases_,
                                                   strict=True)):
            hidden = hidden @ weight.T + bias
            if layer < last:
                hidden = np.tanh(hidden)
        return hidden

    def _similarity_rows(self, item_indices: np.ndarray) -> np.ndarray:
        """Cosine of the items' rows of the decoder's output layer: the vectors each item's
        logit is the dot product of with the last hidden layer."""
        output = self.decoder_weights_[-1]
        norms = np.linalg.norm(output, axis=1, keepdims=True)
        unit = output / np.where(norms > 0, norms, 1.0)
        return unit[item_indices] @ unit.T

    # ------------------------------------------------------------------ persistence
    def _state(self) -> dict[str, np.ndarray]:
        state = {}
        for part in ("encoder", "decoder"):
            for layer, (weight, bias) in enumerate(zip(getattr(self, f"{part}_weights_"),
                                                       getattr(self, f"{part}_biases_"),
                                                       strict=True)):
                state[f"{part}_weight_{layer}"] = weight
                state[f"{part}_bias_{layer}"] = bias
        return state

    def _load_state(self, arrays: dict[str, np.ndarray]) -> None:
        count = 2 if int(self.hidden) else 1
        for part in ("encoder", "decoder"):
            setattr(self, f"{part}_weights_",
                    [np.ascontiguousarray(arrays[f"{part}_weight_{layer}"], dtype=np.float32)
                     for layer in range(count)])
            setattr(self, f"{part}_biases_",
                    [np.ascontiguousarray(arrays[f"{part}_bias_{layer}"], dtype=np.float32)
                     for layer in range(count)])

    def _state_spec(self) -> dict[str, ArraySpec]:
        code = int(self.latent) * (2 if self.variational else 1)
        widths = {"encoder": _layer_widths("n_items", int(self.hidden), code),
                  "decoder": _layer_widths(int(self.latent), int(self.hidden), "n_items")}
        spec = {}
        for part, layers in widths.items():
            for layer, (inputs, outputs) in enumerate(layers):
                spec[f"{part}_weight_{layer}"] = ArraySpec("float32", (outputs, inputs),
                                                           nonzero=True)
                spec[f"{part}_bias_{layer}"] = ArraySpec("float32", (outputs,))
        return spec


def _layer_widths(first: int | str, hidden: int, last: int | str
                  ) -> list[tuple[int | str, int | str]]:
    """``(inputs, outputs)`` of each linear layer from ``first`` to ``last`` through one
    hidden layer of ``hidden`` units (none when 0)."""
    return [(first, hidden), (hidden, last)] if hidden else [(first, last)]


def _shared_params(*, hidden: int, hidden_doc: str, hidden_search: dict[str, Any],
                   regularization: float, regularization_doc: str) -> dict[str, Param]:
    return {
        "hidden": width_param(low=0, default=hidden,
                              doc="Units of the hidden tanh layer on each side of the code "
                                  f"({hidden_doc}; at most 65,536); 0: none (I -> latent "
                                  "-> I).",
                              search=hidden_search),
        "latent": width_param(default=200,
                              doc="Dimension of the code (the paper's 200; at most 65,536).",
                              search={"type": "int", "low": 50, "high": 400, "log": True}),
        "dropout": Param((int, float), low=0, high=1, high_inclusive=False, default=0.5,
                         doc="Share of the normalised input dropped while training (the "
                             "reference's keep probability 0.5).",
                         search={"type": "float", "low": 0.0, "high": 0.8}),
        "regularization": Param((int, float), low=0, default=regularization,
                                doc=regularization_doc,
                                search=None if not regularization else
                                {"type": "float", "low": 1e-7, "high": 1e-3, "log": True}),
        "learning_rate": Param((int, float), low=0, low_inclusive=False, high=MAX_TORCH_STEP,
                               high_inclusive=False, default=1e-3, doc="Adam's step size.",
                               search={"type": "float", "low": 1e-4, "high": 1e-2,
                                       "log": True}),
        "batch_size": Param(int, low=1, default=500, doc="Users per minibatch."),
        "epochs": Param(int, low=1, high=MAX_ITERATIONS, default=200,
                        doc="Most passes over the users with training rows."),
        "patience": Param(int, low=1, default=200,
                          doc="With validation: epochs without a better validation "
                              "nDCG@100 before stopping (the default, the default epochs, "
                              "trains every epoch and keeps the best, as the reference "
                              "code does)."),
        "validation_fraction": Param((int, float), low=0, high=0.5, default=0.0,
                                     doc="Share of each user's rows held out to early-stop "
                                         "on; 0: none."),
        "seed": Param(int, low=0, default=0,
                      doc="Seeds the initial weights, the batch order, the dropout, the "
                          "sampled codes and the validation split."),
        "device": DEVICE_PARAM,
        "num_threads": THREADS_PARAM,
    }


_SHARED_NOTES = r"""
    *Input.* A user's row :math:`x_u` is the 0/1 pattern of their training values (any
    non-zero value counts as 1; a negative one, a dislike, is refused), L2-normalised,
    and while training only, dropped out (each entry zeroed with probability
    ``dropout``, the others scaled by :math:`1 / (1 - \text{dropout})`). The likelihood
    is of the unnormalised :math:`x_u`.

    *Training.* Adam at ``learning_rate`` over minibatches of ``batch_size`` users (those
    with training rows, in a seeded random order each epoch), dense rows built from the
    sparse matrix one batch at a time; weights Glorot-uniform, biases from a normal of
    standard deviation 0.001 cut at two standard deviations (the reference code's
    ``truncated_normal_initializer``). With ``validation_fraction`` > 0 a per-user random
    share of the training rows is held out, or ``fit(train, validation=...)`` gives the
    validation rows; the model then keeps the weights of the epoch with the best
    validation nDCG@100 (the reference code's selection, which trains every epoch: the
    default ``patience`` of 200), stopping early after ``patience`` epochs without
    improvement when it is lower. While validating, a user's input is their fit rows only.

    *Scores* are the decoder's logits :math:`f_\theta(\cdot)` for the user's whole
    training row, without dropout and without sampling, computed in numpy for a block of
    users at a time. A history not seen in training is encoded the same way
    (:meth:`score_histories`), without refitting: scoring a training user's own row as a
    history gives their scores. Users without training rows (and empty histories) get item
    popularity, with a warning, as elsewhere in recstack.

    *Similar items* are the cosine of the items' rows of the decoder's output layer.
    There are no user or item embeddings in the factor-model sense (scores are not a dot
    product of a user and an item vector), so :meth:`user_embeddings` and
    :meth:`item_embeddings` are refused.

    *Memory.* Before training, the weights with their gradients and Adam's moments and a
    batch's dense rows are estimated and the fit is refused, with the bytes needed, when
    they do not fit."""


@register
class MultVAE(_MultAutoencoder):
    __doc__ = r"""Mult-VAE (Liang et al. 2018): a variational autoencoder of each user's interaction
    row with a multinomial likelihood.

    The encoder :math:`g_\phi` (an MLP :math:`I \to` ``hidden`` :math:`\to 2 \times`
    ``latent``, tanh between the layers, the last linear) gives the mean and log-variance
    of :math:`q_\phi(z_u \mid x_u) = \mathcal N(\mu_\phi(x_u),
    \mathrm{diag}\{\sigma^2_\phi(x_u)\})` (eq. 5); the decoder :math:`f_\theta` (an MLP
    ``latent`` :math:`\to` ``hidden`` :math:`\to I`, tanh between, the last linear) gives
    the logits of :math:`\pi(z_u) = \mathrm{softmax}(f_\theta(z_u))` (eq. 1), and

    .. math::

        \log p_\theta(x_u \mid z_u) = \sum_i x_{ui} \log \pi_i(z_u) \quad \text{(eq. 2)}.

    Training minimises, per user averaged over each minibatch, the negative of the
    :math:`\beta`-weighted ELBO (eq. 3, with :math:`\beta` as in eq. 4-6)

    .. math::

        -\mathbb E_{q_\phi(z_u \mid x_u)}[\log p_\theta(x_u \mid z_u)]
        + \beta\, \mathrm{KL}(q_\phi(z_u \mid x_u) \,\|\, \mathcal N(0, I_K))
        + \lambda \sum_W \lVert W \rVert_F^2,

    the expectation by one reparameterised sample :math:`z_u = \mu + \epsilon \odot
    \sigma`, :math:`\epsilon \sim \mathcal N(0, I)` (eq. 7), the KL term in closed form
    :math:`\frac12 \sum_k (-\log\sigma_k^2 + \sigma_k^2 + \mu_k^2 - 1)`, and
    :math:`\lambda` (``regularization``) on every weight matrix (the reference code's
    ``lam``, 0 for Mult-VAE). :math:`\beta` is annealed (section 2.2.2): at gradient
    update :math:`t` (from 0) it is :math:`\min(\text{anneal\_cap},
    t / \text{total\_anneal\_steps})` (:func:`anneal_beta`).

    Notes
    -----
    *Defaults* are the paper's and its reference code's (dawenl/vae_cf,
    ``VAE_ML20M_WWW2018.ipynb``): the architecture :math:`[I \to 600 \to 200 \to 600 \to
    I]`, input dropout 0.5, Adam at 0.001, batches of 500 users, 200 epochs,
    ``anneal_cap`` 0.2 reached after 200,000 updates, no L2. On small data 200,000
    updates are far more than a fit makes (6,000 users are 12 batches an epoch), so
    :math:`\beta` stays near 0; lower ``total_anneal_steps`` (or 0: ``anneal_cap`` from
    the start) to reach the cap, as the paper's annealing to the best :math:`\beta`
    intends.
    """ + _SHARED_NOTES

    name = "mult_vae"
    variational = True
    params: ClassVar[dict[str, Param]] = {
        **_shared_params(hidden=600, hidden_doc="the paper's 600",
                         hidden_search={"type": "int", "low": 200, "high": 1000, "log": True},
                         regularization=0.0,
                         regularization_doc="lambda, L2 on every weight matrix (the "
                                            "reference's lam: 0 for Mult-VAE)."),
        "anneal_cap": Param((int, float), low=0, high=1, default=0.2,
                            doc="The largest KL weight beta (the reference's 0.2).",
                            search={"type": "float", "low": 0.0, "high": 1.0}),
        "total_anneal_steps": Param(int, low=0, default=200_000,
                                    doc="Gradient updates over which beta grows from 0 to 1 "
                                        "(capped at anneal_cap); 0: anneal_cap from the "
                                        "first update."),
    }


@register
class MultDAE(_MultAutoencoder):
    __doc__ = r"""Mult-DAE (Liang et al. 2018, section 2.3): a denoising autoencoder of each user's
    interaction row with the multinomial likelihood of Mult-VAE.

    The encoder (an MLP :math:`I \to` ``hidden`` :math:`\to` ``latent``) is
    deterministic: tanh after each of its layers, the code included, as the reference
    code's ``MultiDAE.forward_pass`` applies tanh after every layer but the output; the
    decoder (``latent`` :math:`\to` ``hidden`` :math:`\to I`, tanh between, the last
    linear) gives the logits :math:`f_\theta`. Training minimises, per user averaged over
    each minibatch,

    .. math::

        -\sum_i x_{ui} \log \mathrm{softmax}(f_\theta(g_\phi(\tilde x_u)))_i
        + \lambda \sum_W \lVert W \rVert_F^2 \quad \text{(eq. 8, with L2)},

    :math:`\tilde x_u` the normalised row after input dropout (the noise), with no KL
    term.

    Notes
    -----
    *Defaults.* The architecture is the reference notebook's Mult-DAE, :math:`[I \to 200
    \to I]` (``hidden=0``), the run that gives the paper's Mult-DAE figures; section 4.3
    describes :math:`[I \to 600 \to 200 \to 600 \to I]` for both models
    (``hidden=600``). ``regularization``
    :math:`\lambda = 2 \cdot 10^{-5}` is the reference code's ``lam=0.01 / batch_size``
    at its batch of 500 users (its ``2 * l2_regularizer(lam)`` is :math:`\lambda` times
    the summed squares of the weight matrices, biases excluded); it is not rescaled with
    ``batch_size``. Input dropout 0.5, Adam at 0.001, batches of 500, 200 epochs, as for
    Mult-VAE.
    """ + _SHARED_NOTES

    name = "mult_dae"
    variational = False
    params: ClassVar[dict[str, Param]] = _shared_params(
        hidden=0, hidden_doc="0 as the reference code's Mult-DAE; the paper's section 4.3 "
                             "architecture: 600",
        # none or one hidden layer: the two architectures the paper and its code compare
        hidden_search={"type": "categorical", "choices": [0, 200, 600, 1000]},
        regularization=2e-5,
        regularization_doc="lambda, L2 on every weight matrix (the reference's lam = 0.01 "
                           "/ 500, its batch size).")


def binary_rows(matrix: Any) -> sp.csr_matrix:
    """A users x items matrix as float32 CSR of its non-zero pattern (1 per non-zero value,
    duplicates summed first), a new matrix."""
    pattern = sp.csr_matrix(matrix, dtype=np.float32, copy=True)
    pattern.sum_duplicates()
    pattern.eliminate_zeros()
    pattern.data[:] = 1.0
    pattern.sort_indices()
    return pattern


def autoencoder_weight_count(n_items: int, hidden: int, latent: int, variational: bool) -> int:
    """The weights and biases of the encoder and decoder (the encoder's last layer gives
    ``2 x latent`` values for a variational one)."""
    code = latent * (2 if variational else 1)
    layers = ([(n_items, hidden), (hidden, code), (latent, hidden), (hidden, n_items)]
              if hidden else [(n_items, code), (latent, n_items)])
    return sum(inputs * outputs + outputs for inputs, outputs in layers)


def _autoencoder_module(torch: Any) -> Any:
    """The torch module, defined on first use so that importing this file needs no torch."""
    from torch import nn

    class AutoencoderModule(nn.Module):
        """Encoder and decoder of Mult-VAE (``variational``) or Mult-DAE."""

        def __init__(self, n_items: int, hidden: int, latent: int, variational: bool,
                     dropout: float, generator: Any) -> None:
            super().__init__()
            self.variational = variational
            self.latent = latent
            self.dropout = dropout
            code = latent * (2 if variational else 1)
            self.encoder = nn.ModuleList(nn.Linear(a, b)
                                         for a, b in _layer_widths(n_items, hidden, code))
            self.decoder = nn.ModuleList(nn.Linear(a, b)
                                         for a, b in _layer_widths(latent, hidden, n_items))
            with torch.no_grad():
                for layer in self.layers():
                    nn.init.xavier_uniform_(layer.weight, generator=generator)
                    nn.init.trunc_normal_(layer.bias, 0.0, BIAS_INIT_STD, -2 * BIAS_INIT_STD,
                                          2 * BIAS_INIT_STD, generator=generator)

        def layers(self) -> list[Any]:
            return [*self.encoder, *self.decoder]

        def forward(self, rows: Any) -> tuple[Any, Any, Any]:
            """``(logits, mu, logvar)``; ``mu`` is the code and ``logvar`` None for
            Mult-DAE. Dropout and sampling only in training mode."""
            hidden = torch.nn.functional.normalize(rows, dim=1, eps=_NORM_FLOOR)
            hidden = torch.nn.functional.dropout(hidden, self.dropout, self.training)
            last = len(self.encoder) - 1
            for position, layer in enumerate(self.encoder):
                hidden = layer(hidden)
                if position < last or not self.variational:
                    hidden = torch.tanh(hidden)
            mu, logvar = hidden, None
            code = mu
            if self.variational:
                mu, logvar = hidden[:, :self.latent], hidden[:, self.latent:]
                code = mu
                if self.training:  # reparameterised sample, eq. (7)
                    code = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
            last = len(self.decoder) - 1
            hidden = code
            for position, layer in enumerate(self.decoder):
                hidden = layer(hidden)
                if position < last:
                    hidden = torch.tanh(hidden)
            return hidden, mu, logvar

    return AutoencoderModule
