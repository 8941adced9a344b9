"""Round 53 (G): ``recstack recommend`` took user ids only on the command line, so a list of
users kept in a file could not be given: ``--users users.txt`` was looked up as one user
("user 'users.txt' not seen in training"). ``--users-file`` reads one id a line, refusing an
empty file, a repeated user and an unknown user with the file's line."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from recstack.cli import main
from recstack.data.interactions import Interactions
from recstack.models.registry import create_model


@pytest.fixture
def model_folder(tmp_path, monkeypatch):
    # popularity: item 10 twice, 11 twice, 12 once
    data = Interactions.from_frame(pd.DataFrame(
        {"user_id": [1, 1, 2, 2, 3], "item_id": [10, 11, 10, 12, 11]}))
    create_model("most_popular").fit(data).save(tmp_path / "pop")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "pop"


def recommend(capsys, model_folder, lines: str, *extra: str) -> tuple[int, str, str]:
    path = model_folder.parent / "users.txt"
    path.write_bytes(lines.encode("utf-8") if isinstance(lines, str) else lines)
    code = main(["recommend", str(model_folder), "--users-file", str(path), "--k", "2",
                 *extra])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_users_of_a_file_get_their_lists_in_file_order(model_folder, capsys):
    # a header, a blank line and Windows line ends, as a spreadsheet export writes them
    code, out, err = recommend(capsys, model_folder, "user_id\r\n3\r\n\r\n1\r\n")
    assert code == 0, err
    lists = pd.read_csv(io.StringIO(out))
    # user 3 saw 11: 10 (2 users) then 12 (1 user); user 1 saw 10 and 11: only 12 is left
    assert lists[["user_id", "rank", "item_id"]].values.tolist() == [
        [3, 1, 10], [3, 2, 12], [1, 1, 12]]


@pytest.mark.parametrize(("lines", "message"), [
    ("", "users.txt: holds no user ids; give a text file of user ids, one a line"),
    ("user_id\n\n", "users.txt: holds no user ids"),
    ("1\n3\n1\n", "users.txt:3: user '1' is also on line 1; give each user once"),
    ("1\n99\n3\n98\n97\n", "users.txt:2: '99' is not a user most_popular was fitted on (nor "
                           "are 2 more, the next on line 4); give only users it knows"),
    ("1,10\n", "users.txt:1: '1,10' is not a user most_popular was fitted on; give only users "
               "it knows (the file holds one user id a line, not columns)"),
    ("007\n", "(this model's user ids are integers, written plainly: 7, not 007 or +7)"),
    (b"1\n\xff\n", "users.txt:2: is not UTF-8 text (byte 0xff)"),
])
def test_a_bad_users_file_is_refused_with_its_line(model_folder, capsys, lines, message):
    code, out, err = recommend(capsys, model_folder, lines)
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_a_missing_users_file_is_refused_by_name(model_folder, capsys):
    code = main(["recommend", str(model_folder), "--users-file", "nope.txt"])
    _, err = capsys.readouterr()
    assert code == 2 and "nope.txt: no such file" in err and "one a line" in err


def test_a_file_given_to_users_points_at_users_file(model_folder, capsys):
    (model_folder.parent / "ids.txt").write_text("1\n")
    code = main(["recommend", str(model_folder), "--users", "ids.txt"])
    _, err = capsys.readouterr()
    assert code == 2
    assert "ids.txt: is a file, not a user id the model knows" in err
    assert "use --users-file ids.txt" in err
