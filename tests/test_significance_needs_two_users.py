"""An experiment whose test part leaves one user with a relevant item has no paired test:
the run is written with a note instead of ending, every model fitted and evaluated, on
"paired test of ndcg@5 needs at least 2 shared users, got 1"."""

import json

from recstack.cli import main

# three users rating the same eight items in rotated time orders; leave-last-out tests
# each user's last rating, and only user 1's (a 5) reaches the relevance threshold of 4
ROWS = ["user_id,item_id,rating,timestamp"] + [
    f"{user},{(item + user) % 8 + 1},{5 if user == 1 or item < 8 else 1},{user * 100 + item}"
    for user in (1, 2, 3) for item in range(1, 9)]
EXPERIMENT = """[data]
source = "r.csv"
rating_range = [1, 5]
[split]
method = "leave_last_out"
[evaluation]
metrics = ["recall", "ndcg"]
ks = [5]
relevance_threshold = 4.0
[[models]]
type = "most_popular"
[[models]]
type = "random"
"""


def test_one_evaluated_user_skips_the_paired_test_with_a_note(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "r.csv").write_text("\n".join(ROWS) + "\n")
    (tmp_path / "e.toml").write_text(EXPERIMENT)
    assert main(["evaluate", "e.toml", "--out", "out"]) == 0
    err = capsys.readouterr().err
    assert ("recstack: note: no significance test of random against most_popular: ndcg@5 "
            "has a value for 1 shared user(s), and a paired test needs at least 2") in err
    written = json.loads((tmp_path / "out" / "results.json").read_text())
    assert [r["model"] for r in written["models"]] == ["most_popular", "random"]
    assert written["significance"] == {}
