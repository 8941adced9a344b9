"""Thirtieth probe, an empty option in a ``name=value,...`` spec
(``synthetic:n_users=20,,n_items=3``, ``--filter k_core:user_min=5,,item_min=2``): the
empty part was skipped without a word, though it is most often an option left out
between the commas. Now it is refused, naming its position and the whole option text."""

import pytest

from recstack.cli import main
from recstack.data.sources import load_source, parse_synthetic_spec
from recstack.errors import ConfigError


@pytest.mark.parametrize(("spec", "position"), [
    ("synthetic:n_users=20,,n_items=3", "2 of 3 in 'n_users=20,,n_items=3'"),
    ("synthetic:,n_users=20", "1 of 2 in ',n_users=20'"),
    ("synthetic:n_users=20,", "2 of 2 in 'n_users=20,'"),
    ("synthetic:n_users=20, ,n_items=3", "2 of 3 in 'n_users=20, ,n_items=3'"),
])
def test_an_empty_option_is_refused_naming_its_position(spec, position):
    with pytest.raises(ConfigError, match=rf"^synthetic option {position} is empty \(two "
                                          r"commas in a row, or one at an end\); separate "
                                          r"name=value options by single commas$"):
        parse_synthetic_spec(spec)


def test_load_source_refuses_it_before_generating():
    with pytest.raises(ConfigError, match=r"synthetic option 2 of 3 in "
                                          r"'n_users=20,,n_items=3' is empty"):
        load_source("synthetic:n_users=20,,n_items=3")


def test_specs_without_options_still_parse():
    assert parse_synthetic_spec("synthetic") == {}
    assert parse_synthetic_spec("synthetic:") == {}
    assert parse_synthetic_spec("synthetic:n_users=20, n_items=3") == {"n_users": 20,
                                                                      "n_items": 3}


def test_the_command_line_names_the_filter_option_in_one_line(tmp_path, capsys):
    path = tmp_path / "log.csv"
    path.write_text("user_id,item_id\n1,10\n2,10\n")
    code = main(["data", "split", str(path), "--filter", "k_core:user_min=1,,item_min=1",
                 "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert ("argument --filter: k_core:user_min=1,,item_min=1: option 2 of 3 in "
            "'user_min=1,,item_min=1' is empty") in err
    assert not (tmp_path / "out").exists()
