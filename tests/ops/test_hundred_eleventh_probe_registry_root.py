"""Hundred-eleventh bad-input probe: a pipeline's ``[registry] root`` written as a URL
without its ``//`` (``s3:/bucket/models``) was read as a local folder named ``s3:`` beside
the pipeline file, and every run published there without a word."""

from __future__ import annotations

import pytest

from recstack.errors import ConfigError
from recstack.ops.pipeline_config import load_pipeline
from tests.ops.scenario import write_pipeline


def test_a_registry_root_url_without_its_slashes_is_refused(tmp_path):
    path = write_pipeline(tmp_path)
    path.write_text(path.read_text().replace('root = "registry"', 'root = "s3:/bucket/m"'))
    with pytest.raises(ConfigError) as refused:
        load_pipeline(path)
    assert str(refused.value) == (
        f"{path}: [registry] root = \"s3:/bucket/m\": starts like a URL (s3:) but has no '//' "
        "after the colon, so it would be a local folder named 's3:'; write s3://bucket/m "
        "for the s3 location, or ./s3:/bucket/m for a local folder")


def test_a_local_root_is_still_taken(tmp_path):
    path = write_pipeline(tmp_path)
    assert load_pipeline(path).registry.root == "registry"
