"""Round 53 W: ``-0.0`` as an event's revenue or cost.

``"revenue": -0.0`` (or ``-1e-400``, which the JSON reader rounds to ``-0.0``) passed the
bound of 0 and was written to the event log as ``-0.0``, a negative amount wherever the
log is printed; it is logged as ``0.0``. The sign is read with ``math.copysign``, which
tells ``-0.0`` from ``0.0`` where ``==`` cannot.
"""

from __future__ import annotations

import math
import time
import warnings

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")
pytest.importorskip("implicit", reason="the service tests fit ALS, which needs implicit")

import pandas as pd  # noqa: E402

from recstack.serving.registry import ModelRegistry  # noqa: E402
from recstack.serving.settings import ServiceSettings  # noqa: E402


def test_negative_zero_amounts_are_logged_as_zero(tmp_path, train, als, user, item):
    registry = ModelRegistry(tmp_path / "registry")
    registry.publish("als", als, data=train)
    logs = tmp_path / "logs"
    from recstack.serving.app import create_app

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # starlette's note about its httpx-based client
        from fastapi.testclient import TestClient
    now = int(time.time())
    spellings = ["-0.0", "-0e0", "-1e-400", "0.0", "2.5"]
    events = ",".join(f'{{"event": "purchase", "user_id": "{user}", "item_id": "{item}", '
                      f'"timestamp": {now}, "revenue": {text}, "cost": {text}}}'
                      for text in spellings)
    settings = ServiceSettings.create(registry=str(registry.root), log_dir=str(logs))
    with TestClient(create_app(settings)) as http:
        answer = http.post("/events", content=f'{{"events": [{events}]}}',
                           headers={"content-type": "application/json"})
        assert answer.status_code == 202, answer.text
    table = pd.concat(pd.read_parquet(f) for f in sorted(logs.rglob("*.parquet")))
    for column in ("revenue", "cost"):
        logged = table[column].tolist()
        assert logged == [0.0, 0.0, 0.0, 0.0, 2.5]
        assert [math.copysign(1.0, value) for value in logged] == [1.0] * 5, column
