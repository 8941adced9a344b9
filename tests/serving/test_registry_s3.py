"""The model registry on S3: the same lifecycle as on a folder, against a real S3 server
(moto's server mode, started on a free port by the test)."""

from __future__ import annotations

import socket

import numpy as np
import pytest

from recstack.serving.registry import ModelRegistry
from tests.serving.registry_scenario import run_lifecycle

moto_server = pytest.importorskip("moto.server", reason="the S3 test needs moto's server "
                                  "mode: pip install 'moto[server]' s3fs")
s3fs = pytest.importorskip("s3fs", reason="the S3 test needs s3fs: pip install s3fs")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_options():
    port = _free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    options = {"endpoint_url": f"http://127.0.0.1:{port}", "key": "testing",
               "secret": "testing", "client_kwargs": {"region_name": "us-east-1"},
               # a fresh client: fsspec would otherwise reuse one across servers
               "skip_instance_cache": True}
    import boto3

    boto3.client("s3", endpoint_url=options["endpoint_url"], aws_access_key_id="testing",
                 aws_secret_access_key="testing", region_name="us-east-1"
                 ).create_bucket(Bucket="models")
    filesystem = s3fs.S3FileSystem(**options)
    try:
        yield options, filesystem
    finally:
        server.stop()


def test_lifecycle_on_s3(s3_options, als, train, tmp_path):
    options, filesystem = s3_options
    registry = ModelRegistry("s3://models/team", storage_options=options,
                             cache_dir=tmp_path / "cache")
    assert registry.is_remote

    def write(key: str, data: bytes) -> None:
        filesystem.pipe_file(f"models/team/{key}", data)
        registry._fs.invalidate_cache()

    def read(key: str) -> bytes:
        return filesystem.cat_file(f"models/team/{key}")

    run_lifecycle(registry, als, train, write=write, read=read)
    # a second reader (another process, say) sees the same registry
    other = ModelRegistry("s3://models/team", storage_options=options,
                          cache_dir=tmp_path / "other")
    assert other.current("als") == 2 and other.versions("als") == [2, 5, 6]
    assert other.load("als").model.get_params() == als.get_params()
    # without a cache folder the download is removed once the version is in memory
    loaded = ModelRegistry("s3://models/team", storage_options=options).load("als@5")
    assert loaded.path is None and loaded.version == 5
    users = als.users_.external_ids[:3]
    np.testing.assert_array_equal(loaded.model.recommend(users, 3)[0],
                                  als.recommend(users, 3)[0])
