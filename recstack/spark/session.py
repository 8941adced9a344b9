"""Starting a Spark session from configuration, never from assumptions about the cluster.

The master URL and Spark settings come from, in order of precedence: the arguments of
:class:`SparkSettings` (an experiment file's ``[spark]`` table goes through
:func:`settings_from_table`), then the environment (``RECSTACK_SPARK_MASTER``,
``RECSTACK_SPARK_CONF`` as a JSON object of settings), then Spark's own defaults
(``spark-submit --master``, ``spark-defaults.conf``). Nothing here assumes local mode:
when no master is given anywhere, Spark decides.
"""

from __future__ import annotations

import difflib
import json
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from recstack.errors import ConfigError, RecstackError

#: what to run when the Spark backend's dependencies are missing
SPARK_INSTALL_COMMAND = 'pip install "recstack[spark]"'
MASTER_ENV = "RECSTACK_SPARK_MASTER"
CONF_ENV = "RECSTACK_SPARK_CONF"
_TABLE_KEYS = ("master", "app_name", "conf", "checkpoint_dir")


@dataclass(frozen=True)
class SparkSettings:
    """Where and how to run Spark.

    Parameters
    ----------
    master
        Master URL (``spark://host:7077``, ``yarn``, ``k8s://...``, ``local[4]``); None takes
        ``RECSTACK_SPARK_MASTER`` or else Spark's own default.
    app_name
        The application's name in the cluster manager.
    conf
        Spark settings (``{"spark.executor.memory": "8g"}``); they override those of
        ``RECSTACK_SPARK_CONF``.
    checkpoint_dir
        Where long lineages (ALS iterations, k-core rounds) are checkpointed; on a cluster a
        shared filesystem path (HDFS, S3).
    """

    master: str | None = None
    app_name: str = "recstack"
    conf: Mapping[str, Any] = field(default_factory=dict)
    checkpoint_dir: str | None = None

    def resolved(self, environ: Mapping[str, str] | None = None) -> SparkSettings:
        """These settings completed from the environment (arguments win)."""
        environ = os.environ if environ is None else environ
        conf: dict[str, Any] = {}
        raw = environ.get(CONF_ENV)
        if raw:
            try:
                conf = json.loads(raw)
            except json.JSONDecodeError as error:
                raise ConfigError(f"{CONF_ENV}: not valid JSON ({error.msg} at column "
                                  f"{error.colno}); expected an object such as "
                                  '{"spark.executor.memory": "8g"}') from None
            if not isinstance(conf, dict):
                raise ConfigError(f"{CONF_ENV}: expected a JSON object of Spark settings, got "
                                  f"{type(conf).__name__}")
            _check_conf(conf, CONF_ENV)
        _check_conf(self.conf, "SparkSettings conf")
        return SparkSettings(master=self.master or environ.get(MASTER_ENV) or None,
                             app_name=self.app_name, conf={**conf, **dict(self.conf)},
                             checkpoint_dir=self.checkpoint_dir)


def settings_from_table(table: Mapping[str, Any], where: str = "[spark]") -> SparkSettings:
    """Settings from an experiment file's ``[spark]`` table (``master``, ``app_name``,
    ``checkpoint_dir`` and a ``conf`` table of Spark settings); an unknown key is refused,
    naming it and the closest known one."""
    for key in table:
        if key not in _TABLE_KEYS:
            close = difflib.get_close_matches(str(key), _TABLE_KEYS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ConfigError(f"{where}: unknown key {key!r}{hint} (known: "
                              f"{', '.join(_TABLE_KEYS)})")
    conf = table.get("conf", {})
    if not isinstance(conf, Mapping):
        raise ConfigError(f"{where}.conf: expected a table of Spark settings such as "
                          f'conf = {{ "spark.executor.memory" = "8g" }}, got {conf!r}')
    _check_conf(conf, f"{where}.conf")
    for key in ("master", "app_name", "checkpoint_dir"):
        if key in table and not isinstance(table[key], str):
            raise ConfigError(f"{where}.{key}: expected a string, got {table[key]!r}")
    return SparkSettings(master=table.get("master"), app_name=table.get("app_name", "recstack"),
                         conf={str(k): v for k, v in conf.items()},
                         checkpoint_dir=table.get("checkpoint_dir"))


def _check_conf(conf: Mapping[str, Any], where: str) -> None:
    """Spark settings are single values. A table under a key is what TOML makes of an
    unquoted dotted key (``spark.executor.memory = "8g"`` is ``spark = {executor = ...}``),
    which Spark would receive as one meaningless setting named ``spark``."""
    for key, value in conf.items():
        if isinstance(value, Mapping | list | tuple | set) or value is None:
            dotted, leaf = str(key), value
            while isinstance(leaf, Mapping) and leaf:
                inner = next(iter(leaf))
                dotted, leaf = f"{dotted}.{inner}", leaf[inner]
            hint = (f'; quote dotted names: "{dotted}" = {leaf!r}'
                    if isinstance(value, Mapping) and value else "")
            raise ConfigError(f"{where}: {key!r} = {value!r}: a Spark setting is one value "
                              f"(text, number or true/false){hint}")


def require_pyspark() -> Any:
    """The ``pyspark`` module, or a :class:`RecstackError` with the install command."""
    try:
        import pyspark
    except ImportError:
        raise RecstackError("the Spark backend needs pyspark (not installed); install it "
                            f"with: {SPARK_INSTALL_COMMAND}") from None
    return pyspark


def find_java(environ: Mapping[str, str] | None = None) -> str:
    """The ``java`` executable Spark will start, or a :class:`RecstackError` saying how to
    get one (pyspark 4 needs Java 17 or newer)."""
    environ = os.environ if environ is None else environ
    home = environ.get("JAVA_HOME")
    if home:
        candidate = Path(home) / "bin" / "java"
        if candidate.is_file():
            return str(candidate)
        raise RecstackError(f"JAVA_HOME={home} holds no bin/java; point it at a Java 17+ "
                            "installation (e.g. /usr/lib/jvm/java-17-openjdk-amd64)")
    found = shutil.which("java", path=environ.get("PATH"))
    if found is None:
        raise RecstackError("the Spark backend needs Java 17 or newer and found none (no "
                            "JAVA_HOME, no java on PATH); install it (e.g. apt-get install "
                            "openjdk-17-jre-headless) or set JAVA_HOME")
    return found


def spark_session(settings: SparkSettings | None = None) -> Any:
    """A :class:`pyspark.sql.SparkSession` for ``settings`` (the running one is reused, as
    Spark allows one per process; its settings are then those it was started with)."""
    require_pyspark()
    settings = (settings or SparkSettings()).resolved()
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is None:
        find_java()  # Spark's own message for a missing JVM is a py4j traceback
    builder = SparkSession.builder.appName(settings.app_name)
    if settings.master:
        builder = builder.master(settings.master)
    for key, value in settings.conf.items():
        builder = builder.config(key, str(value))
    session = builder.getOrCreate()
    if settings.checkpoint_dir:
        session.sparkContext.setCheckpointDir(settings.checkpoint_dir)
    return session
