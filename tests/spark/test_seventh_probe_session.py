"""Seventh bad-input probe of the Spark session: a Java older than pyspark runs on is
named before the JVM is started (pyspark said only that the gateway process exited)."""

from __future__ import annotations

import stat

import pytest

from recstack.errors import RecstackError
from recstack.spark.session import check_java_version, java_version


def fake_java(folder, shown: str):
    """A ``java`` that answers ``-version`` as a real one does: on stderr."""
    java = folder / "bin" / "java"
    java.parent.mkdir(parents=True)
    java.write_text(f"#!/bin/sh\necho '{shown}' >&2\n")
    java.chmod(java.stat().st_mode | stat.S_IXUSR)
    return java


@pytest.mark.parametrize(("shown", "major"), [
    ('openjdk version "11.0.20" 2023-07-18', 11),
    ('java version "1.8.0_392"', 8),
    ('openjdk version "17.0.15" 2025-04-15', 17),
    ('openjdk version "21" 2023-09-19', 21),
    ("no version here", None),
])
def test_the_major_version_is_read_as_java_writes_it(tmp_path, shown, major):
    assert java_version(str(fake_java(tmp_path, shown))) == major


def test_a_java_older_than_pyspark_needs_is_named(tmp_path):
    java = str(fake_java(tmp_path, 'openjdk version "11.0.20" 2023-07-18'))
    # before: the JVM exited with UnsupportedClassVersionError; pyspark raised
    # "[JAVA_GATEWAY_EXITED] Java gateway process exited before sending its port number"
    with pytest.raises(RecstackError, match=rf"^{java} is Java 11; pyspark 4.0.0 needs Java 17 "
                                            r"or newer: install one .* point JAVA_HOME at it"):
        check_java_version(java, "4.0.0")
    check_java_version(java, "3.5.1")  # pyspark 3 runs on Java 8 and newer


def test_a_java_whose_version_cannot_be_told_is_left_to_start(tmp_path):
    check_java_version(str(fake_java(tmp_path, "something else")), "4.0.0")
    check_java_version(str(tmp_path / "missing-java"), "4.0.0")


def test_spark_session_checks_the_java_of_java_home(tmp_path, monkeypatch):
    pytest.importorskip("pyspark")
    from pyspark.sql import SparkSession

    from recstack.spark.session import SparkSettings, spark_session

    fake_java(tmp_path, 'openjdk version "1.8.0_392"')
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))
    # as in a fresh process: the check runs only before a session exists
    monkeypatch.setattr(SparkSession, "getActiveSession", staticmethod(lambda: None))
    import pyspark

    if int(pyspark.__version__.split(".")[0]) < 4:
        pytest.skip("pyspark 3 runs on Java 8")
    with pytest.raises(RecstackError, match=r"is Java 8; pyspark .* needs Java 17"):
        spark_session(SparkSettings(master="local[1]"))
