"""Hundred-twenty-second probe of the Spark session: a setting whose value Spark refuses
(``"spark.ui.enabled" = "maybe"``, ``"spark.sql.shuffle.partitions" = "many"``) was a Py4J
traceback, at session start or, for the ``spark.sql`` ones, at the first query ("Error while
instantiating SessionStateBuilder"); now a ConfigError at start naming the setting, and a
refused session is not handed out again. Run in a fresh process: the test session is one
per process, and an existing one is reused."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

SCRIPT = r"""
import json, sys
from recstack.errors import ConfigError
from recstack.spark.session import SparkSettings, spark_session
results = []
for conf in ({"spark.ui.enabled": "maybe"}, {"spark.sql.shuffle.partitions": "many"},
             {"spark.sql.shuffle.partitions": -3}, {"spark.sql.shuffle.partitions": 3}):
    try:
        session = spark_session(SparkSettings(master="local[1]", conf={
            "spark.ui.enabled": "false", "spark.ui.showConsoleProgress": "false", **conf}))
        rows = session.range(3).groupBy("id").count().count()
        results.append(["ran", rows, session.conf.get("spark.sql.shuffle.partitions")])
    except ConfigError as error:
        results.append(["refused", str(error)])
print("RESULTS " + json.dumps(results))
"""


@pytest.fixture(scope="module")
def results():
    pytest.importorskip("pyspark")
    from recstack.errors import RecstackError
    from recstack.spark.session import find_java

    try:
        find_java()
    except RecstackError as error:
        pytest.skip(str(error))
    env = os.environ | {"PYSPARK_PYTHON": sys.executable}
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                          timeout=300, env=env)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULTS ")]
    assert done.returncode == 0 and lines, done.stderr[-3000:]
    return json.loads(lines[0][len("RESULTS "):])


def test_a_value_spark_refuses_at_start_is_a_config_error_naming_it(results):
    assert results[0] == ["refused", (
        "Spark settings: 'spark.ui.enabled' = 'maybe': Spark refused the value at session "
        "start: The value 'maybe' in the config \"spark.ui.enabled\" is invalid. It should be "
        "a/an 'boolean' value.")]


def test_a_sql_setting_spark_refuses_is_refused_at_start_not_at_the_first_query(results):
    status, message = results[1]
    assert status == "refused"
    assert message.startswith("Spark settings: 'spark.sql.shuffle.partitions' = 'many': "
                              "Spark refused the value at session start: The value 'many' "
                              "in the config \"spark.sql.shuffle.partitions\" is invalid")
    status, message = results[2]
    assert status == "refused" and "'spark.sql.shuffle.partitions' = '-3'" in message
    assert "must be positive" in message


def test_a_refused_session_is_not_handed_out_again(results):
    # the session built with "many" was stopped: the next one has the new setting
    assert results[3] == ["ran", 3, "3"]


def _made(tmp_path, kind):
    if kind == "file":
        (tmp_path / "ck").write_text("mine\n")
    elif kind == "pipe":
        os.mkfifo(tmp_path / "ck")
    else:  # a link to nothing
        (tmp_path / "ck").symlink_to(tmp_path / "gone")
    return tmp_path / "ck"


@pytest.mark.parametrize("kind, says", [("file", "is a file"),
                                        ("pipe", "is a pipe, socket or device, not a folder"),
                                        ("dangling link", "is a symbolic link to ")])
@pytest.mark.parametrize("below", [False, True])
def test_a_checkpoint_dir_that_is_no_folder_is_refused_before_spark_starts(tmp_path, kind,
                                                                          says, below):
    # a Hadoop ParentNotDirectoryException traceback at session start
    from recstack.errors import ConfigError
    from recstack.spark.session import SparkSettings

    made = _made(tmp_path, kind)
    path = str(made / "checkpoints") if below else str(made)
    on_path = f"{str(made)!r}, on its path, " if below else ""
    with pytest.raises(ConfigError, match=(
            rf"^SparkSettings checkpoint_dir {path!r}: {on_path}{says}.*; expected a "
            r"folder Spark can write its checkpoints in")):
        SparkSettings(checkpoint_dir=path).resolved(environ={})


def test_checkpoint_dirs_spark_can_use_are_kept(tmp_path):
    from recstack.spark.session import SparkSettings

    for path in [str(tmp_path), str(tmp_path / "new" / "deeper"), "hdfs://namenode/ck",
                 "s3a://bucket/ck", f"file://{tmp_path}"]:
        assert SparkSettings(checkpoint_dir=path).resolved(environ={}).checkpoint_dir == path
