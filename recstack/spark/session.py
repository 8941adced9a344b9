"""Starting a Spark session from configuration, never from assumptions about the cluster.

The master URL and Spark settings come from, in order of precedence: the arguments of
:class:`SparkSettings` (an experiment file's ``[spark]`` table goes through
:func:`settings_from_table`), then the environment (``RECSTACK_SPARK_MASTER``,
``RECSTACK_SPARK_CONF`` as a JSON object of settings), then Spark's own defaults
(``spark-submit --master``, ``spark-defaults.conf``). Nothing here assumes local mode:
when no master is given anywhere, Spark decides.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from recstack.errors import ConfigError, RecstackError, shown
from recstack.specs import (
    DECIMAL_TEXT,
    INTEGER_TEXT,
    NUMBER_TEXT_RULE,
    arguments_named,
    did_you_mean,
)

#: what to run when the Spark backend's dependencies are missing
SPARK_INSTALL_COMMAND = 'pip install "recstack[spark]"'
MASTER_ENV = "RECSTACK_SPARK_MASTER"
CONF_ENV = "RECSTACK_SPARK_CONF"
_TABLE_KEYS = ("master", "app_name", "conf", "checkpoint_dir")
#: the master URLs spark-submit starts (Spark's own patterns, SparkContext.createTaskScheduler):
#: anything else ends in a JVM that exits before pyspark can say why
_LOCAL_MASTER = re.compile(r"local(\[([1-9][0-9]*|\*)(\s*,\s*[1-9][0-9]*)?\])?")
_LOCAL_CLUSTER_MASTER = re.compile(r"local-cluster\[\s*[1-9][0-9]*\s*,\s*[1-9][0-9]*\s*,"
                                   r"\s*[1-9][0-9]*\s*\]")
_CLUSTER_MASTER = re.compile(r"yarn|(spark|k8s)://\S+")
_MASTER_FORMS = "local, local[4], local[*], local[4,2] (threads, tries), spark://host:7077, yarn " \
                "or k8s://https://host:443"
#: the Spark settings that hold an amount of memory (JavaUtils.byteStringAs: whole digits and
#: a unit b, k, kb, m, mb, g, gb, t, tb, p or pb; digits alone are MiB)
_MEMORY_SETTING = re.compile(r".*\.(memory|memoryOverhead|maxResultSize|offHeap\.size)")
_MEMORY_AMOUNT = re.compile(r"[0-9]+([kmgtp]b?|b)?", re.IGNORECASE)
#: the driver's memory is also the -Xmx of the JVM pyspark launches, which takes k, m, g or t
#: only, and reads digits alone as bytes (a heap too small to start)
_DRIVER_MEMORY = "spark.driver.memory"
_JVM_AMOUNT = re.compile(r"[0-9]+[kmgt]", re.IGNORECASE)
#: the first word of Spark's own setting names: a setting given without its ``spark.`` prefix
#: (``executor.memory``) is ignored by spark-submit with a warning
_SPARK_NAMESPACES = frozenset({
    "app", "broadcast", "cleaner", "cores", "default", "driver", "dynamicAllocation",
    "eventLog", "executor", "files", "hadoop", "io", "jars", "kryo", "kryoserializer",
    "local", "locality", "master", "memory", "network", "pyspark", "python", "rdd", "rpc",
    "scheduler", "serializer", "shuffle", "speculation", "sql", "storage", "submit", "task",
    "ui"})


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

    # a value of thousands of characters (a pasted setting) cut in the message, as the
    # command line cuts it
    @arguments_named
    def resolved(self, environ: Mapping[str, str] | None = None) -> SparkSettings:
        """These settings completed from the environment (arguments win)."""
        environ = os.environ if environ is None else environ
        conf: dict[str, Any] = {}
        raw = environment_value(environ, CONF_ENV)
        if raw is not None:
            from recstack import strict_json

            try:
                # a setting named twice: json.loads kept the last one without a word (and
                # an integer of thousands of digits was a traceback: strict_json's rules)
                conf = strict_json.loads(raw)
            except json.JSONDecodeError as error:
                raise ConfigError(f"{CONF_ENV}: not valid JSON ({error.msg} at column "
                                  f"{error.colno}); expected an object such as "
                                  '{"spark.executor.memory": "8g"}') from None
            except ValueError as error:
                # a key given twice, NaN or Infinity, an integer of thousands of digits
                raise ConfigError(f"{CONF_ENV}: {error}") from None
            if not isinstance(conf, dict):
                raise ConfigError(f"{CONF_ENV}: expected a JSON object of Spark settings, got "
                                  f"{type(conf).__name__}")
            _check_conf(conf, CONF_ENV)
        if not isinstance(self.conf, Mapping):
            raise ConfigError("SparkSettings conf: expected a mapping of Spark settings such as "
                              f'{{"spark.executor.memory": "8g"}}, got {self.conf!r}')
        _check_conf(self.conf, "SparkSettings conf")
        for name in ("master", "checkpoint_dir"):
            value = getattr(self, name)
            if value is not None and not (isinstance(value, str) and value.strip()):
                raise ConfigError(f"SparkSettings {name}: expected non-empty text or None, got "
                                  f"{value!r}")
        if self.checkpoint_dir is not None:
            _check_local_checkpoint_dir(self.checkpoint_dir)
        if not isinstance(self.app_name, str) or not self.app_name.strip():
            raise ConfigError(f"SparkSettings app_name: expected non-empty text, got "
                              f"{self.app_name!r}")
        master: str | None
        if self.master is not None:
            master, source = self.master, "SparkSettings master"
        else:
            master, source = environment_value(environ, MASTER_ENV), MASTER_ENV
        if master is not None:
            _check_master(master, source)
        return SparkSettings(master=master, app_name=self.app_name,
                             conf={**conf, **dict(self.conf)},
                             checkpoint_dir=self.checkpoint_dir)


def environment_value(environ: Mapping[str, str], name: str) -> str | None:
    """The value of the environment variable ``name``, None when it is unset, empty or
    blank: one rule for every ``RECSTACK_*`` variable (``RECSTACK_SPARK_CONF="  "`` was
    "not valid JSON" while an empty one counted as unset). A leading byte-order mark (a
    value read from a file a Windows editor saved, ``$(cat conf.json)``) is no part of the
    value, as the file readers drop it (it was "not valid JSON (Unexpected UTF-8 BOM)")."""
    value = environ.get(name)
    if value is not None:
        value = value.removeprefix("\ufeff")
    return value if value is not None and value.strip() else None


def _check_master(master: str, where: str) -> None:
    """A master URL spark-submit can start: its own refusal is a JVM that exits before
    pyspark can say why (JAVA_GATEWAY_EXITED), and ``local[abc]`` a py4j traceback."""
    if any(pattern.fullmatch(master) for pattern in
           (_LOCAL_MASTER, _LOCAL_CLUSTER_MASTER, _CLUSTER_MASTER)):
        if master.startswith("spark://"):
            _check_standalone_master(master, where)
        return
    threads = re.fullmatch(r"local\[\s*(-?[0-9]+)\s*(,.*)?\]", master.strip())
    if threads is not None and int(threads[1]) < 1:
        raise ConfigError(f"{where}: {master!r} is not a Spark master URL: local[N] runs N "
                          f"threads, at least 1 (got {threads[1]}); expected {_MASTER_FORMS}")
    stripped = master.strip()
    if stripped != master and any(pattern.fullmatch(stripped) for pattern in
                                  (_LOCAL_MASTER, _LOCAL_CLUSTER_MASTER, _CLUSTER_MASTER)):
        hint = f"; without the spaces around it: {stripped!r}"
    else:
        # the scheme alone is what is compared ('locl[2]' -> 'local')
        scheme = re.split(r"[\[:]", stripped, maxsplit=1)[0]
        schemes = ("local", "local-cluster", "spark", "yarn", "k8s")
        hint = "" if scheme in schemes else did_you_mean(scheme, schemes)
    raise ConfigError(f"{where}: {master!r} is not a Spark master URL{hint}; expected "
                      f"{_MASTER_FORMS}")


def _check_standalone_master(master: str, where: str) -> None:
    """A standalone master, ``spark://HOST:PORT`` (several, comma-separated, for standby
    masters): Spark refuses a missing or non-numeric port only once its JVM runs ("Invalid
    master URL", a Java traceback)."""
    for address in master[len("spark://"):].split(","):
        host, colon, port = address.rpartition(":")
        if not colon or not host or not re.fullmatch(r"[0-9]+", port) \
                or not 1 <= int(port) <= 65535:
            raise ConfigError(f"{where}: {master!r} is not a Spark master URL: "
                              f"{address!r} is not HOST:PORT with a port 1..65535 (e.g. "
                              "spark://host:7077; several masters comma-separated)")


@arguments_named
def settings_from_table(table: Mapping[str, Any], where: str = "[spark]") -> SparkSettings:
    """Settings from an experiment file's ``[spark]`` table (``master``, ``app_name``,
    ``checkpoint_dir`` and a ``conf`` table of Spark settings); an unknown key is refused,
    naming it and the closest known one."""
    if not isinstance(table, Mapping):
        # "spark = 'local[4]'" in the file: its letters were read as keys ("unknown key 'l'")
        raise ConfigError(f"{where}: expected a table of Spark options such as [spark] with "
                          f"master = \"local[4]\" on the next line (keys: "
                          f"{', '.join(_TABLE_KEYS)}), got {table!r}")
    for key in table:
        if key not in _TABLE_KEYS:
            from recstack.specs import closest

            # the one nearest-name rule (a slip of the keys, not any likeness)
            close = closest(str(key), _TABLE_KEYS)
            hint = f"; did you mean {close!r}?" if close else ""
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
        if key in table and key != "master" and not table[key].strip():
            # refused only when the session started, as "SparkSettings app_name", not
            # naming the table the value came from
            meaning = ("the application's name in the cluster manager" if key == "app_name"
                       else "a folder for the checkpoints; leave the key out for none")
            raise ConfigError(f"{where}.{key} = {table[key]!r}: expected non-empty text "
                              f"({meaning})")
    if "master" in table:
        _check_master(table["master"], f"{where}.master")
    return SparkSettings(master=table.get("master"), app_name=table.get("app_name", "recstack"),
                         conf={str(k): v for k, v in conf.items()},
                         checkpoint_dir=table.get("checkpoint_dir"))


def _check_conf(conf: Mapping[str, Any], where: str) -> None:
    """Spark settings are single values. A table under a key is what TOML makes of an
    unquoted dotted key (``spark.executor.memory = "8g"`` is ``spark = {executor = ...}``),
    which Spark would receive as one meaningless setting named ``spark``."""
    for key, value in conf.items():
        if not isinstance(key, str) or not key.strip():
            what = "is empty" if isinstance(key, str) else "is not text"
            raise ConfigError(f"{where}: the setting name {key!r} {what}; Spark settings "
                              'are named like "spark.executor.memory"')
        if key != key.strip():
            # Spark does not strip names: ' spark.executor.memory' is another setting, which
            # nothing reads (and spark-submit ignores with a warning)
            raise ConfigError(f"{where}: the setting name {key!r} has spaces around it, so "
                              f"Spark would not know it; write {key.strip()!r}")
        if key.lower().startswith("spark.") and not key.startswith("spark."):
            # names are case-sensitive: 'Spark.executor.memory' is ignored with a warning
            raise ConfigError(f"{where}: {key!r} is not a Spark setting (names are "
                              f"case-sensitive); did you mean 'spark.{key[6:]}'?")
        if key in _OWN_KEYS:
            # Spark's builder takes the settings after the master URL and the name, so this
            # one replaced the checked master (or name) without a word: master = "yarn"
            # with "spark.master" = "local" ran locally, and a misspelt URL here reached
            # the JVM unchecked
            own, example = _OWN_KEYS[key]
            raise ConfigError(f"{where}: {key!r} is given by its own setting, {own} "
                              f"([spark] {own} = {example}, SparkSettings({own}=...)"
                              f"{_OWN_ENV.get(own, '')}), which it would override without "
                              f"a word; move it there and remove {key!r} from the settings")
        if not key.startswith("spark.") and key.split(".", 1)[0] in _SPARK_NAMESPACES:
            raise ConfigError(f"{where}: {key!r} is not a Spark setting (spark-submit ignores "
                              f"it with a warning); did you mean 'spark.{key}'?")
        if isinstance(value, float) and not math.isfinite(value):
            raise ConfigError(f"{where}: {key!r} = {shown(value)}: a Spark setting must be a "
                              "finite number")
        if isinstance(value, str) and _misspelt_number(value.strip()):
            # "1_0" or a number in another script's digits reached Spark, which refused it
            # at session start with a Java NumberFormatException (or read it as text)
            raise ConfigError(f"{where}: {key!r} = {value!r}: a number is written in "
                              f"{NUMBER_TEXT_RULE} (e.g. {_plain_digits(value)!r})")
        if _MEMORY_SETTING.fullmatch(key) and not isinstance(value, Mapping | list | tuple | set):
            _check_memory(key, value, where)
        if isinstance(value, Mapping | list | tuple | set) or value is None:
            dotted, leaf = str(key), value
            while isinstance(leaf, Mapping) and leaf:
                inner = next(iter(leaf))
                dotted, leaf = f"{dotted}.{inner}", leaf[inner]
            hint = (f'; quote dotted names: "{dotted}" = {leaf!r}'
                    if isinstance(value, Mapping) and value else "")
            raise ConfigError(f"{where}: {key!r} = {value!r}: a Spark setting is one value "
                              f"(text, number or true/false){hint}")
        plain = value.item() if _is_numpy_scalar(value) else value
        if not isinstance(plain, str | int | float):
            # bytes, a date, any object: Spark was handed its str(), "b'2'" or
            # "<object object at 0x...>", and read it as a setting nobody meant
            raise ConfigError(f"{where}: {key!r} = {shown(value)}: a Spark setting is one "
                              f"value (text, number or true/false), not "
                              f"{type(value).__name__}")
        if isinstance(plain, float) and not math.isfinite(plain):  # np.float32('nan')
            raise ConfigError(f"{where}: {key!r} = {shown(value)}: a Spark setting must be a "
                              "finite number")
        for text, what in ((key, "name"), (plain, "value")):
            if isinstance(text, str) and not _utf8(text):
                # a lone surrogate ('\ud800', from a broken escape in the JSON) reached
                # the JVM, whose gateway failed with a UnicodeEncodeError traceback
                raise ConfigError(f"{where}: {key!r}: the setting's {what} {text!r} holds "
                                  "a character that is not valid Unicode text (a lone "
                                  "surrogate such as \\ud800); write the character itself")


#: the Spark settings that :class:`SparkSettings` sets from its own fields (name, example)
_OWN_KEYS = {"spark.master": ("master", '"local[4]"'), "spark.app.name": ("app_name", '"recstack"')}
_OWN_ENV = {"master": f" or {MASTER_ENV}"}


def _is_numpy_scalar(value: Any) -> bool:
    """Whether ``value`` is a numpy scalar (``np.int64(2)``), whose ``item()`` is the
    Python number Spark is given."""
    import numpy as np

    return isinstance(value, np.generic)


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _misspelt_number(text: str) -> bool:
    """Whether Python's int() or float() reads ``text`` as a number although it is not
    written plainly (``1_0``, ``\u0663``): Spark's own parsers refuse it."""
    if INTEGER_TEXT.fullmatch(text) or DECIMAL_TEXT.fullmatch(text):
        return False
    for cast in (int, float):
        try:
            cast(text)
        except ValueError:
            continue
        return not re.fullmatch(r"[+-]?(nan|inf|infinity)", text, re.IGNORECASE | re.ASCII)
    return False


def _plain_digits(text: str) -> str:
    """``text`` as Python reads it, written plainly (``'1_0'`` -> ``'10'``)."""
    try:
        return str(int(text))
    except ValueError:
        return repr(float(text))


def _check_memory(key: str, value: Any, where: str) -> None:
    """An amount of memory Spark (and, for the driver, the JVM it launches) can read: a
    fraction or a spaced unit (``2.5g``, ``2 GB``) stops the JVM before pyspark can say
    why."""
    text = str(value).strip() if isinstance(value, str | int) and not isinstance(value, bool) \
        else None
    if key == _DRIVER_MEMORY:
        if text is None or not _JVM_AMOUNT.fullmatch(text):
            raise ConfigError(f"{where}: {key!r} = {value!r}: the driver's memory is the JVM's "
                              "heap size, whole digits and a unit k, m, g or t (e.g. '4g', "
                              "'2560m')")
    elif text is None or not _MEMORY_AMOUNT.fullmatch(text):
        raise ConfigError(f"{where}: {key!r} = {value!r}: an amount of memory is whole digits "
                          "and a unit b, k, m, g, t or p (e.g. '8g', '2560m'; digits alone are "
                          "MiB)")
    if key.endswith(".memory") and not text.lstrip("0")[:1].isdigit():
        # no heap at all: '0g' passed the pattern and the JVM (or the executors) failed
        # to start with a Java traceback (maxResultSize and offHeap.size take 0: no limit,
        # none)
        raise ConfigError(f"{where}: {key!r} = {value!r}: an amount of memory must be more "
                          "than zero (e.g. '4g', '2560m')")
    if key in _HEAP_SETTINGS:
        mib = _mebibytes(text)
        if mib < _SMALLEST_HEAP_MIB:
            # Spark refuses a heap under 450 MiB only once its JVM runs ("System memory ...
            # must be at least 471859200", a Java traceback): a number given without its unit
            # (4 for 4g, in a JSON or TOML file) is read as 4 MiB
            meant = f" (digits alone are MiB: did you mean '{text}g'?)" if text.isdigit() else ""
            raise ConfigError(f"{where}: {key!r} = {value!r} is {mib:g} MiB, but Spark needs at "
                              f"least {_SMALLEST_HEAP_MIB} MiB of heap to start (e.g. '4g', "
                              f"'2560m'){meant}")


#: the heaps Spark refuses under 450 MiB (1.5 times its 300 MiB of reserved memory)
_HEAP_SETTINGS = (_DRIVER_MEMORY, "spark.executor.memory")
_SMALLEST_HEAP_MIB = 450
_MIB_PER_UNIT = {"": 1.0, "b": 2.0**-20, "k": 2.0**-10, "m": 1.0, "g": 2.0**10, "t": 2.0**20,
                 "p": 2.0**30}


def _mebibytes(text: str) -> float:
    """An amount of memory Spark reads (``_MEMORY_AMOUNT``), in MiB."""
    digits = text.rstrip("bBkKmMgGtTpP")
    unit = text[len(digits):].lower().rstrip("b") or ("b" if text[len(digits):] else "")
    return int(digits) * _MIB_PER_UNIT[unit]


def setting_text(value: Any) -> str:
    """A setting's value as Spark reads it: true/false in lower case, a whole float as an
    integer (Spark's integer settings refuse '4.0'; its fractional ones read '1')."""
    if _is_numpy_scalar(value):
        value = value.item()  # np.float64(4.0) was '4.0', refused by an integer setting
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


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


def java_version(java: str) -> int | None:
    """The major version of ``java`` (``1.8`` is 8), from ``java -version``; None when it
    cannot be told (the JVM is then left to start, or to say why not)."""
    import subprocess

    try:
        shown = subprocess.run([java, "-version"], capture_output=True, text=True,
                               timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r'version "(\d+)(?:\.(\d+))?', shown.stderr + shown.stdout)
    if found is None:
        return None
    major = int(found.group(1))
    return int(found.group(2) or 0) if major == 1 else major


def check_java_version(java: str, pyspark_version: str | None = None) -> None:
    """Refuse a Java older than the installed pyspark runs on (17 for pyspark 4, 8 for
    pyspark 3): the JVM stops at once with UnsupportedClassVersionError and pyspark says
    only "Java gateway process exited before sending its port number"."""
    if pyspark_version is None:
        pyspark_version = require_pyspark().__version__
    needed = 17 if int(str(pyspark_version).split(".", 1)[0] or 0) >= 4 else 8
    version = java_version(java)
    if version is not None and version < needed:
        raise RecstackError(f"{java} is Java {version}; pyspark {pyspark_version} needs Java "
                            f"{needed} or newer: install one (e.g. apt-get install "
                            f"openjdk-{max(needed, 17)}-jre-headless) and point JAVA_HOME at it")


@arguments_named
def spark_session(settings: SparkSettings | None = None) -> Any:
    """A :class:`pyspark.sql.SparkSession` for ``settings`` (the running one is reused, as
    Spark allows one per process; its settings are then those it was started with)."""
    require_pyspark()
    given = settings or SparkSettings()
    settings = given.resolved()
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is None:
        # Spark's own message for a missing or too old JVM is a py4j traceback
        check_java_version(find_java())
    builder = SparkSession.builder.appName(settings.app_name)
    if settings.master:
        builder = builder.master(settings.master)
    for key, value in settings.conf.items():
        builder = builder.config(key, setting_text(value))
    try:
        session = builder.getOrCreate()
    except Exception as error:
        _refuse_setting_spark_refused(error, settings, None)
        raise
    try:
        # the spark.sql settings are read when the session state is built, at first use
        # (a query's Py4J error, "Error while instantiating SessionStateBuilder"): now
        session.conf.get("spark.sql.shuffle.partitions")
    except Exception as error:
        _refuse_setting_spark_refused(error, settings, session)
        raise
    _refuse_misspelt_settings(session, settings, given, started=active is None)
    if settings.checkpoint_dir:
        session.sparkContext.setCheckpointDir(settings.checkpoint_dir)
    return session


def _refuse_setting_spark_refused(error: Exception, settings: SparkSettings,
                                  session: Any) -> None:
    """A setting of the wrong type (``"spark.ui.enabled" = "maybe"``,
    ``"spark.sql.shuffle.partitions" = "many"``) was a Py4J traceback at session start or
    at the first query: refused as a :class:`ConfigError` naming it, in Spark's words. Other
    errors are left to the caller to raise."""
    origin = getattr(error, "_origin", None) or getattr(error, "java_exception", None)
    reason = None
    while origin is not None and reason is None:
        try:
            text = str(origin.getMessage() or "")
            origin = origin.getCause()
        except Exception:  # noqa: BLE001 (a broken gateway: keep the original error)
            break
        if "INVALID_CONF_VALUE" in text:
            reason = re.sub(r"^\[[A-Z_.]+\]\s*|\s*SQLSTATE: \w+\s*$", "", text.strip())
    if reason is None:
        return
    if session is not None:
        session.stop()  # getOrCreate would hand this broken session out again
    named = re.search(r'config "([^"]+)"', reason)
    key = named.group(1) if named else ""
    given = (f"{key!r} = {setting_text(settings.conf[key])!r}: "
             if key in settings.conf else "")
    # the settings come from [spark] conf, SparkSettings(conf=...) or RECSTACK_SPARK_CONF
    raise ConfigError(f"Spark settings: {given}Spark refused the value at session start: "
                      f"{reason}") from None


#: settings whose names are free-form (environment variables, Hadoop's and catalogs'
#: own settings, resources) or that Spark registers only on a cluster manager (YARN,
#: Kubernetes) or in a server (history, standalone): not checked against the known names
_FREE_FORM_SETTINGS = (
    "spark.hadoop.", "spark.executorEnv.", "spark.yarn.", "spark.kubernetes.", "spark.mesos.",
    "spark.sql.catalog.", "spark.sql.hive.", "spark.metrics.", "spark.ssl.", "spark.history.",
    "spark.deploy.", "spark.worker.", "spark.master.", "spark.driver.resource.",
    "spark.executor.resource.", "spark.task.resource.", "spark.plugins.")


def known_setting_names(session: Any) -> frozenset[str] | None:
    """The names of the settings the running Spark declares (core and SQL, about 1,300),
    from its JVM; None when they cannot be read (another Spark, a remote session)."""
    try:
        config = session.sparkContext._jvm.org.apache.spark.internal.config
        entries = getattr(getattr(config, "ConfigEntry$"), "MODULE$")
        return frozenset(str(name) for name in entries.knownConfigs().keySet().toArray())
    except Exception:  # noqa: BLE001 (no such registry in this Spark: nothing to check)
        return None


def misspelt_setting(key: str, known: frozenset[str]) -> str | None:
    """The known setting ``key`` is a slip of (at most two letters typed wrong, missed,
    added or swapped: ``spark.executor.memroy``), or None when ``key`` is known, free-form
    or near none (a setting of a package Spark has not loaded is left to Spark)."""
    from recstack.specs import _slips

    if key in known or not key.startswith("spark.") or key.startswith(_FREE_FORM_SETTINGS):
        return None
    near = sorted((_slips(key, name), name) for name in known
                  if abs(len(name) - len(key)) <= 2 and _slips(key, name) <= 2)
    return near[0][1] if near else None


def _refuse_misspelt_settings(session: Any, settings: SparkSettings, given: SparkSettings,
                              *, started: bool) -> None:
    """A setting name Spark does not know is ignored without a word (spark-submit warns
    only of names without ``spark.``): ``"spark.executor.memroy" = "8g"`` ran with the
    default memory. A name a slip away from a setting Spark declares is refused, naming
    the setting meant; the session just started is stopped (getOrCreate would hand it
    out again, with the misspelt setting and without the meant one)."""
    known = known_setting_names(session)
    if not known:
        return
    for key in settings.conf:
        meant = misspelt_setting(key, known)
        if meant is None:
            continue
        if started:
            try:
                # the JVM pyspark launched holds the first session's settings as system
                # properties, which the next session in this process would read again
                session.sparkContext._jvm.java.lang.System.clearProperty(key)
            except Exception:  # noqa: BLE001 (a remote JVM: the session is stopped anyway)
                pass
            session.stop()
        where = ("SparkSettings conf (an experiment file's [spark] conf)"
                 if key in given.conf else CONF_ENV)
        raise ConfigError(f"{where}: {key!r} is not a setting Spark knows (did you mean "
                          f"{meant!r}?); Spark would ignore it without a word: correct the "
                          "name")


def _check_local_checkpoint_dir(path: str) -> None:
    """A local ``checkpoint_dir`` (no ``scheme://``) that exists as something else than a
    folder (a file, a pipe, a link leading nowhere) was a Hadoop
    ``ParentNotDirectoryException`` traceback at session start; a missing one Spark makes."""
    from recstack.atomic import folder_problem

    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]+:", path) and not re.match(r"^file:", path):
        return  # hdfs://, s3a://, ...: another machine's file system
    local = Path(re.sub(r"^file:(//)?", "", path))
    # the path itself, or the nearest part of it that exists (a file above a new folder
    # is the same exception)
    found = next((part for part in (local, *local.parents) if os.path.lexists(part)), None)
    problem = folder_problem(found) if found is not None else None
    if problem is not None:
        whose = "" if found == local else f"{str(found)!r}, on its path, "
        raise ConfigError(f"SparkSettings checkpoint_dir {path!r}: {whose}{problem}; "
                          "expected a folder Spark can write its checkpoints in (or a new "
                          "path, which Spark makes)")
