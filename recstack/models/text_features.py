"""Item text as the content models read it: one document per item-table row.

Shared by the content-based model (:mod:`recstack.models.content`) and the two-tower model's
item tower (:mod:`recstack.models.two_tower`), so that neither imports the other and both
tokenise genres the same way.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from typing import Any

import numpy as np
import pandas as pd

from recstack.data.interactions import ITEM_ID, caller_stacklevel
from recstack.errors import RecstackError, shown

__all__ = ["UndescribedItemWarning", "UnknownGenreWarning", "check_item_rows", "genre_tokens",
           "item_documents", "refuse_boolean_text", "refuse_near_columns",
           "saved_columns_problem", "saved_terms_problem", "sklearn_text",
           "warn_undescribed_items", "warn_unknown_genres"]


class UnknownGenreWarning(UserWarning):
    """New item rows name genres the model was not fitted with (a misspelling, or a genre
    new since): such a genre counts as no genre for the item."""


class UndescribedItemWarning(UserWarning):
    """New item rows whose columns hold nothing the model was fitted with (no text, or
    only words it leaves out or never saw): the model cannot place such an item, so every
    one of them is placed alike (content: the zero vector, scoring 0 for every user)."""


_NOT_A_WORD = re.compile(r"[^0-9a-z]+")


def saved_terms_problem(name: str, terms: np.ndarray, *, most: int | None = None,
                        limit: str = "") -> str | None:
    """What is wrong with a saved term list (a TF-IDF vocabulary, genre or tag tokens), or
    None. Fitting writes each term once, in sorted order (scikit-learn's
    ``get_feature_names_out``, ``sorted`` for genres), and a term's place is its feature
    column: a term written twice made the vectoriser fail with scikit-learn's "Vocabulary of
    size N doesn't contain index K" once new items were given, and terms out of order (or
    one replaced by another) gave new items silently wrong vectors. ``most`` (with
    ``limit``, the hyperparameter that sets it, e.g. ``"max_features = 3"``) bounds the
    count."""
    array = np.asarray(terms).astype(str)
    listed: list[str] = array.tolist()
    if len(listed) > 1:
        out_of_order = np.flatnonzero(array[1:] <= array[:-1])
        if len(out_of_order):
            at = int(out_of_order[0])
            how = ("twice" if listed[at] == listed[at + 1]
                   else f"after {listed[at]!r}, out of sorted order")
            return (f"{name} holds {listed[at + 1]!r} {how} (position {at + 1}); fitting "
                    "writes each term once, sorted, and a term's place is its feature "
                    "column, so the file was damaged or edited")
    if most is not None and len(listed) > most:
        return (f"{name} holds {len(listed):,} terms, but {limit} keeps at most {most:,}; "
                f"the hyperparameters in model.json and the arrays disagree, so one of the "
                "two files was edited")
    if any(not term for term in listed):
        return f"{name} holds an empty term; fitting never writes one"
    return None


def saved_columns_problem(name: str, columns: np.ndarray, known: tuple[str, ...]) -> str | None:
    """What is wrong with a saved list of the item-table columns a model reads (in the
    order of ``known``, each once, whichever the table had), or None: a column named twice
    counted its words twice in every new item's text, an unknown one was asked of every
    new item table, and one left out changed every new item's vector, all silently."""
    listed = [str(column) for column in np.asarray(columns).tolist()]
    unknown = [column for column in listed if column not in known]
    if unknown:
        return (f"{name} names {unknown[0]!r}, which the model never reads (it reads "
                f"{', '.join(repr(c) for c in known)}); the file was damaged or edited")
    if listed != [column for column in known if column in listed]:
        return (f"{name} is {listed}; fitting writes each column once, in the order "
                f"{list(known)}, so the file was damaged or edited")
    return None


def refuse_near_columns(table: pd.DataFrame, read: tuple[str, ...], model: str) -> None:
    """Refuse an item-table column that is one the model reads (``read``) written another
    way (``Genres``, ``" title"``, ``genre``, ``Tag``) while the exact name is absent: the
    model reads columns by their exact names and ignores the others, so the column was
    left out of every item's text without a word."""
    present = {str(column) for column in table.columns}
    for column in table.columns:
        if not isinstance(column, str) or column in read:
            continue
        # a byte-order mark or a zero-width character (a CSV header read without
        # encoding="utf-8-sig": "\ufefftitle") and full-width letters fold away too: the
        # column was left out of the text without a word
        folded = re.sub(r"[\s_\-.]+", "", "".join(
            ch for ch in unicodedata.normalize("NFKC", column).casefold()
            if unicodedata.category(ch) != "Cf"))
        for name in read:
            if name not in present and folded in (name, name.rstrip("s")):
                raise RecstackError(
                    f"{model}: the item table has a column {column!r} but no {name!r}; the "
                    f"model reads {', '.join(repr(r) for r in read)} by these exact names and "
                    f"would leave {column!r} out of the items' text; rename it to {name!r}")


#: the item-table columns the content models read as text (content's and two-tower's)
_TEXT_READ = ("title", "genres", "tags", "description")


def refuse_boolean_text(table: pd.DataFrame, model: str, where: str = "the item table"
                        ) -> None:
    """Refuse a value no item text can be read from in a text column the content models
    read (``title``, ``genres``, ``tags``, ``description``; inside a list of them too),
    naming the column, the row and the value:

    - a true/false value: it was read as the word "true" (or the genre ``genre_true``),
      which no item's text means, where a flag column had been given for a text one;
    - an infinite number: read as the word "inf", shared by every such item;
    - a table, a set or bytes (``{'a': 1}``, ``b'Heat'``): read as its Python spelling
      (``b'Heat'`` as the words "b" and "Heat"; a table's keys and values as words).

    A number stays accepted: a title may be one ("1917"), and a genre a code; so does a
    list of names (a ``tags`` or ``genres`` cell). NaN and None are missing text."""
    for column in _TEXT_READ:
        if column not in table.columns or not isinstance(table[column], pd.Series):
            continue
        cells = table[column]
        if cells.dtype.kind not in "bOf":
            continue  # text, whole numbers or times: nothing unreadable among them
        for row, cell in enumerate(cells.tolist()):
            values = (list(cell) if isinstance(cell, list | tuple | np.ndarray) else [cell])
            for value in values:
                problem = _unreadable_text(value)
                if problem is not None:
                    # a fitted table is in the vocabulary's order, not the user's: its item
                    # id says which row is meant
                    item = (f" (item {shown(table[ITEM_ID].iloc[row])})"
                            if isinstance(table.get(ITEM_ID), pd.Series) else "")
                    raise RecstackError(
                        f"{model}: {where}: column {column!r} holds {problem} at row "
                        f"{row}{item}; "
                        f"it is read as text ({column} of the item), so give the item's "
                        f"{column} there as text (or a list of names)"
                        + (f" (was a flag column named {column!r}?)"
                           if isinstance(value, bool | np.bool_) else
                           "; leave it empty (None) where the item has none"
                           if _non_finite(value) else
                           "; decode bytes first (value.decode('utf-8'))"
                           if isinstance(value, bytes | bytearray) else ""))


def _unreadable_text(value: Any) -> str | None:
    """What makes ``value`` (one cell of a text column, or one element of a list there)
    unreadable as item text, in words; None when it is text, a finite number or missing."""
    if isinstance(value, bool | np.bool_):
        return f"the true/false value {bool(value)!r}"
    if _non_finite(value):
        return f"the infinite number {float(value)!r}"
    if isinstance(value, dict | set | frozenset | bytes | bytearray):
        return f"{type(value).__name__} {value!r:.60}"
    if isinstance(value, list | tuple | np.ndarray):
        return f"a nested {type(value).__name__} {value!r:.60}"
    return None


def _non_finite(value: Any) -> bool:
    return isinstance(value, float | np.floating) and np.isinf(value)


def check_item_rows(rows: Any, model: str, method: str, read: tuple[str, ...] = ()
                    ) -> pd.DataFrame:
    """``rows`` when it is a DataFrame of item-table rows (what the content models embed
    new items from); anything else is refused naming the method, not failed on inside, and
    so are a column the model reads (``read``) written another way (``Title``) and a
    true/false value in a text column (:func:`refuse_boolean_text`)."""
    if not isinstance(rows, pd.DataFrame):
        raise RecstackError(f"{model}: {method} takes item-table rows (a pandas DataFrame "
                            f"with the item table's text columns), got {type(rows).__name__}"
                            f"{_item_rows_hint(rows)}")
    wanted = ', '.join(repr(c) for c in read) or 'title, genres...'
    if isinstance(rows.columns, pd.MultiIndex) and not len(rows.columns):
        # there is no first column to show as the example: that was an IndexError
        raise RecstackError(f"{model}: {method}: the item rows have no columns (an empty "
                            f"MultiIndex); give the item table's text columns ({wanted})")
    if isinstance(rows.columns, pd.MultiIndex):
        # no level of a MultiIndex matches 'title', so every text column was reported as
        # missing, with a remedy (assign them) that would have hidden the real text
        raise RecstackError(f"{model}: {method}: the item rows' columns are a MultiIndex "
                            f"(e.g. {rows.columns[0]!r}), where one name is read per column "
                            f"({wanted}); "
                            "flatten them first, e.g. rows.droplevel(0, axis=1)")
    repeated = rows.columns[rows.columns.duplicated()]
    if len(repeated):
        # rows[column] is then a frame: content failed with "'DataFrame' object has no
        # attribute 'str'" and the two-tower model read one of the two columns
        column = repeated[0]
        positions = [int(i) for i in np.flatnonzero(rows.columns == column)[:2]]
        raise RecstackError(f"{model}: {method}: the item rows name column {column!r} twice "
                            f"(positions {positions[0]} and {positions[1]}); give each column "
                            "once")
    if read:
        refuse_near_columns(rows, read, model)
    refuse_boolean_text(rows, model, f"{method}: the item rows")
    return rows


def _item_rows_hint(rows: Any) -> str:
    """How to turn what was given instead of item-table rows into them."""
    if isinstance(rows, pd.Series):
        return ("; one item's row (table.loc[item]) is a Series: select it as a table of one "
                "row, table.loc[[item]] (the item in a list), or row.to_frame().T")
    if isinstance(rows, list | tuple) and rows and all(isinstance(row, dict) for row in rows):
        return "; build the table from it first: pandas.DataFrame(...)"
    return ""


def item_documents(table: pd.DataFrame, columns: list[str]) -> list[str]:
    """One text per item row: the given columns joined by spaces, genres as
    ``genre_<name>`` tokens (:func:`genre_tokens`), missing values as nothing."""
    parts = [table[column].map(genre_tokens if column == "genres" else _cell_text).tolist()
             for column in columns]
    # joined as plain lists: pandas' .str.cat refused a table of no rows (its empty
    # column is not of text dtype), so item_vectors([]) failed with an AttributeError
    return [" ".join(texts) for texts in zip(*parts, strict=True)] if parts else [""] * len(table)


def _cell_text(cell: Any) -> str:
    """One cell of a text column as text: a list of names (a ``tags`` cell) as its names
    joined by spaces, not as its Python spelling; missing values (and missing names in a
    list) as nothing."""
    if isinstance(cell, list | tuple | np.ndarray):
        return " ".join(str(value) for value in cell if not _missing(value))
    return "" if np.ndim(cell) == 0 and pd.isna(cell) else str(cell)


def genre_tokens(genres: Any) -> str:
    """A genre list (or ``"A|B"`` text) as one token per genre, ``genre_<name>``
    (``"Sci-Fi"`` -> ``genre_sci_fi``), so that a genre is not confused with the same word
    in a title; missing values give ``""``."""
    return " ".join(_genre_token(g) for g in _genre_names(genres))


def _genre_names(genres: Any) -> list[Any]:
    """The genres of one item-table cell (a list, or ``"A|B"`` text), missing ones left
    out."""
    if isinstance(genres, str):
        genres = genres.split("|")
    elif genres is None or (np.ndim(genres) == 0 and pd.isna(genres)):
        return []
    elif np.ndim(genres) == 0:  # one genre as a number or code, not a list of them
        genres = [genres]
    # a missing entry inside a list (a Parquet list with a null, a NaN) is no genre: as
    # text it was the token genre_none or genre_nan, shared by every item missing one
    return [g for g in genres if not _missing(g) and str(g).strip()]


def _genre_token(genre: Any) -> str:
    return f"genre_{_NOT_A_WORD.sub('_', str(genre).lower()).strip('_')}"


def warn_unknown_genres(table: pd.DataFrame, known_tokens: Any, model: str, method: str
                        ) -> None:
    """Warn (:class:`UnknownGenreWarning`) when the ``genres`` of new item rows name genres
    whose token is not among ``known_tokens`` (the model's fitted ``genre_<name>``
    vocabulary), naming them, the first row of each and the nearest known genre: a
    misspelt genre ("Comdy") silently counted as no genre, and the item was placed by its
    other columns alone. Nothing is said when the model was fitted without genres."""
    from recstack.specs import did_you_mean  # deferred: messages only

    known = {str(t) for t in np.asarray(known_tokens).tolist() if str(t).startswith("genre_")}
    if "genres" not in table.columns or not known:
        return
    unknown: dict[str, int] = {}
    for row, cell in enumerate(table["genres"].tolist()):
        for genre in _genre_names(cell):
            if _genre_token(genre) not in known:
                unknown.setdefault(str(genre), row)
    if not unknown:
        return
    names = sorted(token.removeprefix("genre_") for token in known)
    shown = "; ".join(
        f"{genre!r} (row {row})"
        f"{did_you_mean(_genre_token(genre).removeprefix('genre_'), names)}"
        for genre, row in list(unknown.items())[:5])
    # "Action, Comedy" is one genre to the "A|B" reading: say how to write several
    separated = next((genre for genre in unknown if re.search(r"[,;/]", genre)), None)
    hint = (f"; several genres in one text are separated by '|' ({separated!r} was read as "
            "one genre), or give a list" if separated is not None else "")
    warnings.warn(UnknownGenreWarning(
        f"{model}: {method}: {len(unknown)} genre(s) the model was not fitted with, counted "
        f"as no genre: {shown}{'; ...' if len(unknown) > 5 else ''}; the genres it knows "
        f"(as tokens): {', '.join(names[:20])}{', ...' if len(names) > 20 else ''}{hint}"),
        stacklevel=caller_stacklevel())


def warn_undescribed_items(table: pd.DataFrame, undescribed: Any, columns: list[str],
                           model: str, method: str, *, nothing: str, consequence: str
                           ) -> None:
    """Warn (:class:`UndescribedItemWarning`) when new item rows (``undescribed`` True)
    got no feature from their ``columns``: a title of words the catalog never used, or of
    stop words only, was placed like an item without text, and its scores (all 0, or the
    one score every such item gets) were served without a word. ``nothing``: what the rows
    lack (the model's vocabulary); ``consequence``: what the model makes of them."""
    rows = np.flatnonzero(np.asarray(undescribed, dtype=bool))
    if not len(rows):
        return
    documents = item_documents(table.iloc[rows[:3]], columns)
    keys = table[ITEM_ID].tolist() if ITEM_ID in table.columns else None
    examples = []
    for row, document in zip(rows[:3].tolist(), documents, strict=True):
        who = f"row {row}" + ("" if keys is None else f" (item {shown(keys[row])})")
        examples.append(f"{who} reads {document.strip()!r:.60}" if document.strip()
                        else f"{who} has no text")
    more = "; ..." if len(rows) > 3 else ""
    label = "column" if len(columns) == 1 else "columns"
    warnings.warn(UndescribedItemWarning(
        f"{model}: {method}: {len(rows):,} of the {len(table):,} new item(s) hold {nothing} "
        f"in their {label} {', '.join(map(repr, columns))} ({'; '.join(examples)}{more}), "
        f"so {consequence}; describe them with words the catalog's items use"),
        stacklevel=caller_stacklevel())


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (
        isinstance(value, float | np.floating) and np.isnan(value))


def sklearn_text(model: str, purpose: str) -> Any:
    """:mod:`sklearn.feature_extraction.text`, or a one-line error naming ``model``, what
    it needs scikit-learn for and the install command."""
    try:
        from sklearn.feature_extraction import text
    except ImportError:
        raise RecstackError(f'{model}: {purpose} needs scikit-learn: '
                            'pip install "recstack[content]"') from None
    return text
