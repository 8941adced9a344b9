"""Spark settings that :class:`SparkSettings` sets from its own fields: ``"spark.master"``
or ``"spark.app.name"`` among the settings replaced the checked master URL or name without
a word (Spark's builder applies the settings after them: master = "yarn" with
"spark.master" = "local" ran locally), and a misspelt URL there reached the JVM unchecked.
An empty ``app_name`` or ``checkpoint_dir`` of a ``[spark]`` table was refused only when
the session started, as "SparkSettings app_name", not naming the table. No session is
started here."""

from __future__ import annotations

import pytest

from recstack.errors import ConfigError
from recstack.spark.session import CONF_ENV, SparkSettings, settings_from_table


@pytest.mark.parametrize(("key", "own"), [("spark.master", "master"),
                                          ("spark.app.name", "app_name")])
def test_a_setting_with_its_own_field_is_refused_from_every_source(key, own):
    words = (rf"'{key}' is given by its own setting, {own} \(\[spark\] {own} = .*"
             rf"SparkSettings\({own}=\.\.\.\).*\), which it would override without a word; "
             rf"move it there and remove '{key}' from the settings")
    with pytest.raises(ConfigError, match=rf"^\[spark\]\.conf: {words}"):
        settings_from_table({"master": "yarn", "conf": {key: "local"}})
    with pytest.raises(ConfigError, match=rf"^SparkSettings conf: {words}"):
        SparkSettings(conf={key: "lokal"}).resolved({})
    with pytest.raises(ConfigError, match=rf"^{CONF_ENV}: {words}"):
        SparkSettings().resolved({CONF_ENV: f'{{"{key}": "x"}}'})


def test_the_master_setting_names_its_environment_variable_too():
    with pytest.raises(ConfigError, match=r"SparkSettings\(master=\.\.\.\) or "
                                          r"RECSTACK_SPARK_MASTER\)"):
        settings_from_table({"conf": {"spark.master": "local[2]"}})


@pytest.mark.parametrize(("key", "meaning"), [
    ("app_name", "the application's name in the cluster manager"),
    ("checkpoint_dir", "a folder for the checkpoints; leave the key out for none")])
@pytest.mark.parametrize("blank", ["", "  "])
def test_a_blank_name_or_checkpoint_folder_is_refused_naming_the_table(key, meaning, blank):
    with pytest.raises(ConfigError, match=rf"^\[spark\]\.{key} = '{blank}': expected "
                                          rf"non-empty text \({meaning}\)$"):
        settings_from_table({key: blank})


def test_the_fields_themselves_and_other_settings_are_kept():
    settings = settings_from_table({"master": "local[2]", "app_name": "nightly",
                                    "conf": {"spark.sql.shuffle.partitions": 4}})
    assert (settings.master, settings.app_name) == ("local[2]", "nightly")
    assert dict(settings.conf) == {"spark.sql.shuffle.partitions": 4}
    # a name that only starts like one of them is another setting
    assert dict(settings_from_table({"conf": {"spark.master.rest.enabled": True}}).conf) == {
        "spark.master.rest.enabled": True}
