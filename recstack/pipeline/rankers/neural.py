"""What the PyTorch rankers share: inputs, batches of whole groups, the loss as a
parameter, training on the shared trainer, scoring in batches, safetensors files.

Inputs. Numeric features: NaN replaced by the training mean, then standardised with the
training mean and standard deviation (statistics of the fit frame, kept with the model).
A feature without variation in training (one value, or missing on every row) is
standardised to 0 when scoring too (its scale is infinite), whatever the frame holds: the
network learned nothing of it.
Categorical features: one embedding table per feature with ``cardinality`` rows; row 0 is
the shared unknown level, trained like any other (an unseen category at serving is scored
as the unknown level was in training). ``x0`` is the concatenation of the standardised
numerics and the embeddings.

Batches hold whole groups (``batch_groups`` of them, padded to the longest), so the
pairwise and listwise losses of :mod:`recstack.pipeline.rankers.losses` compare rows of one
request only; pointwise losses ignore the grouping. Training runs on
:class:`~recstack.models.torch_training.TorchTrainer` (seeded batch order and dropout per
epoch; with ``validation``, early stopping on its mean nDCG@10 and the best epoch
restored). Deterministic kernels are on during fit: the same seed gives the same scores.

Saved as ``weights.safetensors`` (the network and the input statistics) plus JSON.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from recstack.errors import ConfigError, RecstackError, TrainingFailedError
from recstack.models.base import MAX_FACTORS, Param
from recstack.models.factors import refuse_overshooting_decay
from recstack.models.torch_training import (
    DEVICE_PARAM,
    MAX_LIKELIHOOD_LOSS,
    MAX_LOSS_GROWTH,
    MAX_TORCH_STEP,
    TorchTrainer,
    deterministic_torch,
    resolve_device,
)
from recstack.models.training import seed_everything
from recstack.pipeline.rankers.base import (
    POSITION_PARAMS,
    Ranker,
    _grouped_ndcg,
    check_input_scaling,
    check_model_cardinalities,
    check_model_features,
    check_saved_ranges,
    group_starts,
    model_feature_names,
    training_means,
    training_ranges,
)
from recstack.pipeline.rankers.losses import LOSSES, PAIRWISE, POINTWISE, ranking_loss
from recstack.pipeline.schema import FeatureFrame
from recstack.pipeline.settings import ReadOnlyWith
from recstack.progress import Progress

#: the most weights a ranker network may hold (float32, plus gradients and AdamW's two
#: moments: 16 bytes each, 4 GiB at this bound)
MAX_NETWORK_PARAMETERS = 2**28

#: the most hidden layers an MLP may stack (the bound ``cross_layers`` has): a typo such as
#: ``hidden=[64] * 6400`` was built layer by layer before the weight count refused it
MAX_HIDDEN_LAYERS = 64

WEIGHTS_FILE = "weights.safetensors"
#: the largest grade the lambdarank loss takes: LightGBM's bound, far inside float32's
#: range for 2^grade summed over a group
MAX_LAMBDARANK_GRADE = 30
_SCORE_BATCH_ROWS = 65_536

#: the hyperparameters every PyTorch ranker has
TORCH_PARAMS: dict[str, Param] = {
    "loss": Param(str, default="bce", doc=f"The training loss: {', '.join(LOSSES)}."),
    "embedding_dim": Param(int, low=1, high=MAX_FACTORS, default=8,
                           doc=f"Width of each categorical embedding, 1 to {MAX_FACTORS:,}."),
    # widths bounded as every model's vector widths are (``hidden=[2560000]``, a typo, was
    # accepted until fit)
    "hidden": Param((tuple, list), default=(64, 32),
                    element=Param(int, low=1, high=MAX_FACTORS),
                    doc=f"Widths of the MLP's hidden layers (at most {MAX_HIDDEN_LAYERS} "
                        f"layers, each 1 to {MAX_FACTORS:,} wide)."),
    "dropout": Param((int, float), low=0, high=1, high_inclusive=False, default=0.0,
                     doc="Dropout after each hidden layer."),
    "epochs": Param(int, low=1, default=10, doc="Passes over the training groups."),
    "batch_groups": Param(int, low=1, default=64, doc="Groups (requests) per minibatch."),
    "learning_rate": Param((int, float), low=0, low_inclusive=False, high=MAX_TORCH_STEP,
                           high_inclusive=False, default=1e-2,
                           doc="Adam's step size."),
    "weight_decay": Param((int, float), low=0, default=0.0,
                          doc="AdamW's decoupled weight decay; learning_rate x weight_decay "
                              "must stay below 1 (each step multiplies the weights by 1 "
                              "minus it)."),
    "focal_gamma": Param((int, float), low=0, default=2.0,
                         doc="Focusing exponent gamma of the focal loss."),
    "focal_alpha": Param((int, float), low=0, high=1, optional=True, default=None,
                         doc="Positive-class weight alpha of the focal loss; None: none."),
    "margin": Param((int, float), low=0, low_inclusive=False, default=1.0,
                    doc="Margin of the hinge loss."),
    "patience": Param(int, low=1, default=3,
                      doc="With validation: epochs without a better nDCG@10 before stopping."),
    "seed": Param(int, low=0, high=2**63 - 1, default=0,
                  doc="Seeds the initialisation, batch order and dropout."),
    "device": DEVICE_PARAM,
    **POSITION_PARAMS,
}


class TorchRanker(Ranker):
    """Base of the PyTorch rankers; a subclass builds its network in :meth:`_network`."""

    supported_losses = LOSSES
    #: the network's output is the logit under the pointwise log losses
    probability_losses = POINTWISE
    model_files = (WEIGHTS_FILE,)
    #: the focal loss's and the hinge loss's own settings (:mod:`recstack.pipeline.settings`)
    read_only_with: ClassVar[ReadOnlyWith] = {
        "focal_gamma": ("loss", ("focal",)),
        "focal_alpha": ("loss", ("focal",)),
        "margin": ("loss", ("hinge",)),
    }

    def validate_params(self) -> None:
        """The declared checks, then the number of hidden layers (at most
        :data:`MAX_HIDDEN_LAYERS`, as ``cross_layers``)."""
        super().validate_params()
        if len(self.hidden) > MAX_HIDDEN_LAYERS:
            raise ConfigError(f"{self.name}: hidden lists {len(self.hidden):,} layers; at most "
                              f"{MAX_HIDDEN_LAYERS} may be stacked (each entry is one layer's "
                              "width, e.g. hidden=[64, 32])")

    def _require_torch(self) -> Any:
        """PyTorch, or a refusal naming this ranker: the models' shared check said "this
        model needs PyTorch" of a ranker, inside a two-stage model that holds several."""
        try:
            import torch
        except ImportError:
            raise RecstackError(f"the {self.name} ranker needs PyTorch, which is not "
                                'installed; install it with: pip install "recstack[torch]"'
                                ) from None
        return torch

    # ------------------------------------------------------------------ the network
    def _network(self, torch: Any, n_numeric: int, cardinalities: list[int]) -> Any:
        """The ``nn.Module``: ``forward(numeric, categorical)`` -> logits ``(n,)`` (the
        multitask network returns ``(logits, ratings)``)."""
        raise NotImplementedError

    def _extra_loss(self, torch: Any, output: Any, labels: Any, mask: Any,
                    weights: Any) -> Any:
        """A second task's loss added to the ranking loss (the multitask ranker's)."""
        return None

    def _check_network_size(self, torch: Any) -> None:
        """Refuse a network too large to train (huge hidden widths or embeddings): built
        for real, it fails deep in PyTorch's allocator or gets the process killed."""
        try:
            with torch.device("meta"):  # shapes only: no memory is allocated
                network = self._network(torch, len(self.means_), self.cardinalities_)
            n_parameters = sum(int(p.numel()) for p in network.parameters())
        except RuntimeError:  # a shape whose size overflows PyTorch's own arithmetic
            n_parameters = MAX_NETWORK_PARAMETERS + 1
        if n_parameters > MAX_NETWORK_PARAMETERS:
            # the settings that size this network (a low_rank of None, or experts outside
            # MMoE, sizes nothing)
            sizes = ", ".join(f"{name}={getattr(self, name)!r}" for name in
                              ("hidden", "embedding_dim", "cross_buckets", "cross_layers",
                               "low_rank", "experts")
                              if name in self.params and getattr(self, name) is not None
                              and self._read_setting(name))
            count = ("too many" if n_parameters == MAX_NETWORK_PARAMETERS + 1
                     else f"{n_parameters:,}")
            raise RecstackError(
                f"{self.name}: the network would hold {count} weights (at most "
                f"{MAX_NETWORK_PARAMETERS:,}: with its gradients and optimiser state that is "
                f"already {MAX_NETWORK_PARAMETERS * 16 / 2**30:.0f} GiB) with {sizes}; lower "
                "them")

    def _read_setting(self, name: str) -> bool:
        """Whether setting ``name`` is read under the others (:attr:`read_only_with`)."""
        switch = self.read_only_with.get(name)
        return switch is None or getattr(self, switch[0]) in switch[1]

    def _prepare_labels(self, labels: np.ndarray) -> np.ndarray:
        """Labels as the network's training targets, ``(n, k)`` float32."""
        return labels.reshape(len(labels), -1).astype(np.float32)

    # ------------------------------------------------------------------ fit
    def _fit(self, frame: FeatureFrame, labels: np.ndarray, weights: np.ndarray | None,
             validation: tuple[FeatureFrame, np.ndarray] | None,
             progress: Progress | None) -> None:
        if validation is None and self.patience != self.params["patience"].default:
            # read only to stop early on validation rows: without them the fit ran its
            # epochs and the setting was ignored without a word (LightGBM refuses its
            # early_stopping_rounds without validation rows alike)
            raise RecstackError(f"{self.name}: patience={self.patience!r} needs validation "
                                "rows (training stops after that many epochs without a "
                                "better validation nDCG@10), and fit was given none, so it "
                                "would be ignored; pass fit(..., validation=(frame, labels)) "
                                "or leave patience out")
        # AdamW's decoupled decay multiplies every weight by 1 - learning_rate x
        # weight_decay each step: at 1 or more the weights were thrown away or flipped and
        # grown, the fit ended without a word and score blamed the features for the
        # infinite outputs ("give features on the scale of the training ones")
        refuse_overshooting_decay(self, "learning_rate", "weight_decay",
                                  "every weight of the network (AdamW's decoupled decay)")
        torch = self._require_torch()
        seed_everything(self.seed)
        device = resolve_device(self.device, self.name)
        numeric = frame.numeric.astype(np.float64)
        self.means_ = training_means(numeric).astype(np.float32)  # all-NaN columns: 0
        self.numeric_range_ = training_ranges(numeric)  # score clips to its band
        filled = np.where(np.isnan(numeric), self.means_, numeric)
        scales = filled.std(axis=0)
        # a column without variation in training (one value, or missing on every row) fed
        # the network 0 on every row, so its first-layer weights never left their random
        # start; scored with other values (a feature the training join lost), they moved
        # every score by chance. Its scale is infinite: it stays 0, as in training, and the
        # ranker ignores it, as the logistic ranker (a zero weight) and LightGBM (no split)
        self.scales_ = np.where(scales > 0, scales, np.inf).astype(np.float32)
        self.cardinalities_ = [int(f.cardinality or 0) for f in frame.schema.categorical]
        first = labels if labels.ndim == 1 else labels[:, 0]
        if self.loss == "lambdarank" and first.max() > MAX_LAMBDARANK_GRADE:
            # its gain 2^grade - 1 passes float32 from grade 128: the loss was NaN and the
            # error blamed the learning rate
            row = int(np.argmax(first))
            raise RecstackError(f"{self.name}: loss 'lambdarank' weighs a row by 2^grade - 1, "
                                f"so grades must be at most {MAX_LAMBDARANK_GRADE} (as for "
                                f"LightGBM's lambdarank); row {row} has {first[row]:g}: "
                                "rescale the grades")
        targets = self._prepare_labels(labels)

        self._check_network_size(torch)
        with deterministic_torch(device):
            torch.manual_seed(self.seed)
            module = self._network(torch, len(self.means_), self.cardinalities_).to(device)
            optimizer = torch.optim.AdamW(module.parameters(), lr=float(self.learning_rate),
                                          weight_decay=float(self.weight_decay))
            x_num = torch.as_tensor(self._standardise(frame.numeric), device=device)
            x_cat = torch.as_tensor(frame.categorical.astype(np.int64), device=device)
            y = torch.as_tensor(targets, device=device)
            w = torch.as_tensor(self._row_weights(weights, len(frame)), device=device)
            starts = group_starts(frame.groups)
            sizes = np.diff(np.r_[starts, len(frame)])
            starts_t = torch.as_tensor(starts, device=device)
            sizes_t = torch.as_tensor(sizes, device=device)
            n_groups, n_rows = len(starts), len(frame)

            def batches(epoch: int, generator: Any) -> Any:
                order = torch.randperm(n_groups, generator=generator).to(device)
                for begin in range(0, n_groups, self.batch_groups):
                    chosen = order[begin:begin + self.batch_groups]
                    width = int(sizes_t[chosen].max())
                    offsets = torch.arange(width, device=device)
                    mask = offsets[None, :] < sizes_t[chosen, None]
                    rows = (starts_t[chosen, None] + offsets[None, :]).clamp_max(n_rows - 1)
                    yield rows, mask

            def loss(module: Any, batch: Any) -> Any:
                rows, mask = batch
                flat = rows.reshape(-1)
                output = module(x_num[flat], x_cat[flat])
                logits = (output[0] if isinstance(output, tuple) else output).reshape(rows.shape)
                row_labels, row_weights = y[rows], w[rows]
                value = ranking_loss(self.loss, logits, row_labels[..., 0], mask, row_weights,
                                     focal_gamma=float(self.focal_gamma),
                                     focal_alpha=None if self.focal_alpha is None
                                     else float(self.focal_alpha),
                                     margin=float(self.margin))
                extra = self._extra_loss(torch, output, row_labels, mask, row_weights)
                return value if extra is None else value + extra

            def validate() -> float:
                assert validation is not None
                self.module_ = module
                frame_v, labels_v = validation
                first = labels_v if labels_v.ndim == 1 else labels_v[:, 0]
                return _grouped_ndcg(self._forward(frame_v, device).astype(np.float64),
                                     first, frame_v.groups)

            # named, with the setting to change: a NaN loss stopped the fit as "training
            # diverged in epoch 1 ...; lower the learning rate", naming neither the ranker
            # nor its learning_rate, and a finite loss past any learning scale ran on
            trainer = TorchTrainer(epochs=self.epochs, seed=self.seed, patience=self.patience,
                                   model=self.name,
                                   max_loss=self._max_loss(int(sizes.max()),
                                                           None if weights is None
                                                           else float(weights.max())),
                                   # a run that ends far above its first epoch's loss has
                                   # diverged even below max_loss (the scores ran off
                                   # without a word); every loss here is a log-likelihood
                                   # or a margin, lowered by a training that learns
                                   max_loss_growth=MAX_LOSS_GROWTH,
                                   diverged_hint=self._diverged_hint())
            self.history_ = trainer.fit(module, optimizer, batches, loss,
                                        validate=validate if validation is not None else None,
                                        description=f"Training {self.name}",
                                        progress=progress)
        self.module_ = module.to("cpu").eval()
        for tensor in self.module_.state_dict().values():
            if tensor.is_floating_point() and not bool(torch.isfinite(tensor).all()):
                del self.module_
                raise TrainingFailedError(
                    f"{self.name}: training diverged (weights hold NaN or infinite values) with "
                    f"learning_rate={self.learning_rate}; lower the learning rate")

    def _row_weights(self, weights: np.ndarray | None, n_rows: int) -> np.ndarray:
        """The row weights as the network trains on them (float32). The losses normalised
        by the weights (all but the pairwise and lambdarank ones) take them divided by
        their mean, in float64 first: the loss is the same, and a batch of weights 1e-40
        no longer sums below float32's range, where the gradient 1/total was infinite
        (the fit was refused as diverged); weights near float32's largest number no longer
        sum to inf. The pairwise losses sum the weights and keep them as given."""
        if weights is None:
            return np.ones(n_rows, np.float32)
        if self.loss in (*PAIRWISE, "lambdarank"):
            return weights.astype(np.float32)
        positive = weights[weights > 0]
        scale = float(positive.astype(np.float64).mean()) if len(positive) else 1.0
        return (weights.astype(np.float64) / scale).astype(np.float32)

    def _max_loss(self, largest_group: int, heaviest: float | None) -> float:
        """The largest mean training loss an epoch of a training that learns ends with:
        :data:`~recstack.models.torch_training.MAX_LIKELIHOOD_LOSS` (scores 10,000 apart in
        the wrong order), times what scales a loss beyond the log loss of one row: the
        hinge's margin, the pairs of a group that lambdarank sums (up to a quarter of the
        largest group's rows squared), the heaviest row weight for the pairwise and
        lambdarank losses (they are not normalised by the weights, as bce's and softmax's
        are) and, for the multitask ranker, the rating head's weight."""
        scale = 1.0
        if self.loss == "hinge":
            scale = max(scale, float(self.margin))
        if self.loss == "lambdarank":
            scale = max(scale, largest_group * largest_group / 4.0)
        if self.loss in (*PAIRWISE, "lambdarank") and heaviest is not None:
            scale *= max(1.0, heaviest)
        return MAX_LIKELIHOOD_LOSS * (scale + self._extra_loss_scale())

    def _extra_loss_scale(self) -> float:
        """How much :meth:`_extra_loss` may add to the loss, in units of the main one."""
        return 0.0

    def _diverged_hint(self) -> str:
        default = self.params["learning_rate"].default
        return (f"lower the learning rate (learning_rate={self.learning_rate}; default "
                f"{default})")

    def _standardise(self, numeric: np.ndarray) -> np.ndarray:
        values = np.where(np.isnan(numeric), self.means_, numeric)
        return ((values - self.means_) / self.scales_).astype(np.float32)

    # ------------------------------------------------------------------ score
    def _forward(self, frame: FeatureFrame, device: Any = "cpu", head: int = 0) -> np.ndarray:
        """The network's output ``head`` for every row, in batches of rows."""
        torch = self._require_torch()
        module = self.module_
        was_training = module.training
        module.eval()
        out = np.empty(len(frame), np.float32)
        numeric = self._standardise(frame.numeric)
        with torch.no_grad():
            for begin in range(0, len(frame), _SCORE_BATCH_ROWS):
                end = begin + _SCORE_BATCH_ROWS
                output = module(torch.as_tensor(numeric[begin:end], device=device),
                                torch.as_tensor(frame.categorical[begin:end].astype(np.int64),
                                                device=device))
                if isinstance(output, tuple):
                    output = output[head]
                out[begin:end] = output.float().cpu().numpy()
        module.train(was_training)
        return out

    def _score(self, frame: FeatureFrame) -> np.ndarray:
        return self._forward(frame)

    # ------------------------------------------------------------------ files
    def _save_files(self, folder: Path) -> dict[str, Any]:
        from safetensors.torch import save_file

        torch = self._require_torch()
        tensors = {f"network.{k}": v.detach().contiguous().cpu()
                   for k, v in self.module_.state_dict().items()}
        tensors["inputs.means"] = torch.as_tensor(self.means_)
        tensors["inputs.scales"] = torch.as_tensor(self.scales_)
        tensors["inputs.ranges"] = torch.as_tensor(np.stack(self.numeric_range_))
        tensors.update(self._extra_tensors(torch))
        save_file(tensors, str(folder / WEIGHTS_FILE),
                  metadata={"features": json.dumps(model_feature_names(self.schema_))})
        return {"cardinalities": self.cardinalities_}

    def _extra_tensors(self, torch: Any) -> dict[str, Any]:
        return {}

    def _load_extra_tensors(self, tensors: dict[str, Any], file: Path) -> None:
        """Restore what :meth:`_extra_tensors` saved (``file``: where, for messages)."""

    def _load_files(self, folder: Path, state: dict[str, Any]) -> None:
        # torch first: safetensors.torch imports it, and without it the load was refused as
        # a damaged model file ("ModuleNotFoundError: No module named 'torch'")
        torch = self._require_torch()
        try:
            from safetensors import safe_open
            from safetensors.torch import load_file
        except ImportError:
            raise RecstackError(f"{self.name}: reading a saved PyTorch ranker needs "
                                'safetensors: pip install "recstack[torch]"') from None
        tensors = load_file(str(folder / WEIGHTS_FILE))
        with safe_open(str(folder / WEIGHTS_FILE), "pt") as handle:
            recorded = (handle.metadata() or {}).get("features")
        # written since the names were recorded (an older file has none to check)
        check_model_features(None if recorded is None else json.loads(recorded),
                             model_feature_names(self.schema_), folder / WEIGHTS_FILE)
        self.means_ = tensors["inputs.means"].numpy()
        self.scales_ = tensors["inputs.scales"].numpy()
        self.cardinalities_ = [int(c) for c in state["cardinalities"]]
        if len(self.cardinalities_) == len(self.schema_.categorical):
            # naming the feature and both cardinalities (a count that differs: below)
            check_model_cardinalities(self.cardinalities_, self.schema_,
                                      folder / WEIGHTS_FILE)
        if (len(self.means_) != len(self.schema_.numeric) or self.cardinalities_
                != [f.cardinality for f in self.schema_.categorical]):
            raise RecstackError(f"{folder / WEIGHTS_FILE}: the network was not fitted on "
                                "the feature schema of ranker.json")
        check_input_scaling(self.means_, self.scales_, self.schema_, folder / WEIGHTS_FILE)
        self.__dict__.pop("numeric_range_", None)
        if "inputs.ranges" in tensors:  # saved since it is checked (an older file: unchecked)
            ranges = tensors["inputs.ranges"].numpy()
            lows, highs = (ranges[0], ranges[1]) if len(ranges) == 2 else (ranges, ranges)
            check_saved_ranges(lows, highs, self.schema_, folder / WEIGHTS_FILE)
            self.numeric_range_ = (lows.astype(np.float64), highs.astype(np.float64))
        module = self._network(torch, len(self.means_), self.cardinalities_)
        network = {k[len("network."):]: v for k, v in tensors.items()
                   if k.startswith("network.")}
        try:
            module.load_state_dict(network)
        except RuntimeError as error:
            raise RecstackError(f"{folder / WEIGHTS_FILE}: the weights do not fit this "
                                f"network: {str(error).splitlines()[0]}") from None
        self._load_extra_tensors(tensors, folder / WEIGHTS_FILE)
        self.module_ = module.eval()


def mlp(torch: Any, n_in: int, widths: Any, dropout: float) -> tuple[Any, int]:
    """Linear + ReLU (+ dropout) layers of the given widths; returns it and its output
    width."""
    nn = torch.nn
    layers: list[Any] = []
    for width in widths:
        layers += [nn.Linear(n_in, int(width)), nn.ReLU()]
        if dropout:
            layers.append(nn.Dropout(float(dropout)))
        n_in = int(width)
    return nn.Sequential(*layers), n_in


def embeddings(torch: Any, cardinalities: list[int], dim: int) -> Any:
    """One table per categorical feature (row 0: the unknown level)."""
    return torch.nn.ModuleList(torch.nn.Embedding(c, dim) for c in cardinalities)


def first_layer_input(torch: Any, tables: Any, numeric: Any, categorical: Any) -> Any:
    """``x0``: standardised numerics then each categorical's embedding."""
    parts = [numeric] + [table(categorical[:, j]) for j, table in enumerate(tables)]
    return torch.cat(parts, dim=1)
