"""``Service.reload`` from Python took its ``version`` and ``variant`` as given: the text
"2" was said not to exist beside "(versions: [1, 2])", ``True`` and ``2.0`` made a failed
reload (``/health`` degraded) that recorded version ``True``, equal to 1, as the version
that failed, so the poller never loaded version 1 again, and ``variant=5`` failed with an
AttributeError. A version is a registry version number (``check_version``), a variant a
name as text (UTF-8 bytes read as text, by the one rule of the service's Python API)."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.serving.service import RequestLimitError  # noqa: E402
from tests.serving.service_helpers import client, publish, settings  # noqa: E402


@pytest.fixture
def http(tmp_path, als, train):
    registry = publish(tmp_path / "registry", als, train)
    registry.publish("als", als, data=train)
    with client(settings(registry)) as session:
        yield session


@pytest.mark.parametrize("version", ["2", True, 2.0, 0, -1, 10**9])
def test_a_version_that_is_no_version_number_is_the_callers_mistake(http, version):
    service = http.app.state.service
    with pytest.raises(RequestLimitError) as caught:
        service.reload(version=version)
    # in the words of POST /admin/reload's refusal of its version (round 52 N: it was the
    # registry's "version must be a whole number from 1 to 99999999, got True")
    given = {"2": "str '2'", True: "bool True",
             2.0: "float 2.0; write 2, without a decimal point or exponent",
             0: "the number 0", -1: "the number -1", 10**9: "the number 1000000000"}
    assert str(caught.value) == ("version: Input should be a whole number from 1 to "
                                 f"99999999, not {given[version]}")
    health = http.get("/health").json()
    assert health["status"] == "ok" and health["last_reload_error"] is None
    assert [v["model"] for v in health["variants"]] == ["als@2"]


def test_a_version_as_a_numpy_integer_is_that_version(http):
    assert http.app.state.service.reload(version=np.int64(1)) == ["als@1"]


def test_the_poller_still_follows_version_one_after_a_mistaken_true(http):
    service = http.app.state.service
    with pytest.raises(RequestLimitError):
        service.reload(version=True)
    service.registry.set_current("als", 1)
    assert service.poll() is True
    assert [v["model"] for v in http.get("/health").json()["variants"]] == ["als@1"]


def test_a_variant_is_a_name_as_text(http):
    service = http.app.state.service
    assert service.reload(variant=b"default") == ["als@2"]
    with pytest.raises(RequestLimitError, match=r"variant: the name must be text \(a str\), "
                                                "got int 5"):
        service.reload(variant=5)
