r"""Deep & Cross Network v2 (Wang et al. 2021, "DCN V2: Improved Deep & Cross Network and
Practical Lessons for Web-scale Learning to Rank Systems", eq. 1 and 2, Fig. 2).

Each cross layer keeps the input :math:`x_0` and multiplies it, element by element, by a
linear map of the previous layer, with a residual (eq. 1):

.. math:: x_{l+1} = x_0 \odot (W_l x_l + b_l) + x_l

so layer :math:`l` holds feature interactions up to degree :math:`l + 1`. ``cross_layers``
of them form the cross network. :math:`x_0` is the standardised numerics and the
categorical embeddings (see :mod:`recstack.pipeline.rankers.neural`), :math:`d` wide.

``low_rank``: None (the default) gives each :math:`W_l` as a full :math:`d \times d`
matrix; an integer :math:`r` (below :math:`d`) gives :math:`W_l = U_l V_l^\top` with
:math:`U_l, V_l` of shape :math:`d \times r` (eq. 2 without the mixture of experts):

.. math:: x_{l+1} = x_0 \odot (U_l (V_l^\top x_l) + b_l) + x_l

``structure`` (Fig. 2): ``"stacked"`` (the default) feeds the last cross layer's output
:math:`x_L` to the deep network, an MLP of widths ``hidden`` (:math:`h`), then a linear
output, :math:`\hat y = w^\top h(x_L) + b`; ``"parallel"`` lets the cross network and the
deep network both read :math:`x_0` and concatenates their outputs before the linear output,
:math:`\hat y = w^\top [x_L; h(x_0)] + b`. ``hidden=()`` leaves the cross network alone in
either structure (:math:`\hat y = w^\top x_L + b`). Layers start at PyTorch's default
initialisation; the low-rank :math:`V_l` has no bias (the layer's bias is :math:`b_l`).

Not offered: the mixture of low-rank experts (DCN-Mix, eq. 3) and DCN v1 (Wang et al. 2017,
:math:`x_{l+1} = x_0 x_l^\top w_l + b_l + x_l`, a weight vector per layer).
"""

from __future__ import annotations

from typing import Any

from recstack.errors import ConfigError
from recstack.models.base import MAX_FACTORS, Param
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

#: how the cross and the deep network are combined (Fig. 2 of the paper)
STRUCTURES = ("stacked", "parallel")


@register
class DCNv2Ranker(TorchRanker):
    """Deep & Cross v2: cross layers (full or low rank) and an MLP, stacked or parallel."""

    name = "dcn_v2"
    params = {
        **TORCH_PARAMS,
        # eq. 1 makes layer l a polynomial of degree l + 1 in the input: the paper stacks 1
        # to 4; 10,000 trained for minutes, then diverged, and 100,000 never finished
        "cross_layers": Param(int, low=1, high=MAX_CROSS_LAYERS, default=2,
                              doc="Cross layers (eq. 1) stacked, at most "
                                  f"{MAX_CROSS_LAYERS}."),
        "structure": Param(str, choices=STRUCTURES, default="stacked",
                           doc="'stacked': the MLP reads the cross network's output; "
                               "'parallel': both read x0, their outputs concatenated "
                               "(Fig. 2)."),
        "low_rank": Param(int, low=1, high=MAX_FACTORS, optional=True, default=None,
                          doc="None: full-rank W_l; r: W_l = U_l V_l^T of rank r (eq. 2), "
                              "below the input width."),
    }

    def _network(self, torch: Any, n_numeric: int, cardinalities: list[int]) -> Any:
        nn = torch.nn
        module: Any = nn.Module  # a variable: torch is imported at run time only
        dim, hidden, dropout = self.embedding_dim, self.hidden, self.dropout
        width_in = n_numeric + dim * len(cardinalities)
        n_cross, rank = self.cross_layers, self.low_rank
        # parallel: [x_L; h(x0)]; hidden=() has no deep network: x_L alone, as stacked
        side_by_side = self.structure == "parallel" and len(hidden) > 0
        if rank is not None and rank >= width_in:
            # U V^T of rank d or more is no lower than the full d x d matrix, with more
            # weights: the setting would add weights and save nothing
            raise ConfigError(
                f"{self.name}: low_rank = {rank!r} must be below the cross layers' input "
                f"width d = {width_in:,} ({n_numeric:,} numeric feature(s) + "
                f"{len(cardinalities):,} categorical feature(s) x embedding_dim {dim:,}): "
                f"W = U V^T of rank {rank:,} is no lower than the full {width_in:,} x "
                f"{width_in:,} matrix; give low_rank at most {width_in - 1:,}, or None for "
                "the full-rank layer")

        class LowRank(module):
            """``U (V^T x) + b``: V without a bias, U with the layer's bias."""

            def __init__(self) -> None:
                super().__init__()
                self.v = nn.Linear(width_in, rank, bias=False)
                self.u = nn.Linear(rank, width_in)

            def forward(self, x: Any) -> Any:
                return self.u(self.v(x))

        class DCNv2(module):
            def __init__(self) -> None:
                super().__init__()
                self.tables = embeddings(torch, cardinalities, dim)
                self.cross = nn.ModuleList(
                    nn.Linear(width_in, width_in) if rank is None else LowRank()
                    for _ in range(n_cross))
                self.deep, width = mlp(torch, width_in, hidden, dropout)
                self.output = nn.Linear(width_in + width if side_by_side else width, 1)

            def forward(self, numeric: Any, categorical: Any) -> Any:
                x0 = first_layer_input(torch, self.tables, numeric, categorical)
                x = x0
                for layer in self.cross:
                    x = x0 * layer(x) + x
                if side_by_side:
                    return self.output(torch.cat([x, self.deep(x0)], dim=1))[:, 0]
                return self.output(self.deep(x))[:, 0]

        return DCNv2()
