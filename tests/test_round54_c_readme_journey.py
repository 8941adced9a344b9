"""Round 54, helper C: the README's command-line, experiment-file and tuning journeys run
with one user mistake at a time (a boolean for a number, a [tune] key below [tune.space],
[models] for [[models]], a file named like a command)."""
import pytest

from recstack.cli import main
from recstack.config import EvaluationSpec
from recstack.errors import ConfigError

SMALL = "synthetic:n_users=60,n_items=40,n_interactions=600,seed=1"

EXPERIMENT = f"""name = "small"
[data]
source = "{SMALL}"
[split]
method = "random"
[evaluation]
metrics = ["ndcg"]
ks = [5]
[[models]]
type = "most_popular"
"""

BOOLEAN_WORDS = "true and false are not numbers"


def run(capsys, *argv):
    # argparse's refusals leave main() as SystemExit; the others return the status
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exit_info:
        code = exit_info.code
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(code, err):
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


@pytest.mark.parametrize("setting", ["n_threads = true", "batch_size = false"])
def test_an_integer_setting_given_a_boolean_says_a_boolean_is_no_number(tmp_path, capsys,
                                                                        setting):
    path = tmp_path / "exp.toml"
    path.write_text(EXPERIMENT.replace('ks = [5]', f"ks = [5]\n{setting}"))
    code, _, err = run(capsys, "evaluate", path, "--out", tmp_path / "res")
    line = one_line_error(code, err)
    key = setting.split(" = ")[0]
    assert f"[evaluation] {setting}: expected an integer" in line
    assert BOOLEAN_WORDS in line and f"write {key} as a whole number" in line
    assert not (tmp_path / "res").exists()


def test_tune_trials_given_a_boolean_says_a_boolean_is_no_number(tmp_path, capsys):
    path = tmp_path / "exp.toml"
    path.write_text(EXPERIMENT + '[tune]\nmodel = "most_popular"\ntrials = true\n')
    code, _, err = run(capsys, "tune", path)
    line = one_line_error(code, err)
    assert "[tune] trials = true" in line and BOOLEAN_WORDS in line


def test_a_fractional_setting_given_a_boolean_asks_for_a_number_not_a_whole_one(tmp_path,
                                                                               capsys):
    path = tmp_path / "exp.toml"
    path.write_text(EXPERIMENT.replace('ks = [5]', "ks = [5]\nrelevance_threshold = true"))
    line = one_line_error(*run(capsys, "evaluate", path)[::2])
    assert "write relevance_threshold as a number in digits" in line


def test_a_boolean_in_python_gets_the_same_words():
    with pytest.raises(ConfigError, match=BOOLEAN_WORDS):
        EvaluationSpec(n_threads=True)


@pytest.mark.parametrize("argv", [
    ["evaluate", "exp.toml", "--n-threads", "true"],
    ["evaluate", "exp.toml", "--batch-size", "False"],
    ["serve", "--registry", "models", "--workers", "true"],
    ["data", "synth", "--users", "true", "--out", "synth"],
])
def test_an_integer_flag_given_a_boolean_says_a_boolean_is_no_number(capsys, argv):
    line = one_line_error(*run(capsys, *argv)[::2])
    flag = next(word for word in argv if word.startswith("--") and word != "--registry"
                and word != "--out")
    assert f"argument {flag}: expected a whole number" in line and BOOLEAN_WORDS in line


def test_a_list_holding_a_boolean_is_shown_as_the_file_writes_it(tmp_path, capsys):
    path = tmp_path / "exp.toml"
    path.write_text(EXPERIMENT.replace("ks = [5]", "ks = [5, true]"))
    line = one_line_error(*run(capsys, "evaluate", path)[::2])
    assert "ks = [5, true]:" in line and "True" not in line
    assert "write each value as a whole number" in line


def test_a_seed_in_the_wrong_table_is_shown_as_the_file_writes_it(tmp_path, capsys):
    path = tmp_path / "exp.toml"
    path.write_text(EXPERIMENT.replace("ks = [5]", "ks = [5]\nseed = true"))
    line = one_line_error(*run(capsys, "evaluate", path)[::2])
    assert "[evaluation] seed = true: [evaluation] takes no seed" in line


@pytest.mark.parametrize("late_key", ['trials = 5', 'model = "most_popular"'])
def test_a_tune_setting_written_below_the_space_header_is_told_where_it_goes(
        tmp_path, capsys, late_key):
    path = tmp_path / "exp.toml"
    tune = '[tune]\nmodel = "als"\n' if late_key.startswith("trials") else "[tune]\n"
    path.write_text(EXPERIMENT.replace('type = "most_popular"', 'type = "als"') + tune
                    + "[tune.space]\n"
                    + 'factors = { type = "int", low = 2, high = 8 }\n' + late_key + "\n")
    line = one_line_error(*run(capsys, "tune", path)[::2])
    assert f"{late_key} is a setting of [tune], not a dimension of the search space" in line
    assert "write it above the header" in line


@pytest.mark.parametrize(("step", "said"), [
    ("true", BOOLEAN_WORDS),
    ('"2"', "write it without them, step = 2"),
    ('"-2"', "step = -2 unquoted is refused too: must be > 0"),
])
def test_a_misspelt_step_is_told_how_to_write_it(tmp_path, capsys, step, said):
    path = tmp_path / "exp.toml"
    path.write_text(EXPERIMENT.replace('type = "most_popular"', 'type = "als"')
                    + '[tune]\nmodel = "als"\ntrials = 2\n[tune.space]\n'
                    + f'factors = {{ type = "int", low = 2, high = 8, step = {step} }}\n')
    line = one_line_error(*run(capsys, "tune", path)[::2])
    assert "step = " in line and said in line


def test_a_file_named_like_a_command_is_told_to_give_the_command(tmp_path, capsys,
                                                                 monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tune.toml").write_text(EXPERIMENT)
    line = one_line_error(*run(capsys, "tune.toml")[::2])
    assert "tune.toml is a file, not a command" in line and "did you mean" not in line


def test_two_models_each_headed_with_one_pair_of_brackets_are_told_of_the_list(tmp_path,
                                                                              capsys):
    path = tmp_path / "exp.toml"
    path.write_text(EXPERIMENT.replace("[[models]]", "[models]")
                    + '[models]\ntype = "random"\n')
    line = one_line_error(*run(capsys, "evaluate", path)[::2])
    assert "begin each entry with [[models]]" in line


def test_twice_declared_single_tables_get_no_list_hint(tmp_path, capsys):
    path = tmp_path / "exp.toml"
    path.write_text(EXPERIMENT + "[data]\n")
    line = one_line_error(*run(capsys, "evaluate", path)[::2])
    assert "already declared the table [data]" in line and "[[" not in line


def test_one_metric_written_without_a_list_is_told_the_list(tmp_path, capsys):
    path = tmp_path / "exp.toml"
    path.write_text(EXPERIMENT.replace('metrics = ["ndcg"]', 'metrics = "ndcg"'))
    line = one_line_error(*run(capsys, "evaluate", path)[::2])
    assert 'metrics = ["ndcg"]' in line


def test_a_list_option_given_twice_is_shown_as_typed(capsys):
    line = one_line_error(*run(capsys, "recommend", "als", "--registry", "models", "--users",
                               "1", "3", "--users", "2", "--k", "2")[::2])
    assert "argument --users: given twice (1 3, then 2); give it once" in line
