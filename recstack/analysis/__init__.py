"""Looking at what models learned and how they compare: embedding analysis (PCA, health,
2-D maps, neighbours) and the self-contained HTML report of an experiment.

Every analysis computes once and returns an object that draws itself later
(scikit-learn's Display pattern); the heavy parts (Plotly, openTSNE, umap-learn) are the
``insight`` extra and are imported only when used.
"""

from recstack.analysis.embeddings import (
    EmbeddingHealth,
    PCAAnalysis,
    embedding_health,
    log_popularity,
    pca_analysis,
)
from recstack.analysis.neighbours import (
    Coherence,
    NeighbourTable,
    cosine_top_k,
    label_matrix,
    nearest_neighbours,
    neighbourhood_coherence,
)
from recstack.analysis.projections import Projection, project

__all__ = [
    "Coherence",
    "EmbeddingHealth",
    "NeighbourTable",
    "PCAAnalysis",
    "Projection",
    "cosine_top_k",
    "embedding_health",
    "label_matrix",
    "log_popularity",
    "nearest_neighbours",
    "neighbourhood_coherence",
    "pca_analysis",
    "project",
    "write_report",
]


def __getattr__(name: str):  # the report pulls in the experiment machinery: load it on use
    if name == "write_report":
        from recstack.analysis.report import write_report

        return write_report
    raise AttributeError(name)
