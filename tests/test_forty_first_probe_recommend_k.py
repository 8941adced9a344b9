"""Forty-first bad-input probe, ``recommend --k`` above the model's catalog: the lists came
back shorter than asked without a word. It is served (a "top 100" of 40 items is every
item) with one ``recstack: note:`` line on stderr saying how many items a list can hold."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from recstack.cli import main
from recstack.data.interactions import Interactions
from recstack.models import create_model
from recstack.serving.registry import ModelRegistry


@pytest.fixture
def registry(tmp_path) -> Path:
    # 4 items; user 1 has seen items 7 and 8
    data = Interactions.from_arrays([1, 1, 2, 3, 3], [7, 8, 7, 9, 10], None)
    registry = ModelRegistry(tmp_path / "models")
    registry.publish("pop", create_model("most_popular").fit(data), data=data, index=None)
    return tmp_path / "models"


def _rows(out: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(out)))


def test_k_above_the_catalog_is_served_with_a_note(capsys, registry):
    assert main(["recommend", "pop", "--registry", str(registry), "--users", "1",
                 "--k", "50"]) == 0
    captured = capsys.readouterr()
    # 4 items, 2 of them seen by user 1
    assert sorted(row["item_id"] for row in _rows(captured.out)) == ["10", "9"]
    notes = [line for line in captured.err.splitlines() if line.startswith("recstack: note:")]
    assert notes == ["recstack: note: --k 50 is more than the model's 4 item(s): each list "
                     "holds at most 4, fewer where the user's seen items are left out"]


def test_k_above_the_catalog_with_seen_items_kept(capsys, registry):
    assert main(["recommend", "pop", "--registry", str(registry), "--users", "1",
                 "--k", "5", "--include-seen"]) == 0
    captured = capsys.readouterr()
    assert len(_rows(captured.out)) == 4
    assert "recstack: note: --k 5 is more than the model's 4 item(s): each list holds at " \
           "most 4\n" in captured.err


def test_k_within_the_catalog_gives_no_note(capsys, registry):
    assert main(["recommend", "pop", "--registry", str(registry), "--users", "1",
                 "--k", "4"]) == 0
    assert "note" not in capsys.readouterr().err
