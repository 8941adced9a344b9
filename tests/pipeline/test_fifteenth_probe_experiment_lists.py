"""Fifteenth probe, experiment files: a key that takes a list, given one value, was refused
as "expected a list of a string" (or "of an integer"); the message now names the list's
members as a person would ("a list of strings")."""

import pytest

from recstack.config import load_experiment
from recstack.errors import ConfigError

HEAD = '[data]\nsource = "synthetic"\n'
TAIL = '[split]\nmethod = "random"\n[[models]]\ntype = "most_popular"\n'


@pytest.mark.parametrize(("table", "message"), [
    ('[evaluation]\nmetrics = "ndcg"\n',
     '[evaluation] metrics = "ndcg": expected a list of strings (a list, even of one value: '
     'metrics = ["ndcg"])'),
    ("[evaluation]\nks = [10.0]\n", "[evaluation] ks = [10.0]: expected a list of integers "
                                    "(a whole number is written in digits alone, without a "
                                    "point or an exponent: 10)"),
    ('[evaluation]\nks = "10"\n', '[evaluation] ks = "10": expected a list of integers, got '
                                  'text; write the cut-offs as a list without quotes: ks = [10]'),
])
def test_a_list_key_given_one_value_names_the_members_in_the_plural(tmp_path, table, message):
    path = tmp_path / "exp.toml"
    path.write_text(HEAD + TAIL + table)
    with pytest.raises(ConfigError) as error:
        load_experiment(path)
    assert str(error.value) == f"{path}: {message}"


def test_a_data_list_option_too(tmp_path):
    path = tmp_path / "exp.toml"
    (tmp_path / "log.csv").write_text("user_id,item_id\n1,2\n")
    path.write_text('[data]\nsource = "log.csv"\ncolumn_names = "a,b"\n' + TAIL)
    with pytest.raises(ConfigError) as error:
        load_experiment(path)
    assert str(error.value) == (f'{path}: [data] column_names = "a,b": expected a list of '
                                "strings")
