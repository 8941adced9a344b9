"""Reading a side table (an items or users file, CSV or Parquet) a user points recstack at,
with one clear error for each way it can be wrong."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from recstack.data.files import check_content, not_a_file
from recstack.errors import DataFormatError, RecstackError

__all__ = ["read_side_table"]

_PARQUET = (".parquet", ".pq")


def read_side_table(path: str | Path, *, what: str = "items file", key: str = "item_id",
                    columns: Sequence[str] = (), key_as_text: bool = False) -> pd.DataFrame:
    """The table at ``path`` (``.csv`` or ``.parquet``), its ``key`` column first, then every
    other column; ``columns`` are further columns it must have. With ``key_as_text`` the
    ids are text (as the service's ids are); otherwise they keep the type the file gives
    them, to match the ids of interaction files read the same way.

    Raises
    ------
    RecstackError
        ``path`` does not exist or is not a CSV or Parquet file name.
    DataFormatError
        The file cannot be read as its kind, or lacks ``key`` or one of ``columns`` (the
        message lists the columns it has).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (*_PARQUET, ".csv"):
        raise RecstackError(f"{path}: the {what} must be a .csv or .parquet file")
    problem = not_a_file(path)
    if problem == "no such file":
        problem = f"no such {what}"
    if problem is not None:
        raise RecstackError(f"{path}: {problem}")
    kind = "Parquet" if suffix in _PARQUET else "CSV"
    check_content(path, parquet=kind == "Parquet", encoding="utf-8", decompresses=False)
    try:
        table = (pd.read_parquet(path) if kind == "Parquet"
                 else pd.read_csv(path, dtype={key: str} if key_as_text else None))
    except (OSError, ValueError, UnicodeDecodeError, pd.errors.ParserError) as error:
        # pyarrow's ArrowInvalid is a ValueError; an empty CSV is pandas' EmptyDataError
        raise DataFormatError(f"{path}: not a readable {kind} {what} ({error})") from None
    missing = [c for c in (key, *columns) if c not in table.columns]
    if missing:
        raise DataFormatError(f"{path}: the {what} needs the column(s) "
                              f"{', '.join(map(repr, missing))}; it has "
                              f"{', '.join(map(repr, map(str, table.columns))) or 'none'}")
    if key_as_text:
        table[key] = table[key].astype(str)
    return table[[key, *[c for c in table.columns if c != key]]]
