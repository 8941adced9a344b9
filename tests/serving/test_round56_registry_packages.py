"""A remote registry whose file system's package is missing is told to install that package:
a gs:// registry was told "for S3: pip install recstack[s3]", which installs s3fs."""

from __future__ import annotations

import importlib.util

import pytest

pytest.importorskip("fsspec", reason="fsspec is not installed (pip install recstack[serving])")

from recstack.errors import RecstackError  # noqa: E402
from recstack.serving.registry import ModelRegistry  # noqa: E402


@pytest.mark.skipif(importlib.util.find_spec("gcsfs") is not None,
                    reason="gcsfs is installed: a gs:// registry needs no other package")
def test_a_gcs_registry_without_gcsfs_is_not_sent_to_the_s3_extra():
    with pytest.raises(RecstackError) as caught:
        ModelRegistry("gs://a-bucket/models")
    said = str(caught.value)
    assert said.startswith("registry gs://a-bucket/models: this location needs a package")
    assert "gcsfs" in said and "recstack[s3]" not in said, said
