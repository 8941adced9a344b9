"""Forty-fourth probe, end to end under a real uvicorn (``recstack serve``): a gzip body is
a 415 naming the Content-Encoding (it was a UnicodeDecodeError about byte 0x8b), an id
holding an invisible character is a 422 (it was another, unknown id), and the service
keeps answering after both."""

from __future__ import annotations

import gzip
import json

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")
httpx = pytest.importorskip("httpx")

from tests.serving.service_helpers import publish, start_service, stop_service  # noqa: E402


def test_compressed_bodies_and_invisible_ids_under_uvicorn(tmp_path, als, train):
    registry = publish(tmp_path / "registry", als, train)
    process, url = start_service(tmp_path, registry)
    try:
        user = str(als.users_.external_ids[0])
        body = gzip.compress(json.dumps({"k": 3}).encode())
        answer = httpx.post(f"{url}/users/{user}/recommendations", content=body,
                            headers={"content-type": "application/json",
                                     "content-encoding": "gzip"}, timeout=10)
        assert answer.status_code == 415, answer.text
        assert "Content-Encoding 'gzip' is not supported" in answer.json()["detail"]

        answer = httpx.get(f"{url}/users/{user}%E2%80%8B/recommendations", timeout=10)
        assert answer.status_code == 422, answer.text
        assert "a zero-width space, U+200B" in answer.json()["detail"]

        answer = httpx.post(f"{url}/users/{user}/recommendations", json={"k": 3}, timeout=10)
        assert answer.status_code == 200, answer.text
        assert len(answer.json()["items"]) == 3
    finally:
        assert stop_service(process) == 0
