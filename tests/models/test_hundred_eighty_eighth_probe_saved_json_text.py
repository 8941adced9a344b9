"""The JSON files the models package reads back, a saved model's ``model.json`` (by
``load_model`` and ``describe_artifact``) and a training checkpoint's ``state.json``, are
refused in the words a saved ranker's and a calibrator's metadata use when they are not
JSON text:

- an empty file (a save or a copy cut short) was "not valid JSON (line 1, column 1:
  Expecting value)" and, for a checkpoint, "(JSONDecodeError: Expecting value: line 1
  column 1 (char 0))"; it is now "is empty (0 bytes)";
- a file cut short now says that the text ends before the JSON does;
- text in another encoding named only the byte (``not UTF-8 text (byte 0)``) or Python's
  UnicodeDecodeError; it now names the byte, its line and its value;
- a checkpoint's ``state.json`` saved by an editor with a byte-order mark was refused
  ("Unexpected UTF-8 BOM"); it now resumes, as a model's metadata with one loads;
- JSON that is not an object was "found list", "got NoneType" (Python's type names); it is
  now named in JSON's words, with what it holds;
- an empty ``arrays.npz`` was a "checksum mismatch" of two digests; it now says it is empty.
"""

import shutil

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model, load_model
from recstack.models.persistence import describe_artifact


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    users = np.array([0, 0, 1, 1, 2, 2, 3])
    items = np.array([0, 1, 1, 2, 0, 2, 3])
    folder = tmp_path_factory.mktemp("saved") / "model"
    create_model("most_popular").fit(Interactions.from_arrays(users, items)).save(folder)
    return folder


def _copy(saved, tmp_path):
    folder = tmp_path / "model"
    shutil.copytree(saved, folder)
    return folder


@pytest.mark.parametrize("read", [load_model, describe_artifact])
@pytest.mark.parametrize(("content", "said"), [
    (b"", r"model\.json: is empty \(0 bytes\); the metadata is corrupted: save the model "
          r"again$"),
    (b" \r\n", r"model\.json: is empty \(only 3 bytes of white space\); the metadata is "
               r"corrupted: save the model again$"),
])
def test_an_empty_metadata_file_is_said_to_be_empty(saved, tmp_path, read, content, said):
    folder = _copy(saved, tmp_path)
    (folder / "model.json").write_bytes(content)
    with pytest.raises(RecstackError, match=said):
        read(folder)


def test_a_metadata_file_cut_short_is_said_to_be(saved, tmp_path):
    folder = _copy(saved, tmp_path)
    meta = folder / "model.json"
    meta.write_bytes(meta.read_bytes()[:40])
    with pytest.raises(RecstackError, match=r"model\.json: not valid JSON \(line \d+, column "
                                            r"\d+: .*; the text ends before the JSON does: "
                                            r"is the file cut short\?\); the metadata is "
                                            r"corrupted$"):
        load_model(folder)


def test_a_metadata_file_in_another_encoding_names_the_byte_and_line(saved, tmp_path):
    folder = _copy(saved, tmp_path)
    meta = folder / "model.json"
    text = meta.read_bytes()
    # the model's name in Latin-1 on the line that holds it
    line = text[:text.index(b'"most_popular"')].count(b"\n") + 1
    meta.write_bytes(text.replace(b'"most_popular"', b'"most_popul\xe4r"'))
    byte = text.index(b'"most_popular"') + len(b'"most_popul')
    with pytest.raises(RecstackError, match=rf"model\.json: not UTF-8 text \(byte {byte}, "
                                            rf"line {line}, is b'\\xe4'\); the metadata is "
                                            r"corrupted: save the model again$"):
        load_model(folder)


@pytest.mark.parametrize(("content", "found"), [
    (b"[1, 2]", r"a list \(\[1, 2\]\)"),
    (b"null", "null"),
    (b'"most_popular"', r'text \("most_popular"\)'),
    (b"7", r"a number \(7\)"),
    (b"true", r"true/false \(true\)"),
])
def test_metadata_that_is_not_an_object_is_named_in_json_words(saved, tmp_path, content,
                                                                found):
    folder = _copy(saved, tmp_path)
    (folder / "model.json").write_bytes(content)
    with pytest.raises(RecstackError, match=rf"model\.json: expected a JSON object, found "
                                            rf"{found}; the metadata is corrupted$"):
        load_model(folder)


def test_an_empty_arrays_file_is_said_to_be_empty(saved, tmp_path):
    folder = _copy(saved, tmp_path)
    (folder / "arrays.npz").write_bytes(b"")
    with pytest.raises(RecstackError) as refused:
        load_model(folder)
    assert str(refused.value) == (f"{folder / 'arrays.npz'}: is empty (0 bytes): a save or a "
                                  "copy was cut short; copy the whole model folder again, or "
                                  "save the model again")


def test_a_damaged_arrays_file_that_is_not_empty_is_still_a_checksum_mismatch(saved, tmp_path):
    folder = _copy(saved, tmp_path)
    (folder / "arrays.npz").write_bytes(b"hello")
    with pytest.raises(RecstackError, match=r"arrays\.npz: checksum mismatch"):
        load_model(folder)


def test_metadata_with_a_byte_order_mark_still_loads(saved, tmp_path):
    folder = _copy(saved, tmp_path)
    meta = folder / "model.json"
    meta.write_bytes(b"\xef\xbb\xbf" + meta.read_bytes())
    assert load_model(folder).recommend([0], k=2)[0].tolist() == \
        load_model(saved).recommend([0], k=2)[0].tolist()


# ------------------------------------------------------------------ checkpoints' state.json
torch = pytest.importorskip("torch", reason="PyTorch is not installed: recstack[torch]")

from recstack.models.torch_training import TorchTrainer  # noqa: E402
from tests.models.test_hundred_eighteenth_probe_checkpoint_damage import (  # noqa: E402
    _checkpoint,
    _resume,
)
from tests.models.test_torch_training import params, problem  # noqa: E402

AFRESH = "remove the folder to start training afresh"


@pytest.mark.parametrize(("content", "said"), [
    (b"", "is empty (0 bytes)"),
    (b"\n\n", "is empty (only 2 bytes of white space)"),
])
def test_an_empty_checkpoint_state_is_said_to_be_empty(tmp_path, content, said):
    folder = tmp_path / "ck"
    _checkpoint(folder)
    (folder / "state.json").write_bytes(content)
    with pytest.raises(RecstackError) as refused:
        _resume(folder)
    assert str(refused.value) == (f"{folder / 'state.json'}: {said}; the checkpoint is "
                                  f"damaged: {AFRESH}")


def test_a_checkpoint_state_cut_short_is_said_to_be(tmp_path):
    folder = tmp_path / "ck"
    _checkpoint(folder)
    state = folder / "state.json"
    state.write_bytes(state.read_bytes()[:40])
    with pytest.raises(RecstackError) as refused:
        _resume(folder)
    message = str(refused.value)
    assert message.startswith(f"{folder}: not a readable checkpoint: its state.json is not "
                              "valid JSON (line ")
    assert message.endswith("; the text ends before the JSON does: is the file cut short?); "
                            f"it was cut short or edited: {AFRESH}")
    assert "JSONDecodeError" not in message and "char " not in message


def test_a_checkpoint_state_in_another_encoding_names_the_byte(tmp_path):
    folder = tmp_path / "ck"
    _checkpoint(folder)
    state = folder / "state.json"
    state.write_bytes(state.read_text(encoding="utf-8").encode("utf-16"))
    with pytest.raises(RecstackError) as refused:
        _resume(folder)
    assert str(refused.value) == (f"{state}: not UTF-8 text (byte 0, line 1, is b'\\xff'); "
                                  f"the checkpoint is damaged: {AFRESH}")


def test_a_checkpoint_state_with_a_byte_order_mark_resumes(tmp_path):
    plain, marked = tmp_path / "plain", tmp_path / "marked"
    _checkpoint(plain)
    shutil.copytree(plain, marked)
    state = marked / "state.json"
    state.write_bytes(b"\xef\xbb\xbf" + state.read_bytes())
    trained = []
    for folder in (marked, plain):
        module, optimizer, batches, loss, _ = problem(seed=7)
        history = TorchTrainer(epochs=3, seed=1, checkpoint_dir=folder).fit(
            module, optimizer, batches, loss)
        trained.append((params(module), len(history.epochs)))
    # resumed after the 2 epochs of the checkpoint, to the same weights as the plain one
    assert torch.equal(trained[0][0], trained[1][0])
    assert trained[0][1] == trained[1][1] == 3


def test_a_checkpoint_state_that_is_null_is_named_in_json_words(tmp_path):
    folder = tmp_path / "ck"
    _checkpoint(folder)
    (folder / "state.json").write_text("null")
    with pytest.raises(RecstackError) as refused:
        _resume(folder)
    assert str(refused.value) == (f"{folder / 'state.json'}: expected a JSON object, got "
                                  f"null; {AFRESH}")
