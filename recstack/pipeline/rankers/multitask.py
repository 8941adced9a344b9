r"""Multitask ranker: two tasks, interaction and rating, over a shared bottom or a
multi-gate mixture of experts (``architecture``).

``"shared_bottom"`` (the default; Caruana 1997, "Multitask Learning"; the shared-bottom
baseline of Ma et al. 2018, "Modeling Task Relationships in Multi-task Learning with
Multi-gate Mixture-of-Experts", KDD, eq. 1): both tasks read one bottom MLP :math:`f` of
widths ``hidden``, :math:`y_k = h^k(f(x))`.

``"mmoe"`` (Ma et al. 2018, eq. 5-6): ``experts`` expert MLPs :math:`f_1 \dots f_n`, each
of the bottom's widths ``hidden``, and one softmax gate per task, a linear map without a
bias:

.. math:: g^k(x) = \mathrm{softmax}(W_{gk} x), \qquad
          f^k(x) = \sum_{i=1}^{n} g^k(x)_i f_i(x), \qquad y_k = h^k(f^k(x))

In both, :math:`x` is the standardised numerics and the categorical embeddings (see
:mod:`recstack.pipeline.rankers.neural`) and each tower :math:`h^k` is one linear layer.
``experts`` is read only with ``architecture = "mmoe"`` (refused at fit otherwise, as every
setting that another setting switches off), and MMoE needs ``hidden`` layers (without them
every expert is the identity and the mixture is :math:`x` itself). Not offered: PLE
(task-specific experts), towers of more than one layer.

Labels have two columns, ``labels[:, 0]`` the interaction label (0/1 or a grade: what the
ranking loss, ``loss``, is computed on and what :meth:`score` ranks by) and
``labels[:, 1]`` the rating, NaN where the row has none (e.g. a candidate the user never
rated). A pandas DataFrame of labels is read by its column names, ``interaction`` and
``rating`` (any other name is refused); unnamed columns and arrays by position. The rating
head is trained by the mean squared error over the rows that have a rating, on ratings
standardised with their training mean and deviation:

.. math:: L = L_{rank}(s, y)
          + \lambda \frac{\sum_{i \in R} w_i (r_i - \hat r_i)^2}{\sum_{i \in R} w_i}

with :math:`\lambda` = ``rating_weight``. :meth:`predict_ratings` gives the rating head's
predictions on the original scale.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from recstack.errors import ConfigError, RecstackError
from recstack.metrics._scale import working_unit
from recstack.models.base import Param
from recstack.pipeline.rankers.losses import weighted_mean
from recstack.pipeline.rankers.neural import (
    TORCH_PARAMS,
    TorchRanker,
    embeddings,
    first_layer_input,
    mlp,
)
from recstack.pipeline.rankers.registry import register
from recstack.pipeline.schema import FeatureFrame
from recstack.pipeline.settings import ReadOnlyWith

#: how the two tasks share the network: one bottom, or experts mixed by per-task gates
ARCHITECTURES = ("shared_bottom", "mmoe")

#: the most experts of an MMoE network (each a whole MLP of the widths ``hidden``)
MAX_EXPERTS = 64


@register
class MultitaskRanker(TorchRanker):
    """Shared bottom or MMoE + interaction head (ranked by) + rating head; labels (n, 2)."""

    name = "multitask"
    label_columns = 2
    #: a DataFrame of labels is read by these column names (an array: in this order)
    label_names = ("interaction", "rating")
    params = {
        **TORCH_PARAMS,
        "rating_weight": Param((int, float), low=0, default=1.0,
                               doc="lambda: weight of the rating loss."),
        "architecture": Param(str, choices=ARCHITECTURES, default="shared_bottom",
                              doc="'shared_bottom': one bottom MLP; 'mmoe': experts mixed by "
                                  "a softmax gate per task (Ma et al. 2018)."),
        "experts": Param(int, low=1, high=MAX_EXPERTS, default=4,
                         doc=f"MMoE's expert MLPs (architecture 'mmoe' only), at most "
                             f"{MAX_EXPERTS}."),
    }
    read_only_with: ClassVar[ReadOnlyWith] = {
        **TorchRanker.read_only_with,
        "experts": ("architecture", ("mmoe",)),
    }

    def validate_params(self) -> None:
        """The declared checks, then MMoE's need of hidden layers for its experts."""
        super().validate_params()
        if self.architecture == "mmoe" and not len(self.hidden):
            # every expert the identity: each gate mixes n copies of x into x itself, and the
            # gates and experts would be trained for nothing
            raise ConfigError(f"{self.name}: architecture = 'mmoe' makes each expert an MLP "
                              f"of the widths hidden, and hidden = {self.hidden!r} has no "
                              "layer, so every expert would be the identity and the gates "
                              "would mix copies of the input; give hidden widths (e.g. "
                              "hidden=[64, 32]) or use architecture = 'shared_bottom'")

    def _prepare_labels(self, labels: np.ndarray) -> np.ndarray:
        ratings = labels[:, 1]
        rated = ~np.isnan(ratings)
        if not rated.any():
            if float(self.rating_weight) == 0:
                # the rating head is off (its loss weighed by 0; predict_ratings refuses
                # such a ranker): rows without ratings are all it needs
                self.rating_mean_, self.rating_scale_ = 0.0, 1.0
                return np.column_stack([labels[:, 0], ratings]).astype(np.float32)
            raise RecstackError(f"{self.name}.fit: labels[:, 1] (ratings) are all NaN; the "
                                "rating head needs some rated rows (or set rating_weight=0 "
                                "to train the interaction head alone)")
        # any finite rating is taken: the rating head learns the standardised ratings (a few
        # units either side of 0, float32 holds them), and predict_ratings scales its output
        # back in float64 (a prediction past float64 is refused there, by row). Ratings
        # above float32's 3.4e38 were refused when the predictions were float32.
        # In units of the largest rating where their squares (or their sum) leave float64:
        # ratings near 1e-200 had deviation 0, were left unscaled (float32 zeros to the
        # rating head), and predict_ratings gave numbers unrelated to them (-0.15 for
        # ratings of 3e-200); ratings near 1e307 summed to infinity
        unit = working_unit(ratings[rated])
        scaled = ratings / unit
        mean = float(scaled[rated].mean())
        spread = float(scaled[rated].std())
        self.rating_mean_ = mean * unit
        deviation = spread * unit
        if deviation > 0:
            self.rating_scale_ = deviation
            standard = (scaled - mean) / spread
        else:
            self.rating_scale_ = 1.0
            standard = ratings - self.rating_mean_
        return np.column_stack([labels[:, 0], standard]).astype(np.float32)

    def _extra_loss_scale(self) -> float:
        # the rating head's squared error of standardised ratings, weighed by rating_weight
        return float(self.rating_weight)

    def _extra_loss(self, torch: Any, output: Any, labels: Any, mask: Any, weights: Any
                    ) -> Any:
        ratings = labels[..., 1]
        rated = mask & ~torch.isnan(ratings)
        predicted = output[1].reshape(ratings.shape)
        errors = (predicted - torch.nan_to_num(ratings)) ** 2
        return float(self.rating_weight) * weighted_mean(errors, rated, weights)

    def _network(self, torch: Any, n_numeric: int, cardinalities: list[int]) -> Any:
        nn = torch.nn
        module: Any = nn.Module  # a variable: torch is imported at run time only
        dim, hidden, dropout = self.embedding_dim, self.hidden, self.dropout
        width_in = n_numeric + dim * len(cardinalities)
        n_experts = self.experts

        class SharedBottom(module):
            def __init__(self) -> None:
                super().__init__()
                self.tables = embeddings(torch, cardinalities, dim)
                self.bottom, width = mlp(torch, width_in, hidden, dropout)
                self.interaction = nn.Linear(width, 1)
                self.rating = nn.Linear(width, 1)

            def forward(self, numeric: Any, categorical: Any) -> Any:
                shared = self.bottom(first_layer_input(torch, self.tables, numeric,
                                                       categorical))
                return self.interaction(shared)[:, 0], self.rating(shared)[:, 0]

        class MMoE(module):
            """Eq. 5-6 of Ma et al. 2018: the towers read the gates' mixtures of experts."""

            def __init__(self) -> None:
                super().__init__()
                self.tables = embeddings(torch, cardinalities, dim)
                experts, width = [], width_in
                for _ in range(n_experts):
                    expert, width = mlp(torch, width_in, hidden, dropout)
                    experts.append(expert)
                self.experts = nn.ModuleList(experts)
                # W_gk of eq. 6, one per task (interaction, rating), without a bias
                self.gates = nn.ModuleList(nn.Linear(width_in, n_experts, bias=False)
                                           for _ in range(2))
                self.interaction = nn.Linear(width, 1)
                self.rating = nn.Linear(width, 1)

            def forward(self, numeric: Any, categorical: Any) -> Any:
                x = first_layer_input(torch, self.tables, numeric, categorical)
                outputs = torch.stack([expert(x) for expert in self.experts], dim=1)
                towers = []
                for gate, tower in zip(self.gates, (self.interaction, self.rating),
                                       strict=True):
                    weights = torch.softmax(gate(x), dim=1)  # g^k(x): (rows, experts)
                    mixed = (weights[:, :, None] * outputs).sum(dim=1)  # f^k(x)
                    towers.append(tower(mixed)[:, 0])
                return towers[0], towers[1]

        return MMoE() if self.architecture == "mmoe" else SharedBottom()

    def predict_ratings(self, frame: FeatureFrame) -> np.ndarray:
        """The rating head's predictions (original scale), one per row. Refused for a
        ranker fitted with ``rating_weight = 0``, whose rating head learned nothing."""
        fitted = getattr(self, "fitted_params_", None) or {}
        if self.is_fitted and fitted.get("rating_weight") == 0:
            # the loss weighed the ratings by 0: the head kept its random initial weights,
            # and its "predictions" came back as ratings near the training mean, silently
            raise RecstackError(f"{self.name}.predict_ratings: the ranker was fitted with "
                                "rating_weight = 0, so its rating head learned nothing "
                                "(its loss weighed the ratings by 0); fit with rating_weight "
                                "> 0 to predict ratings")
        # the checks of score (a DataFrame was an AttributeError, the serving position
        # was not applied, a changed hyperparameter ignored)
        # float64, as the ratings were given: float32 turned ratings below 1e-38 into 0
        return self._output(frame, "predict_ratings", lambda checked: (
            self._forward(checked, head=1).astype(np.float64) * self.rating_scale_
            + self.rating_mean_), np.float64)

    def _extra_tensors(self, torch: Any) -> dict[str, Any]:
        return {"ratings.mean_scale": torch.tensor([self.rating_mean_, self.rating_scale_],
                                                   dtype=torch.float64)}

    def _load_extra_tensors(self, tensors: dict[str, Any], file: Path) -> None:
        self.rating_mean_, self.rating_scale_ = map(float, tensors["ratings.mean_scale"])
        # fit saves the ratings' mean and standard deviation (1 when they do not vary): a
        # file edited to a scale of 0 predicted the mean for every row, a negative one
        # turned the predictions around, and a NaN was told at predict time as features
        # on another scale
        if not (math.isfinite(self.rating_mean_) and math.isfinite(self.rating_scale_)
                and self.rating_scale_ > 0):
            raise RecstackError(f"{file}: the ratings' mean and scale are "
                                f"{self.rating_mean_!r} and {self.rating_scale_!r}, where the "
                                "ranker saved a finite mean and a scale above 0; the file "
                                "was edited or is damaged: save the ranker again")
