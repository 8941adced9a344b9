"""A damaged or hand-edited checkpoint is refused naming the file and what is wrong with
it, and a checkpoint the trainer wrote can always be resumed:

- a truncated, empty or missing ``module.safetensors`` / ``optimizer.safetensors`` was
  "not a readable checkpoint" of the folder in safetensors' words, and a missing key of
  ``state.json`` was "(KeyError: 'history')"; a folder holding the tensor files without
  ``state.json`` was said to hold "files that are not a recstack checkpoint";
- history fields edited to what the trainer never writes (a best epoch of ``"x"`` or past
  the epochs done, a best score of ``"nan"``, ``stopped_early: 3``, an epoch that is no
  numbers) were taken without a word;
- an epoch whose validation gave NaN was written as a bare ``NaN``, which the strict JSON
  reader refuses: the trainer's own checkpoint could not be resumed;
- a checkpoint made on other training rows said to use "the same configuration", and one
  made with another setting did not say the values."""

import json
import math

import pytest

torch = pytest.importorskip("torch", reason="PyTorch is not installed: recstack[torch]")

from recstack.errors import RecstackError  # noqa: E402
from recstack.models.torch_training import TorchTrainer  # noqa: E402
from tests.models.test_torch_training import params, problem  # noqa: E402


def _checkpoint(folder, epochs=2, validate=None, **trainer):
    module, optimizer, batches, loss, _ = problem()
    TorchTrainer(epochs=epochs, seed=1, checkpoint_dir=folder, **trainer).fit(
        module, optimizer, batches, loss, validate=validate)
    return module


def _resume(folder, epochs=3, validate=None, **trainer):
    module, optimizer, batches, loss, _ = problem(seed=7)
    return TorchTrainer(epochs=epochs, seed=1, checkpoint_dir=folder, **trainer).fit(
        module, optimizer, batches, loss, validate=validate)


@pytest.mark.parametrize("name", ["module.safetensors", "optimizer.safetensors"])
@pytest.mark.parametrize("damage", ["truncated", "empty"])
def test_a_damaged_tensor_file_is_refused_naming_it(tmp_path, name, damage):
    folder = tmp_path / "ck"
    _checkpoint(folder)
    path = folder / name
    data = path.read_bytes()
    path.write_bytes(data[:len(data) // 2] if damage == "truncated" else b"")
    with pytest.raises(RecstackError) as refused:
        _resume(folder)
    message = str(refused.value)
    assert message.startswith(f"{path}: not a readable safetensors file (")
    assert message.endswith("remove the folder to start training afresh")
    assert "SafetensorError" not in message


@pytest.mark.parametrize("name", ["module.safetensors", "optimizer.safetensors"])
def test_a_missing_tensor_file_is_refused_naming_it(tmp_path, name):
    folder = tmp_path / "ck"
    _checkpoint(folder)
    (folder / name).unlink()
    with pytest.raises(RecstackError, match=rf"^{folder / name}: missing from the checkpoint"):
        _resume(folder)


def test_tensor_files_without_their_state_are_a_damaged_checkpoint(tmp_path):
    folder = tmp_path / "ck"
    _checkpoint(folder)
    (folder / "state.json").unlink()
    with pytest.raises(RecstackError,
                       match=r"holds a recstack checkpoint without its state\.json"):
        _resume(folder)


def test_a_truncated_state_is_refused_naming_it(tmp_path):
    folder = tmp_path / "ck"
    _checkpoint(folder)
    state = folder / "state.json"
    state.write_text(state.read_text()[:40])
    with pytest.raises(RecstackError, match=r"its state\.json is not valid JSON \(line .*; "
                                            r"it was cut short or edited: remove the folder"):
        _resume(folder)


@pytest.mark.parametrize("key", ["history", "optimizer", "epochs_done", "fingerprint"])
def test_a_state_without_a_key_names_the_key(tmp_path, key):
    folder = tmp_path / "ck"
    _checkpoint(folder)
    state = json.loads((folder / "state.json").read_text())
    del state[key]
    (folder / "state.json").write_text(json.dumps(state))
    with pytest.raises(RecstackError) as refused:
        _resume(folder)
    assert str(refused.value) == (f"{folder / 'state.json'}: lacks {key!r}; the checkpoint "
                                  "was edited or is damaged: remove the folder to start "
                                  "training afresh")


@pytest.mark.parametrize(("field", "value", "said"), [
    ("best_epoch", "x", "best_epoch is 'x', not None or an epoch in [0, 2)"),
    ("best_epoch", 2, "best_epoch is 2, not None or an epoch in [0, 2)"),
    ("best_epoch", True, "best_epoch is True"),
    ("best_score", "nan", "best_score is 'nan', not None or a number"),
    ("best_score", "high", "best_score is 'high', not None or a number"),
    ("stopped_early", 3, "stopped_early is 3, not true or false"),
    ("epochs", [1, 2], "epoch 0 is 1, not the epoch's numbers"),
    ("epochs", [{"loss": "low"}, {"loss": 1.0}], "epoch 0: 'loss' is 'low', not a number"),
])
def test_an_edited_history_is_refused_naming_the_field(tmp_path, field, value, said):
    folder = tmp_path / "ck"
    _checkpoint(folder, validate=lambda: 1.0)
    state = json.loads((folder / "state.json").read_text())
    state["history"][field] = value
    (folder / "state.json").write_text(json.dumps(state))
    with pytest.raises(RecstackError) as refused:
        _resume(folder, validate=lambda: 1.0)
    assert str(refused.value).startswith(f"{folder / 'state.json'}: history {said}")


def test_a_best_epoch_without_its_score_is_refused(tmp_path):
    folder = tmp_path / "ck"
    _checkpoint(folder, validate=lambda: 1.0)
    state = json.loads((folder / "state.json").read_text())
    state["history"]["best_score"] = None
    (folder / "state.json").write_text(json.dumps(state))
    with pytest.raises(RecstackError, match=r"both or neither are recorded"):
        _resume(folder, validate=lambda: 1.0)


def test_an_epoch_that_validated_to_nan_can_be_resumed(tmp_path):
    # the trainer records NaN for an epoch that never validated; its checkpoint must be
    # readable by its own (strict) reader, and give back NaN
    folder = tmp_path / "ck"
    _checkpoint(folder, validate=lambda: math.nan)
    assert "NaN" not in (folder / "state.json").read_text()
    history = _resume(folder, validate=lambda: math.nan)
    assert len(history.epochs) == 3
    assert all(math.isnan(epoch["val"]) for epoch in history.epochs)


def test_resuming_after_the_fix_still_gives_one_run(tmp_path):
    # the history check reads what the trainer wrote: resuming ends where one run ends
    module, optimizer, batches, loss, _ = problem()
    TorchTrainer(epochs=3, seed=1).fit(module, optimizer, batches, loss)
    straight = params(module)
    _checkpoint(tmp_path / "ck", epochs=2)
    again, opt2, batches2, loss2, _ = problem(seed=99)
    TorchTrainer(epochs=3, seed=1, checkpoint_dir=tmp_path / "ck").fit(again, opt2, batches2,
                                                                       loss2)
    assert torch.equal(params(again), straight)


def test_a_checkpoint_on_other_rows_says_the_data_differs(tmp_path):
    folder = tmp_path / "ck"
    _checkpoint(folder, config={"factors": 16, "data": "10x5:aaaa"})
    with pytest.raises(RecstackError) as refused:
        _resume(folder, config={"factors": 16, "data": "10x5:bbbb"})
    message = str(refused.value)
    assert "differs in: data (the training rows differ)" in message
    assert message.endswith("use another checkpoint folder for this run (or remove this "
                            "one), or fit on the data it was made with")


def test_a_checkpoint_with_another_setting_names_both_values(tmp_path):
    folder = tmp_path / "ck"
    _checkpoint(folder, config={"factors": 16})
    with pytest.raises(RecstackError,
                       match=r"another model configuration \(differs in: factors: 16 there, "
                             r"8 here\); .* or fit with the checkpoint's settings$"):
        _resume(folder, config={"factors": 8})


def test_a_swap_stopped_between_its_renames_resumes_from_the_kept_checkpoint(tmp_path):
    # each epoch moves the folder to NAME.old, then the new one in: killed between the
    # two, the last checkpoint was under NAME.old and the next run started from epoch 0
    module, optimizer, batches, loss, _ = problem()
    TorchTrainer(epochs=3, seed=1).fit(module, optimizer, batches, loss)
    straight = params(module)
    folder = tmp_path / "ck"
    _checkpoint(folder, epochs=2)
    folder.rename(tmp_path / "ck.old")
    calls = []
    again, opt2, batches2, loss2, _ = problem(seed=99)

    def counted(epoch, generator):
        calls.append(epoch)
        return batches2(epoch, generator)

    TorchTrainer(epochs=3, seed=1, checkpoint_dir=folder).fit(again, opt2, counted, loss2)
    assert calls == [2]  # only the epoch the checkpoint had not finished
    assert torch.equal(params(again), straight)
    assert not (tmp_path / "ck.old").exists()


def test_an_infinite_best_score_survives_a_resume(tmp_path):
    # +inf was written as None (as "no best yet") beside its best epoch: resumed, the
    # next epoch counted as an improvement over nothing
    folder = tmp_path / "ck"
    _checkpoint(folder, validate=lambda: math.inf)
    recorded = json.loads((folder / "state.json").read_text())["history"]
    assert recorded["best_epoch"] == 0 and recorded["best_score"] == "inf"
    history = _resume(folder, validate=lambda: 1.0)
    assert history.best_epoch == 0 and history.best_score == math.inf
