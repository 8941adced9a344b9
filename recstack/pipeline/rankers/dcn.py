r"""Deep & Cross Network v2 (Wang et al. 2021, "DCN V2: Improved Deep & Cross Network and
Practical Lessons for Web-scale Learning to Rank Systems", eq. 1; stacked structure).

Each cross layer keeps the input :math:`x_0` and multiplies it, element by element, by a
full-rank linear map of the previous layer, with a residual:

.. math:: x_{l+1} = x_0 \odot (W_l x_l + b_l) + x_l

so layer :math:`l` holds feature interactions up to degree :math:`l + 1`. ``cross_layers``
of them are stacked, then an MLP (``hidden``, the deep part) and a linear output.
:math:`x_0` is the standardised numerics and the categorical embeddings (see
:mod:`recstack.pipeline.rankers.neural`).
"""

from __future__ import annotations

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

#: the most cross layers: each multiplies by the input once more (degree l + 1 after l)
MAX_CROSS_LAYERS = 64


@register
class DCNv2Ranker(TorchRanker):
    """Deep & Cross v2: stacked cross layers, then an MLP."""

    name = "dcn_v2"
    params = {
        **TORCH_PARAMS,
        # eq. 1 makes layer l a polynomial of degree l + 1 in the input: the paper stacks 1
        # to 4; 10,000 trained for minutes, then diverged, and 100,000 never finished
        "cross_layers": Param(int, low=1, high=MAX_CROSS_LAYERS, default=2,
                              doc="Cross layers (eq. 1) stacked, at most "
                                  f"{MAX_CROSS_LAYERS}."),
    }

    def _network(self, torch: Any, n_numeric: int, cardinalities: list[int]) -> Any:
        nn = torch.nn
        module: Any = nn.Module  # a variable: torch is imported at run time only
        dim, hidden, dropout = self.embedding_dim, self.hidden, self.dropout
        width_in = n_numeric + dim * len(cardinalities)
        n_cross = self.cross_layers

        class DCNv2(module):
            def __init__(self) -> None:
                super().__init__()
                self.tables = embeddings(torch, cardinalities, dim)
                self.cross = nn.ModuleList(nn.Linear(width_in, width_in) for _ in range(n_cross))
                self.deep, width = mlp(torch, width_in, hidden, dropout)
                self.output = nn.Linear(width, 1)

            def forward(self, numeric: Any, categorical: Any) -> Any:
                x0 = first_layer_input(torch, self.tables, numeric, categorical)
                x = x0
                for layer in self.cross:
                    x = x0 * layer(x) + x
                return self.output(self.deep(x))[:, 0]

        return DCNv2()
