import pytest

from recstack.atomic import write_text, write_with


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "out.json"
    write_text(target, "old")

    def half_then_fail(path):
        path.write_text("half")
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        write_with(target, half_then_fail)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_write_text_creates_missing_folders(tmp_path):
    target = tmp_path / "a" / "b" / "out.txt"
    assert write_text(target, "x") == target and target.read_text() == "x"
