r"""Wide & Deep (Cheng et al. 2016, "Wide & Deep Learning for Recommender Systems", eq. 3).

.. math:: \hat y = \sigma\big(w_{wide}^\top [x, \phi(x)] + w_{deep}^\top a^{(l_f)} + b\big)

The wide part is linear over the standardised numerics, each categorical code, and the
cross product of every pair of categorical features :math:`\phi_{ab}(x) = (x_a, x_b)`:
one learned weight per pair of codes, the pair's id :math:`x_a \cdot |b| + x_b` taken
modulo ``cross_buckets`` when the pair has more combinations than that (collisions share a
weight). The deep part is an MLP (``hidden``) over ``x0``, the standardised numerics and the
categorical embeddings, :math:`a^{(l_f)}` its last hidden layer. The two logits are summed
into one (the bias :math:`b` is the sum of the wide and the deep output's biases) and
trained jointly, by back-propagating the chosen loss into both parts at once (the paper's
sec. 3.3; see :mod:`recstack.pipeline.rankers.neural` for inputs, batches, training and
files). One optimiser (AdamW, ``learning_rate``, ``weight_decay``) trains both, where the
paper trains the wide part with FTRL and L1 regularisation and the deep part with AdaGrad;
the wide part's weights of codes and crossed pairs start at 0 (a linear model's start),
the other layers at PyTorch's defaults.
With the pointwise log losses the summed logit is the :math:`\hat y` above before
:math:`\sigma` (what :meth:`score` returns).
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

from recstack.models.base import Param
from recstack.pipeline.rankers.neural import (
    TORCH_PARAMS,
    TorchRanker,
    embeddings,
    first_layer_input,
    mlp,
)
from recstack.pipeline.rankers.registry import register


@register
class WideDeepRanker(TorchRanker):
    """Wide & Deep: crossed categorical pairs (wide) + an MLP over embeddings (deep)."""

    name = "wide_deep"
    params = {
        **TORCH_PARAMS,
        "cross_buckets": Param(int, low=1, default=2**16,
                               doc="Most weights per crossed pair (larger crosses hash)."),
    }

    def _network(self, torch: Any, n_numeric: int, cardinalities: list[int]) -> Any:
        nn = torch.nn
        module: Any = nn.Module  # a variable: torch is imported at run time only
        pairs = list(combinations(range(len(cardinalities)), 2))
        buckets = [min(cardinalities[a] * cardinalities[b], self.cross_buckets)
                   for a, b in pairs]
        dim, hidden, dropout = self.embedding_dim, self.hidden, self.dropout

        class WideDeep(module):
            def __init__(self) -> None:
                super().__init__()
                self.wide_numeric = nn.Linear(n_numeric, 1)
                self.wide_codes = embeddings(torch, cardinalities, 1)
                self.wide_crosses = embeddings(torch, buckets, 1)
                for table in [*self.wide_codes, *self.wide_crosses]:
                    nn.init.zeros_(table.weight)  # a linear model starts at zero
                self.tables = embeddings(torch, cardinalities, dim)
                self.deep, width = mlp(torch, n_numeric + dim * len(cardinalities),
                                       hidden, dropout)
                self.deep_output = nn.Linear(width, 1)

            def forward(self, numeric: Any, categorical: Any) -> Any:
                wide = self.wide_numeric(numeric)[:, 0]
                for j, table in enumerate(self.wide_codes):
                    wide = wide + table(categorical[:, j])[:, 0]
                for (a, b), size, table in zip(pairs, buckets, self.wide_crosses, strict=True):
                    cross = (categorical[:, a] * cardinalities[b] + categorical[:, b]) % size
                    wide = wide + table(cross)[:, 0]
                x0 = first_layer_input(torch, self.tables, numeric, categorical)
                return wide + self.deep_output(self.deep(x0))[:, 0]

        return WideDeep()
