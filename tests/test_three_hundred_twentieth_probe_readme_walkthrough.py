"""Findings of a new user's README walkthrough that were the code's, not the README's: the
``--help`` of the loader's column options named one default column although the loader
reads a list of names (a ``rating`` column is read, the help said "1.0 each"); ``mf``'s
refusal of validation rows said it "neither early-stops" although it early-stops on
``validation_fraction``; ``MissingMethodError`` was importable only from
``recstack.models.base``; ``recstack online`` on the service's own, still empty, events
folder asked whether it was the service's log_dir."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError

TRAIN = Interactions.from_arrays(np.arange(40) % 8, np.arange(40) % 7)


def _help(capsys, *argv: str) -> str:
    from recstack.cli import main

    with pytest.raises(SystemExit):
        main([*argv, "--help"])
    # argparse wraps at the terminal width: compare words, not lines
    return " ".join(capsys.readouterr().out.split())


def test_the_column_options_help_names_every_column_the_loader_looks_for(capsys):
    text = _help(capsys, "data", "split")
    assert ("--user-col USER_COL column of user ids (default: user_id, else userId, user, "
            "userid or uid)") in text
    assert ("--item-col ITEM_COL column of item ids (default: item_id, else itemId, movieId, "
            "item, itemid, iid or product_id)") in text
    assert ("--value-col VALUE_COL column of ratings or weights (default: value, else rating, "
            "ratings, score, weight or count; none of them: 1.0 each)") in text
    assert ("--timestamp-col TIMESTAMP_COL column of event times (default: timestamp, else "
            "time, ts, datetime or date; none of them: no times)") in text


def test_the_help_follows_the_loaders_own_list():
    from recstack.data.files import WELL_KNOWN_COLUMNS
    from recstack.data.sources import LoaderOptions
    from recstack.specs import fields_of

    docs = {name: declared.doc for name, (_, declared, _) in fields_of(LoaderOptions).items()}
    for key, role in (("user_col", "user ids"), ("item_col", "item ids"),
                      ("value_col", "values"), ("timestamp_col", "timestamps")):
        for column in WELL_KNOWN_COLUMNS[role]:
            assert f" {column}" in docs[key], (key, column)


@pytest.mark.parametrize("name", ["mf", "neural_mf", "two_tower"])
def test_a_model_that_early_stops_on_its_own_share_is_not_told_it_never_does(name):
    with pytest.raises(ConfigError) as caught:
        from recstack.models import create_model

        create_model(name).fit(TRAIN, validation=TRAIN)
    assert str(caught.value) == (
        f"{name}: fit() takes no validation rows (it early-stops only on the "
        "validation_fraction of the training rows it carves out of train: set that instead, "
        f"create_model('{name}', validation_fraction=0.1)); the models that take them: "
        "blend, bpr, lightgcn, lightgcn_pp, mult_dae, mult_vae")


def test_the_same_reason_when_the_rows_come_by_position():
    from recstack.models import create_model

    with pytest.raises(ConfigError, match=r"; and this model takes no validation rows \(it "
                                          r"early-stops only on the validation_fraction of "
                                          r"the training rows it carves out of train: set "
                                          r"that instead, create_model\('mf', "
                                          r"validation_fraction=0.1\)\)$"):
        create_model("mf").fit(TRAIN, TRAIN)


def test_a_model_that_never_early_stops_keeps_its_reason():
    from recstack.models import create_model

    with pytest.raises(ConfigError, match=r"^ease: fit\(\) takes no validation rows \(it "
                                          r"neither early-stops nor learns weights on them\); "
                                          r"the models that do: blend, bpr"):
        create_model("ease").fit(TRAIN, validation=TRAIN)


def test_missing_method_error_is_exported_beside_the_warnings():
    import recstack.models
    from recstack.models.base import MissingMethodError

    assert recstack.models.MissingMethodError is MissingMethodError
    assert "MissingMethodError" in recstack.models.__all__
    model = recstack.models.create_model("most_popular").fit(TRAIN)
    with pytest.raises(recstack.models.MissingMethodError, match=r"fold_in"):
        model.fold_in(TRAIN)


def test_online_on_a_log_dir_without_events_yet_says_none_were_logged(tmp_path, capsys):
    from recstack.cli import main

    # what recstack serve --log-dir makes when it starts: both folders, no file yet
    (tmp_path / "logs" / "events").mkdir(parents=True)
    (tmp_path / "logs" / "requests").mkdir()
    assert main(["online", str(tmp_path / "logs")]) == 2
    err = capsys.readouterr().err
    assert err == (f"recstack: error: {tmp_path / 'logs' / 'events'}: no events logged yet (no "
                   "events-*.parquet files); the service writes them as events are POSTed to "
                   "/events, in a file every log_rotate_seconds (60 by default) and when it "
                   "stops\n")


def test_a_folder_that_is_not_a_log_dir_keeps_its_question(tmp_path):
    from recstack.serving.request_log import read_log

    with pytest.raises(RecstackError, match=r"no events-\*\.parquet files; is this the "
                                            r"service's log_dir"):
        read_log(tmp_path, "events")
    (tmp_path / "requests").mkdir()
    with pytest.raises(RecstackError, match=r"requests: no requests logged yet \(no "
                                            r"requests-\*\.parquet files\); the service "
                                            r"writes them as it answers requests"):
        read_log(tmp_path / "requests", "requests")
