"""Sixty-second probe: ``[data]`` loader options checked together when the file is read.

``column_names = []`` (or one name) and an option naming a column that ``column_names``
does not list passed when the experiment file was read and failed only once the data
loaded; the message now names ``[data]`` and the key, before any data is read."""

from __future__ import annotations

import pytest

from recstack.cli import main
from recstack.config import load_experiment
from recstack.data.sources import LoaderOptions
from recstack.errors import ConfigError

TAIL = '[split]\nmethod = "random"\n[[models]]\ntype = "most_popular"\n'


def _experiment(tmp_path, options: str):
    # a file without a header line, as column_names is for
    (tmp_path / "log.csv").write_text("1,2,3\n2,3,4\n")
    path = tmp_path / "exp.toml"
    path.write_text(f'[data]\nsource = "log.csv"\n{options}\n{TAIL}')
    return path


@pytest.mark.parametrize(("options", "says"), [
    ("column_names = []", r"column_names = \[\]: expected distinct, non-empty names, at "
                          r"least two \(user and item\)"),
    ('column_names = ["u"]', r'column_names = \["u"\]: expected distinct, non-empty names, '
                             r"at least two"),
    ('column_names = ["u", "i", "r"]\nuser_col = "user"',
     r'user_col = "user" is not one of column_names = \["u", "i", "r"\]'),
    ('column_names = ["user", "item", "rating"]\nvalue_col = "ratin"',
     r'value_col = "ratin" is not one of column_names = \["user", "item", "rating"\] '
     r"\(did you mean 'rating'\?\)"),
    ('column_names = ["u", "i", "t"]\nuser_col = "u"\nitem_col = "i"\ntimestamp_col = "time"',
     r'timestamp_col = "time" is not one of column_names'),
    ('column_names = ["u", "i", "r"]\nuser_col = "u"\nitem_col = "i"\ncontext = ["r", "d"]',
     r'context = "d" is not one of column_names = \["u", "i", "r"\]'),
])
def test_loader_options_of_the_wrong_shape_are_refused_when_the_file_is_read(
        tmp_path, monkeypatch, options, says):
    import recstack.data.files as files

    def never(*args, **kwargs):
        raise AssertionError("the data were read")

    monkeypatch.setattr(files, "load_table", never)
    path = _experiment(tmp_path, options)
    with pytest.raises(ConfigError, match=rf"^{path}: \[data\] {says}") as error:
        load_experiment(path)
    assert "\n" not in str(error.value)


def test_column_names_listing_every_named_column_are_taken(tmp_path):
    path = _experiment(tmp_path, 'column_names = ["u", "i", "r"]\nuser_col = "u"\n'
                                 'item_col = "i"\nvalue_col = "r"')
    experiment = load_experiment(path)
    assert experiment.data.options.column_names == ("u", "i", "r")
    assert experiment.data.options.user_col == "u"


def test_the_python_options_follow_the_same_rule():
    with pytest.raises(ConfigError, match=r"column_names = \[\]: expected distinct"):
        LoaderOptions(column_names=())
    with pytest.raises(ConfigError, match=r'item_col = "x" is not one of column_names'):
        LoaderOptions(column_names=("a", "b"), item_col="x")
    assert LoaderOptions(column_names=("a", "b"), user_col="a", item_col="b").user_col == "a"


def test_the_command_line_refuses_a_single_column_name_in_one_line(tmp_path, capsys):
    (tmp_path / "log.csv").write_text("1,2\n")
    code = None
    try:
        code = main(["data", "info", str(tmp_path / "log.csv"), "--column-names", "a"])
    except SystemExit as stop:
        code = stop.code
    assert code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith(
        "recstack data info: error: argument --column-names: expected distinct, non-empty "
        "names"), err
