"""Serving foundations: the model registry, the embedding store and the item index the
HTTP service builds on (each importable on its own; heavy dependencies are imported when
used)."""

#: the most worker processes ``recstack serve`` starts (each loads every served model)
MAX_WORKERS = 256
