"""recstack: from raw interaction logs to evaluated, served recommendations."""

__version__ = "0.1.0"
