"""Hundred-eighty-ninth probe: a user's A/B arm must be the same in every worker process
and after a restart, so it may not depend on Python's ``hash()`` of text (salted anew in
each process, ``PYTHONHASHSEED``). Checked across two processes with different hash seeds,
against this one, and against buckets worked by hand from SHA-256 (no bug found: a guard)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys

from recstack.serving.variants import VariantAssigner, bucket
from tests.serving.service_helpers import ROOT

NAMES, SHARES, SALT = ["a", "b", "c"], [0.2, 0.3, 0.5], "exp1"
USERS = [*(str(i) for i in range(150)), *(f"user-{i}" for i in range(100)), "émile", "日本",
         " 7 ", "-0", "0"]

_SCRIPT = f"""
import json, sys
from recstack.serving.variants import VariantAssigner
assigner = VariantAssigner({NAMES!r}, {SHARES!r}, {SALT!r})
users = json.loads(sys.stdin.read())
print(json.dumps([assigner.assign(u) for u in users]))
"""


def _arms_in_a_process(hash_seed: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", _SCRIPT], input=json.dumps(USERS),
                          capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={**os.environ, "PYTHONHASHSEED": hash_seed,
                               "PYTHONPATH": str(ROOT)}, check=True)
    return json.loads(done.stdout)


def test_the_arms_are_the_same_in_processes_of_different_hash_seeds():
    here = [VariantAssigner(NAMES, SHARES, SALT).assign(u) for u in USERS]
    assert _arms_in_a_process("1") == here
    assert _arms_in_a_process("2") == here
    assert set(here) == {"a", "b", "c"}


def test_buckets_worked_by_hand_from_sha256():
    # b(u) = first 8 bytes of sha256("exp1:" + u), big-endian, over 2**64
    by_hand = int.from_bytes(hashlib.sha256(b"exp1:42").digest()[:8], "big") / 2**64
    assert bucket("42", SALT) == by_hand == 0.2480408537673368
    assigner = VariantAssigner(NAMES, SHARES, SALT)
    # edges 0.2 and 0.5: 0.248 -> b; 'alice' 0.136 -> a; 'émile' 0.874 -> c
    assert bucket("alice", SALT) == 0.13619807540572326
    assert bucket("émile", SALT) == 0.8742018180018637
    assert [assigner.assign(u) for u in ("42", "alice", "émile")] == ["b", "a", "c"]
    # one user however the id is written: the integer 42, its text, trimmed text
    assert {assigner.assign(u) for u in (42, "42", " 42 ", b"42")} == {"b"}
