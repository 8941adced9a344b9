"""Hundred sixty-ninth bad-input probe: messages and call mistakes.

- ``cut_long_values`` cut only runs of text without spaces: a quoted value holding spaces
  (a TOML string, a Python repr) of thousands of characters was repeated whole;
- ``arguments_named`` wrote a function taking ``*parts`` as ``union(, *, caller=...)``,
  suggested ``parts=`` (which cannot be given by keyword) and refused a keyword that a
  ``**settings`` takes as "no argument";
- ``closest`` crashed on names that are not text (a DataFrame's integer labels) or None;
- a source path too long for the file system was the system's OSError from
  ``load_source`` and an experiment file;
- Spark settings of another type (bytes, an object, a lone surrogate) reached Spark, and
  numpy numbers were written as numpy writes them ('4.0' for np.float64(4.0)).

Each test failed before its fix."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.errors import ConfigError, cut_long_values
from recstack.specs import arguments_named, closest, did_you_mean

LONG = "word " * 60  # 300 characters, holding spaces
CUT = "word " * 12 + "..." + "word " * 4  # its first 60 and last 20 characters


# ------------------------------------------------------------ long quoted values
@pytest.mark.parametrize("quote", ["'", '"'])
def test_a_long_quoted_value_holding_spaces_is_cut(quote):
    message = f"name = {quote}{LONG}{quote}: too long"
    assert cut_long_values(message) == f"name = {quote}{CUT}{quote} (300 characters): too long"


def test_an_apostrophe_opens_no_value_and_short_values_stay_whole():
    message = f"the model's value '{LONG}' and 'short one'"
    assert cut_long_values(message) == (f"the model's value '{CUT}' (300 characters) and "
                                        "'short one'")
    # words between two short quoted values are the message, not a value
    prose = f"'a' then {LONG}then 'b'"
    assert cut_long_values(prose) == prose


def test_each_value_of_a_list_is_cut_on_its_own():
    message = f"got ['{LONG}', 'b c']"
    assert cut_long_values(message) == f"got ['{CUT}' (300 characters), 'b c']"


def test_a_quoted_path_with_spaces_is_kept_whole_up_to_1024_characters():
    path = "/data/my logs/" + "a b/" * 200  # 814 characters
    assert cut_long_values(f"no such file: '{path}'") == f"no such file: '{path}'"
    longer = "/data/my logs/" + "a b/" * 300  # 1,214 characters
    assert cut_long_values(f"'{longer}'") == (f"'{longer[:60]}...{longer[-20:]}' "
                                              "(1,214 characters)")


def test_an_experiment_file_run_name_with_spaces_is_cut(tmp_path):
    from recstack.config import load_experiment

    name = " ".join(["word"] * 60)  # 299 characters, within no run of 120
    path = tmp_path / "e.toml"
    path.write_text(f'name = "{name}"\n[data]\nsource = "synthetic:n_users=500"\n'
                    '[split]\nmethod = "random"\n[[models]]\ntype = "most_popular"\n',
                    encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_experiment(path)
    message = str(refused.value)
    assert f'name = "{name[:60]}...{name[-20:]}" (299 characters): 299 bytes long' in message
    assert name not in message


# ------------------------------------------------------------ *args and **kwargs
@arguments_named
def union(*parts, caller="union"):
    return parts


@arguments_named
def joined(first, *rest, sep=",", **settings):
    return first, rest, sep, settings


def test_a_star_parameter_is_written_as_python_writes_it():
    with pytest.raises(ConfigError) as refused:
        union(1, calr=2)
    assert str(refused.value) == ("union() has no argument 'calr' (did you mean 'caller'?); "
                                  "it takes union(*parts, caller=...)")


@pytest.mark.parametrize("keyword", ["parts", "prts"])
def test_the_star_parameter_given_by_keyword_is_told_to_go_by_position(keyword):
    with pytest.raises(ConfigError) as refused:
        union(**{keyword: [1, 2]})
    assert str(refused.value) == (
        f"union() takes its parts as separate positional arguments (*parts), not as "
        f"{keyword}=...; write union(a, b, ...), or union(*parts) for a list of them; "
        "it takes union(*parts, caller=...)")


def test_a_keyword_that_double_star_takes_is_not_called_unknown():
    with pytest.raises(ConfigError) as refused:
        joined(colour="red")  # first is missing; colour goes to **settings
    assert str(refused.value) == ("joined(): missing 'first'; it takes "
                                  "joined(first, *rest, sep=..., **settings)")
    assert joined(1, 2, 3, colour="red") == (1, (2, 3), ",", {"colour": "red"})


def test_an_argument_given_twice_beside_a_star_parameter_is_named():
    with pytest.raises(ConfigError) as refused:
        joined(1, 2, first=3)
    assert str(refused.value) == ("joined() got first twice, by position and as first=; "
                                  "give it once: joined(first, *rest, sep=..., **settings)")


def test_a_positional_only_argument_given_by_keyword_is_said_so():
    @arguments_named
    def scaled(value, /, factor):
        return value * factor

    with pytest.raises(ConfigError) as refused:
        scaled(value=2, factor=3)
    assert str(refused.value) == ("scaled() takes value by position only, not as "
                                  "value=...; it takes scaled(value, factor)")


def test_search_names_what_is_missing_not_an_evaluator_setting():
    from recstack.tuning import search

    with pytest.raises(ConfigError) as refused:
        search("most_popular", relevance_threshold=4.0)
    assert str(refused.value).startswith("search(): missing 'train'; it takes search(")


# ------------------------------------------------------------ closest
@pytest.mark.parametrize("known", [[1, None, "abd"], (x for x in [2.5, "abd"])])
def test_names_that_are_not_text_are_passed_over(known):
    assert closest("abc", known) == "abd"


@pytest.mark.parametrize("known", [[], None, [0, 1]])
def test_no_names_give_no_suggestion(known):
    assert closest("abc", known) is None
    assert did_you_mean("abc", known) == ""


# ------------------------------------------------------------ source paths
def test_a_source_name_too_long_for_the_file_system_is_refused(tmp_path, monkeypatch):
    from recstack.data.sources import load_source

    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as refused:
        load_source("a" * 300 + ".csv")
    message = str(refused.value)
    assert message.startswith(f"'{'a' * 30}...{'a' * 11}.csv' (304 characters): is a name "
                              "longer than the file system allows: its part "), message
    assert "304 bytes long, and a file or folder name holds at most 255" in message


def test_a_source_path_too_long_for_the_system_is_refused():
    from recstack.data.sources import resolve_source

    with pytest.raises(ConfigError, match=r"is a path longer than the system allows "
                                          r"\(6,000 bytes; at most 4,095\)"):
        resolve_source("/" + "b/" * 2999 + "c", where="[data] source: ")


def test_a_synthetic_spec_of_any_length_is_not_taken_for_a_path():
    from recstack.data.sources import resolve_source

    with pytest.raises(ConfigError, match=r"^synthetic option '"):
        resolve_source("synthetic:" + "n" * 300)


def test_a_path_that_cannot_be_looked_at_is_named(tmp_path, monkeypatch):
    from pathlib import Path

    from recstack.data.sources import resolve_source

    def refused(self):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "is_dir", refused)
    with pytest.raises(ConfigError) as error:
        resolve_source(str(tmp_path / "x.csv"), where="[data] source: ")
    assert str(error.value) == (f"[data] source: {str(tmp_path / 'x.csv')!r}: cannot look "
                                f"at {str(tmp_path / 'x.csv')!r}: Permission denied; check "
                                "the path and its folders' permissions")


def test_an_experiment_file_with_a_too_long_source_is_refused(tmp_path):
    from recstack.config import load_experiment

    path = tmp_path / "e.toml"
    path.write_text(f'[data]\nsource = "{"s" * 300}.csv"\n[split]\nmethod = "random"\n'
                    '[[models]]\ntype = "most_popular"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[data\] source: 's{30}\.\.\.s{11}\.csv' "
                                          r"\(304 characters\): is a name longer"):
        load_experiment(path)


# ------------------------------------------------------------ Spark settings
@pytest.mark.parametrize("value, kind", [(b"2", "bytes"), (object(), "object"),
                                         ([1], None), (None, None)])
def test_a_spark_setting_of_another_type_is_refused(value, kind):
    from recstack.spark.session import SparkSettings

    with pytest.raises(ConfigError, match="a Spark setting is one value") as refused:
        SparkSettings(conf={"spark.executor.cores": value}).resolved({})
    if kind is not None:
        assert str(refused.value).endswith(f"not {kind}")


@pytest.mark.parametrize("value", [np.float32("nan"), np.float64("inf")])
def test_a_numpy_number_that_is_not_finite_is_refused(value):
    from recstack.spark.session import SparkSettings

    with pytest.raises(ConfigError, match=r"'spark.a' = (nan|inf): a Spark setting must be "
                                          "a finite number"):
        SparkSettings(conf={"spark.a": value}).resolved({})


def test_numpy_numbers_are_written_as_spark_reads_them():
    from recstack.spark.session import setting_text

    assert setting_text(np.float64(4.0)) == "4"
    assert setting_text(np.int64(3)) == "3"
    assert setting_text(np.bool_(True)) == "true"
    assert setting_text(np.float32(0.5)) == "0.5"


def test_a_lone_surrogate_in_the_environment_settings_is_refused():
    from recstack.spark.session import SparkSettings

    with pytest.raises(ConfigError, match=r"^RECSTACK_SPARK_CONF: 'spark.a': the setting's "
                                          r"value '\\ud800' holds a character that is not "
                                          "valid Unicode text"):
        SparkSettings().resolved({"RECSTACK_SPARK_CONF": '{"spark.a": "\\ud800"}'})


def test_a_long_environment_setting_is_cut_in_the_message():
    from recstack.spark.session import SparkSettings

    digits = "9" * 5000
    with pytest.raises(ConfigError) as refused:
        SparkSettings().resolved({"RECSTACK_SPARK_CONF":
                                  f'{{"spark.driver.memory": "{digits}"}}'})
    message = str(refused.value)
    assert f"'{'9' * 60}...{'9' * 20}' (5,000 digits)" in message
    assert len(message) < 400
