"""An experiment file's ``[spark]`` table: the README builds a Spark session from it
(``spark_session(load_experiment(path).spark)``) beside the same file's filters and split,
but ``load_experiment`` refused the table as an unknown key. It is checked when the file is
read, as the other tables are."""

import pytest

from recstack.config import load_experiment
from recstack.errors import ConfigError

BASE = ('[data]\nsource = "synthetic:n_users=50,n_items=40,n_interactions=800"\n'
        '[split]\nmethod = "random"\n[[models]]\ntype = "most_popular"\n')


def test_the_spark_table_is_read_into_settings(tmp_path):
    from recstack.spark.session import SparkSettings

    path = tmp_path / "e.toml"
    path.write_text(BASE + '[spark]\nmaster = "local[2]"\napp_name = "mine"\n'
                    'conf = { "spark.sql.shuffle.partitions" = "4" }\n')
    assert load_experiment(path).spark == SparkSettings(
        master="local[2]", app_name="mine", conf={"spark.sql.shuffle.partitions": "4"})


def test_a_file_without_one_has_none(tmp_path):
    path = tmp_path / "e.toml"
    path.write_text(BASE)
    assert load_experiment(path).spark is None


@pytest.mark.parametrize(("table", "message"), [
    ('[spark]\nmastr = "local[2]"\n', "[spark]: unknown key 'mastr'; did you mean 'master'?"),
    ('[spark]\nmaster = "local[0]"\n', "[spark].master"),
    ('spark = "local[2]"\n', "spark"),
])
def test_a_mistake_in_it_is_refused_when_the_file_is_read(tmp_path, table, message):
    path = tmp_path / "e.toml"
    path.write_text(table + BASE if not table.startswith("[") else BASE + table)
    with pytest.raises(ConfigError) as error:
        load_experiment(path)
    assert str(error.value).startswith(f"{path}: ") and message in str(error.value)
