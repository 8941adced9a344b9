"""Data operations: quality checks, drift, retraining and the resumable production pipeline.

- :mod:`recstack.ops.quality`: checks on a partition of interactions, with thresholds;
- :mod:`recstack.ops.drift`: PSI, KS, new-id shares, popularity and genre shift between
  two windows;
- :mod:`recstack.ops.retraining`: training windows (expanding, sliding) and warm-start
  factors;
- :mod:`recstack.ops.gate`: the new model against the published one on the newest window;
- :mod:`recstack.ops.pipeline`: ``recstack pipeline run PIPELINE.toml``
  (:mod:`recstack.ops.pipeline_config` is the file's schema, :mod:`recstack.ops.lock` the
  one-run-at-a-time lock, :mod:`recstack.ops.partitions` the partition listing,
  :mod:`recstack.ops.cli` the command line).
"""
