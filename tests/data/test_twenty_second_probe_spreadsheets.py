"""Twenty-second probe, a spreadsheet given as a log: a workbook saved from Excel or
LibreOffice and renamed .csv (or given as .xlsx) was called "a zip archive, which recstack
does not unpack", whose remedy (unpack it) gives XML, and an old .xls was called text
holding a NUL byte. Now each is named as the spreadsheet it is, with how to save it as CSV,
by every reader of delimited text and Parquet."""

import zipfile

import pytest

from recstack.cli import main
from recstack.data.files import load_table
from recstack.data.side_table import read_side_table
from recstack.errors import DataFormatError

SAVE_AS = r"\(expected the sheet saved as CSV: Save As, CSV UTF-8, in the spreadsheet program\)"


def _xlsx(path):
    # the first entries of a workbook as Excel writes it
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", "<Types/>")
        book.writestr("_rels/.rels", "<Relationships/>")
        book.writestr("xl/workbook.xml", "<workbook/>")
        book.writestr("xl/worksheets/sheet1.xml", "<worksheet/>")
    return path


def _ods(path):
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        book.writestr("content.xml", "<office:document-content/>")
    return path


def _xls(path):
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    return path


@pytest.mark.parametrize("name, make, what", [
    ("ratings.csv", _xlsx, r"an Excel workbook \(\.xlsx\)"),
    ("ratings.xlsx", _xlsx, r"an Excel workbook \(\.xlsx\)"),
    ("ratings.csv", _ods, r"an OpenDocument spreadsheet \(\.ods\)"),
    ("ratings.csv", _xls, r"an Excel 97-2003 workbook \(\.xls\) or another old Office "
                          r"document"),
])
def test_a_workbook_given_as_a_log_is_named_with_how_to_save_it(tmp_path, name, make, what):
    path = make(tmp_path / name)
    with pytest.raises(DataFormatError, match=rf"ratings\.(csv|xlsx): is {what}, not "
                                              rf"delimited text {SAVE_AS}$"):
        load_table(path)


def test_a_workbook_named_parquet_is_named_too(tmp_path):
    path = _xlsx(tmp_path / "ratings.parquet")
    with pytest.raises(DataFormatError, match=rf"ratings\.parquet: is an Excel workbook "
                                              rf"\(\.xlsx\), not Parquet {SAVE_AS}$"):
        load_table(path)


def test_a_workbook_as_a_side_table_is_named_too(tmp_path):
    path = _xls(tmp_path / "items.csv")
    with pytest.raises(DataFormatError, match=r"items\.csv: is an Excel 97-2003 workbook"):
        read_side_table(path)


def test_the_command_line_says_it_in_one_line(tmp_path, capsys):
    path = _xlsx(tmp_path / "ratings.csv")
    assert main(["data", "info", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "ratings.csv: is an Excel workbook (.xlsx), not delimited text" in err


def test_a_zip_of_a_csv_is_still_an_archive_to_unpack(tmp_path):
    path = tmp_path / "ratings.csv"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("ratings.csv", "user_id,item_id\n1,2\n")
    with pytest.raises(DataFormatError, match=r"is a zip archive, which recstack does not "
                                              r"unpack"):
        load_table(path)
