"""MovieLens loaders (every GroupLens release, in its native layout) and the release registry.

=============  ===============================  ==========================================
layout         releases                         files read
=============  ===============================  ==========================================
``100k``       100K                             ``u.data`` (tabs), ``u.item`` (``|``,
                                                latin-1, 19 genre flags), ``u.user``
``dat``        1M, 10M                          ``ratings.dat``, ``movies.dat``,
                                                ``users.dat`` (1M), ``tags.dat`` (10M);
                                                fields separated by ``::``
``csv``        20M, 25M, 32M, latest,           ``ratings.csv``, ``movies.csv``,
               latest-small                     ``tags.csv``
=============  ===============================  ==========================================

:func:`load_movielens` returns explicit ratings (``rating_range`` (1, 5) for 100K and 1M,
(0.5, 5) for the others) with int64 Unix-second timestamps and integer ids, rows in file
order, and an ``item_table`` with columns

* ``item_id`` -- the MovieLens movie id;
* ``title`` -- as written in the file, e.g. ``"Toy Story (1995)"``;
* ``year`` -- nullable ``Int64``, from the ``(YYYY)`` at the end of the title, else (100K)
  from the release date;
* ``genres`` -- a Python ``list`` of genre names per item (``[]`` when none are listed),
  which content models can use without re-parsing;
* ``tags`` -- (releases with a tags file) every tag applied to the movie, in file order,
  joined by spaces; ``""`` for untagged movies.

100K and 1M also have a ``user_table``: ``user_id, age, gender, occupation, zip``
(1M ages are the release's age-group codes: 1, 18, 25, 35, 45, 50, 56).
"""

from __future__ import annotations

import codecs
import os
import re
import warnings
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from recstack.atomic import check_regular_file, describe_path
from recstack.data.files import (
    FINITE_VALUE,
    ColumnKind,
    DelimitedLayout,
    PathLike,
    as_path,
    check_content,
    column_to_numpy,
    file_column_names,
    first_nonfinite,
    first_out_of_range,
    first_time_out_of_range,
    first_undecodable,
    line_ends_in_bytes,
    line_of_record,
    near_miss,
    range_text,
    read_delimited,
    read_numeric_columns,
    reading,
    refuse_cut_last_time,
)
from recstack.data.interactions import Interactions, caller_stacklevel, check_flag
from recstack.errors import ConfigError, DataFormatError, RecstackError
from recstack.progress import Progress, resolve
from recstack.specs import arguments_named, closest

__all__ = ["MovieLensRelease", "RELEASES", "UnknownGenreWarning", "release", "detect_variant",
           "load_movielens"]

_BASE_URL = "https://files.grouplens.org/datasets/movielens"


@dataclass(frozen=True)
class MovieLensRelease:
    """One official MovieLens archive.

    Attributes
    ----------
    name
        Registry name, e.g. ``"movielens-100k"`` (what ``recstack data fetch`` takes).
    variant
        Short name, e.g. ``"100k"`` (what :func:`load_movielens` takes).
    url
        The official GroupLens download.
    sha256
        SHA-256 of that zip, or None where no trustworthy value is pinned (then a fetch
        needs an explicit digest or an explicit opt-out of verification).
    folder
        The folder the archive extracts to.
    layout
        ``"100k"``, ``"dat"`` or ``"csv"`` (see the module docstring).
    rating_range
        Lowest and highest rating.
    rating_step
        The step between ratings: 1 (whole stars) for 100K and 1M, 0.5 (half stars) for
        the others; the lowest rating is one step.
    """

    name: str
    variant: str
    url: str
    sha256: str | None
    folder: str
    layout: str
    rating_range: tuple[float, float]
    rating_step: float = 0.5


def _release(variant: str, sha256: str | None, layout: str, low: float,
             folder: str | None = None, archive: str | None = None) -> MovieLensRelease:
    return MovieLensRelease(
        name=f"movielens-{variant}", variant=variant,
        url=f"{_BASE_URL}/{archive or f'ml-{variant}'}.zip", sha256=sha256,
        folder=folder or f"ml-{variant}", layout=layout, rating_range=(low, 5.0),
        rating_step=low)


# SHA-256 of the official zips. Sources (looked up in public code, 2025):
# * 100k, 1m, 20m, 25m, latest-small: tensorflow/datasets,
#   tensorflow_datasets/url_checksums/movielens.txt (with sizes 4,924,029 / 5,917,549 /
#   198,702,078 / 261,978,986 / 978,202 bytes). The 100k and 1m values are also pinned
#   by other projects (e.g. the TensorFlow Lite on-device recommendation example for 1m).
# * 32m: pinned identically by several independent projects (a Rust MovieLens
#   downloader, research data manifests; 238,950,008 bytes).
# * 10m: no SHA-256 found in public code (GroupLens itself publishes only MD5,
#   ce571fd55effeba0271552578f2648bd): None.
# * latest: GroupLens re-issues this archive from time to time, so no value stays
#   right: None. (latest-small was last re-issued in 2018; if GroupLens changes it,
#   the fetch fails loudly and --sha256 accepts the new digest.)
RELEASES: Mapping[str, MovieLensRelease] = {
    r.name: r for r in (
        _release("100k", "50d2a982c66986937beb9ffb3aa76efe955bf3d5c6b761f4e3a7cd717c6a3229",
                 "100k", 1.0),
        _release("1m", "a6898adb50b9ca05aa231689da44c217cb524e7ebd39d264c56e2832f2c54e20",
                 "dat", 1.0),
        _release("10m", None, "dat", 0.5, folder="ml-10M100K"),
        _release("20m", "96f243c338a8665f6bcc89c53edf6ee39162a846940de6b7c8c48aeada765ff3",
                 "csv", 0.5),
        _release("25m", "8b21cfb7eb1706b4ec0aac894368d90acf26ebdfb6aced3ebd4ad5bd1eb9c6aa",
                 "csv", 0.5),
        _release("32m", "e4a68655d7386b8f95f2f2424b2ff975dfdd15ffd59e0d864a14dca43e99d6ee",
                 "csv", 0.5),
        _release("latest", None, "csv", 0.5),
        _release("latest-small",
                 "696d65a3dfceac7c45750ad32df2c259311949efec81f0f144fdfb91ebc9e436", "csv", 0.5),
    )
}


@arguments_named
def release(name: str) -> MovieLensRelease:
    """The release called ``name``: ``"movielens-100k"``, ``"ml-100k"`` or ``"100k"``.

    Raises
    ------
    RecstackError
        For an unknown name, listing the known ones.
    """
    if not isinstance(name, str):
        raise ConfigError(f"a MovieLens release is named by text such as 'movielens-100k', "
                          f"not {name!r}; known: " + ", ".join(RELEASES))
    key = name.strip().lower()
    for prefix in ("movielens-", "ml-"):
        key = key.removeprefix(prefix)
    if not key:
        # '' and 'ml-' were "unknown MovieLens release ''", as if a name had been given
        raise ConfigError(f"the MovieLens release name {name!r} names no release (it is "
                          "empty, or a prefix alone); give one of: " + ", ".join(RELEASES))
    by_variant = {r.variant: r for r in RELEASES.values()}
    if key == "10m100k":
        key = "10m"
    if key not in by_variant:
        # a misspelt name ('movielens-100kk', 'ml-1mm') got the list alone: the nearest of
        # the variants, named as the release is listed
        near = closest(key, list(by_variant))
        meant = by_variant[near].name if near else closest(name.strip().lower(), RELEASES)
        hint = f" (did you mean {meant!r}?)" if meant else ""
        raise ConfigError(f"unknown MovieLens release {name!r}{hint}; known: "
                          + ", ".join(RELEASES))
    return by_variant[key]


# ---------------------------------------------------------------------------- file layouts
GENRES_100K = (
    "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime",
    "Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery",
    "Romance", "Sci-Fi", "Thriller", "War", "Western",
)
# From the 1M README: users.dat stores occupations as these codes.
OCCUPATIONS_1M = (
    "other", "academic/educator", "artist", "clerical/admin", "college/grad student",
    "customer service", "doctor/health care", "executive/managerial", "farmer", "homemaker",
    "K-12 student", "lawyer", "programmer", "retired", "sales/marketing", "scientist",
    "self-employed", "technician/engineer", "tradesman/craftsman", "unemployed", "writer",
)
_NO_GENRES = "(no genres listed)"
#: the genre names of 1M's movies.dat and of the later releases' movies.dat and movies.csv
#: (1M writes "Children's", 10M and later "Children", with IMAX and "(no genres listed)")
GENRES_LATER = (*GENRES_100K[1:], "Children", "IMAX", _NO_GENRES)
_SECONDS = "an integer Unix timestamp in seconds"
_YEAR_AT_END = r"\((\d{4})(?:\s*[-\u2013]\s*\d{0,4})?\s*\)\s*$"

_U_DATA = DelimitedLayout("\t", names=("user id", "item id", "rating", "timestamp"),
                          quoted=False)
_U_ITEM_NAMES = ("movie id", "movie title", "release date", "video release date", "IMDb URL",
                 *GENRES_100K)
_U_USER = ("user id", "age", "gender", "occupation", "zip code")
#: the age groups of 1M's users.dat (its README): under 18, 18-24, ..., 56+
AGE_GROUPS_1M = (1, 18, 25, 35, 45, 50, 56)
#: the oldest age in years 100K's u.user may hold (its users are 7 to 73)
_OLDEST = 120
#: the genders of 100K's u.user and 1M's users.dat
GENDERS = ("M", "F")
_RATINGS_DAT = DelimitedLayout("::", names=("UserID", "MovieID", "Rating", "Timestamp"))
_USERS_DAT = ("UserID", "Gender", "Age", "Occupation", "Zip-code")
_RATINGS_CSV = DelimitedLayout(",")
_RATING_COLUMNS = {  # layout -> (user, item, rating, timestamp) column names in the files
    "100k": ("user id", "item id", "rating", "timestamp"),
    "dat": ("UserID", "MovieID", "Rating", "Timestamp"),
    "csv": ("userId", "movieId", "rating", "timestamp"),
}


def required_files(layout: str) -> tuple[str, str]:
    """The ratings and movies files every release of ``layout`` has."""
    return {"100k": ("u.data", "u.item"), "dat": ("ratings.dat", "movies.dat"),
            "csv": ("ratings.csv", "movies.csv")}[layout]


@arguments_named
def detect_variant(path: PathLike) -> str | None:
    """The release in folder ``path``, from the files in it (and, for the CSV releases,
    which share one layout, from the folder's name; an unknown name gives ``"latest"``),
    or None when the folder holds no MovieLens ratings file. A ``path`` that is no path
    (None, a number) or empty text is refused, naming it.
    """
    folder = as_path(path, "path")
    if not folder.is_dir():
        return None
    present = {p.name for p in folder.iterdir()}
    layouts = [layout for layout in ("100k", "dat", "csv")
               if required_files(layout)[0] in present]
    if len(layouts) > 1:
        # two releases unpacked into one folder: which ratings were meant is a guess
        found = " and ".join(required_files(layout)[0] for layout in layouts)
        raise DataFormatError(
            f"holds the ratings files of more than one MovieLens release ({found})",
            file=str(folder), expected="one release per folder, as unpacked from its zip")
    if not layouts:
        return None
    # the folder's name tells releases of one layout apart (ml-1m's users.dat may be lost)
    by_folder = {r.folder.lower(): r.variant for r in RELEASES.values()
                 if r.layout == layouts[0]}
    named = by_folder.get(folder.name.lower())
    if layouts[0] == "100k":
        return "100k"
    if layouts[0] == "dat":
        return named or _dat_release(folder, present)
    return named or "latest"


#: 1M's ratings.dat holds 1,000,209 lines (24 MB), 10M's 10,000,054 (252 MB)
_LARGEST_1M_RATINGS_BYTES = 64 * 2**20


def _dat_release(folder: Path, present: set[str]) -> str:
    """1M or 10M, for a ``::`` folder whose name does not say: each has a file the other
    lacks (1M ``users.dat``, 10M ``tags.dat``); when both are gone, ratings.dat's size
    tells them apart by a factor of ten."""
    if "users.dat" in present:
        return "1m"
    if "tags.dat" in present:
        return "10m"
    small = (folder / "ratings.dat").stat().st_size <= _LARGEST_1M_RATINGS_BYTES
    return "1m" if small else "10m"


# ---------------------------------------------------------------------------- loading
@arguments_named
def load_movielens(
    path: PathLike,
    variant: str | None = None,
    *,
    keep_unseen_items: bool = False,
    progress: Progress | None = None,
) -> Interactions:
    """Load a MovieLens release from its extracted folder.

    Parameters
    ----------
    path
        The folder (e.g. ``ml-100k/``, as extracted from the official zip or returned
        by :func:`recstack.data.fetch.fetch`).
    variant
        ``"100k"``, ``"1m"``, ``"10m"``, ``"20m"``, ``"25m"``, ``"32m"``, ``"latest"`` or
        ``"latest-small"`` (``"movielens-..."`` names work too); None detects it.
    keep_unseen_items
        Keep movies that nobody rated in the vocabulary and item table (the catalogue of
        a content model); by default only rated movies are items.
    progress
        Progress reporter (None: silent).

    Returns
    -------
    Interactions
        Ratings in file order, with ``item_table`` (and ``user_table`` for 100K and 1M);
        see the module docstring for the columns.

    Raises
    ------
    DataFormatError
        For a malformed file, naming the file, line, column and what was expected; for
        ratings of a movie (or by a user) that the movies (users) file does not list.
    """
    folder = as_path(path)
    # checked before the minutes a large release takes to read
    keep_unseen_items = check_flag(keep_unseen_items, "keep_unseen_items")
    if folder.is_file():
        raise RecstackError(f"{folder}: {_zip_not_extracted(folder, variant)}")
    if os.path.lexists(folder) and not folder.is_dir():
        # a pipe or a link that loops was "no such folder (did you mean <itself>?)"
        raise RecstackError(f"{folder}: is {describe_path(folder)}; expected the folder "
                            "extracted from a MovieLens zip (e.g. ml-100k/)")
    if not folder.is_dir():
        raise RecstackError(f"{folder}: no such folder{near_miss(folder)}")
    # variant='' named no release and was taken as None (detect it)
    detected = detect_variant(folder) if variant is None else variant
    if detected is None:
        _refuse_a_release_without_ratings(folder)
        shown = ", ".join(sorted(p.name for p in folder.iterdir())[:12]) or "nothing"
        raise DataFormatError(
            f"not a MovieLens folder (it holds {shown}){_release_inside(folder)}",
            file=str(folder),
            expected="u.data (100K), ratings.dat (1M, 10M) or ratings.csv (20M and later)")
    chosen = release(detected)
    layout = chosen.layout
    if variant is not None:
        _refuse_another_releases_folder(folder, chosen)
    for required in required_files(layout):
        if not (folder / required).is_file():
            state = (f"is not a file (it is {describe_path(folder / required)})"
                     if os.path.lexists(folder / required) else "is missing")
            missing = state == "is missing"
            raise DataFormatError(
                f"{required} {state}{near_miss(folder / required) if missing else ''}"
                f"{_another_release_here(folder, variant, layout)}"
                f"{_release_inside(folder) if missing else ''}",
                file=str(folder),
                expected=f"the files of MovieLens {chosen.variant.upper()}: "
                         + ", ".join(required_files(layout)))
    for optional in ("u.user", "users.dat", "tags.dat", "tags.csv"):
        # read when they are files: a pipe was passed over (no user table, no tags)
        check_regular_file(folder / optional, f"the release's {optional} as a file, or "
                           "remove it")
    _refuse_side_file_folders(folder, layout)
    _refuse_other_releases_files(folder, chosen)
    # four steps: ratings, movies, tags, users + indexing
    try:
        with resolve(progress).task(f"Loading MovieLens {chosen.variant}", total=4) as task, \
                reading(folder):  # a safety net: any reading failure still names the folder
            users, items, ratings, timestamps = _read_ratings(folder, layout, chosen)
            task.advance()
            item_table, user_table = _read_side_tables(folder, layout)
            _refuse_unlisted(folder, layout, items, item_table, "movie")
            if user_table is not None:
                _refuse_unlisted(folder, layout, users, user_table, "user")
            task.advance(2)
            data = Interactions.from_arrays(
                users, items, ratings, timestamps, duplicates="keep",
                rating_range=chosen.rating_range, item_table=item_table,
                user_table=user_table, keep_unseen_items=keep_unseen_items)
            task.advance()
    except DataFormatError as error:
        raise _as_release_advice(error) from None
    return data


#: an option of ``load_table`` (and the side-table readers) named in the advice of the
#: readers load_movielens shares with them; load_movielens takes none of them
_LOADER_OPTION = re.compile(r"\b(encoding|separator|column_names|timestamp_format|"
                            r"timestamp_unit|user_col|item_col|value_col|timestamp_col|"
                            r"rating_range|duplicates)=")


def _as_release_advice(error: DataFormatError) -> DataFormatError:
    """``error`` of the readers load_movielens shares with ``load_table`` with advice it
    cannot follow turned into advice it can: "expected encoding='utf-8'" or "pass
    separator=';'" named options load_movielens does not take, and a JSON file's "convert
    it to Parquet" a file it does not read. The file must be the release's again."""
    expected = error.expected
    if expected is None:
        return error
    # "(for a log of your own, pass separator=';')": the rest of the advice stands
    expected = re.sub(r" \((for a log of your own, )?pass separator=[^)]*\)", "", expected)
    if "which is read compressed" in expected:
        # "expected the name ratings.dat.gz, which is read compressed": load_movielens
        # reads the release's own names only, so the renamed file was then "missing"
        name = Path(error.file).name if error.file else "as the release names it"
        return DataFormatError(
            re.sub(r", but its name does not end in \S+$", ", not text", error.detail),
            file=error.file, line=error.line, column=error.column,
            expected=f"{_RELEASE_TEXT}: the file decompressed, under its own name ({name})")
    elif _LOADER_OPTION.search(expected) or "to_parquet(" in expected:
        expected = (f"{_RELEASE_TEXT}: load_movielens takes no options for a file in "
                    "another form; extract the release again from the official zip, or "
                    "read a file of your own with load_table")
    if expected == error.expected:
        return error
    return DataFormatError(error.detail, file=error.file, line=error.line,
                           column=error.column, expected=expected)


#: what every MovieLens text file is, as the official zips hold them
_RELEASE_TEXT = ("the release's file as it ships (UTF-8 text, latin-1 in the older "
                 "releases, fields separated as the release separates them)")


def _read_side_tables(folder: Path, layout: str
                      ) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The item table (with tags where the release has them) and the user table."""
    with reading(folder):
        item_table = _read_items(folder, layout)
        tags = _read_tags(folder, layout, item_table["item_id"].to_numpy())
        if tags is not None:
            text = tags.reindex(item_table["item_id"].to_numpy()).fillna("")
            item_table["tags"] = pd.Series(text.to_numpy(), dtype="str")
        return item_table, _read_users(folder, layout)


def _refuse_unlisted(folder: Path, layout: str, rated: np.ndarray, table: pd.DataFrame,
                     what: str) -> None:
    """Refuse ratings of a movie (or by a user) that the release's movies (users) file does
    not list: every release lists them all, so the file was cut short or comes from
    another release, and the item's title and genres (the user's age...) were silently
    empty."""
    key = "item_id" if what == "movie" else "user_id"
    listed = table[key].to_numpy()
    unlisted = np.unique(rated[~np.isin(rated, listed)])
    if not len(unlisted):
        return
    names = {"100k": ("u.item", "u.user"), "dat": ("movies.dat", "users.dat"),
             "csv": ("movies.csv", "")}[layout]
    listing = names[0] if what == "movie" else names[1]
    ratings = _ratings_layout(folder, layout)[0].name
    shown = ", ".join(str(int(i)) for i in unlisted[:5])
    more = f" and {len(unlisted) - 5:,} more" if len(unlisted) > 5 else ""
    raise DataFormatError(
        f"{ratings} has ratings {'of' if what == 'movie' else 'by'} {len(unlisted):,} "
        f"{what}(s) that {listing} does not list ({what} ids {shown}{more})",
        file=str(folder / listing),
        expected=f"a line for every {what} of {ratings}, as every MovieLens release has (the "
                 "file seems cut short, or to come from another release)")


#: how each layout writes its files, by kind of file: the separator (and its name), the
#: number of fields on a line (at least that many for the CSV movies, whose titles may
#: hold commas), and the release's file, for messages
_WRITTEN_AS: dict[str, dict[str, tuple[str, str, int, str]]] = {
    "ratings": {"100k": ("\t", "tabs", 4, "100K's u.data"),
                "dat": ("::", "'::'", 4, "1M's or 10M's ratings.dat"),
                "csv": (",", "commas", 4, "the ratings.csv of 20M and later")},
    "movies": {"100k": ("|", "'|'", 24, "100K's u.item"),
               "dat": ("::", "'::'", 3, "1M's or 10M's movies.dat"),
               "csv": (",", "commas", 3, "the movies.csv of 20M and later")},
    "users": {"100k": ("|", "'|'", 5, "100K's u.user"),
              "dat": ("::", "'::'", 5, "1M's users.dat")},
}
#: the users file of each layout that has one
_USERS_FILE = {"100k": "u.user", "dat": "users.dat"}


def _another_release_here(folder: Path, variant: str | None, layout: str) -> str:
    """For a ``variant`` given that the folder's files do not match: the release whose
    ratings file the folder holds (the message named only the file that was missing)."""
    if variant is None:
        return ""
    try:
        found = detect_variant(folder)
    except DataFormatError:
        return ""
    if found is None or release(found).layout == layout:
        return ""
    return (f"; the folder holds {required_files(release(found).layout)[0]}, the ratings "
            f"of MovieLens {found.upper()}: leave variant out, or give variant={found!r}")


#: the files (other than the ratings) that only the zips of one layout hold, by layout
_OWN_FILES = {"100k": ("u.item", "u.user", "u.genre", "u.info", "u.occupation"),
              "dat": ("movies.dat", "users.dat", "tags.dat"),
              "csv": ("movies.csv", "tags.csv", "links.csv", "genome-scores.csv",
                      "genome-tags.csv")}


#: the 100K release's prepared splits (u1.base ... u5.test, ua.base ... ub.test)
_100K_SPLIT_FILE = re.compile(r"u[1-5ab]\.(?:base|test)")


def is_release_file(name: str) -> bool:
    """Whether ``name`` is the name of a file some MovieLens zip holds (``u.data``,
    ``ratings.dat``, ``movies.csv``, ``u1.base``...)."""
    return (any(name in required_files(layout) or name in names
                for layout, names in _OWN_FILES.items())
            or _100K_SPLIT_FILE.fullmatch(name) is not None)


def _refuse_a_release_without_ratings(folder: Path) -> None:
    """Refuse a folder that holds a release's other files but not its ratings file, naming
    the missing file and the release (it was "not a MovieLens folder", though it held, say,
    the movies.dat and users.dat of 1M). A ratings file written another way
    (``Ratings.dat``, ``ratings.csv.txt``) is named as the one meant."""
    present = {entry.name for entry in folder.iterdir()}
    held = {layout: [name for name in names if name in present]
            for layout, names in _OWN_FILES.items()}
    layouts = [layout for layout, names in held.items() if names]
    if len(layouts) != 1:
        return
    layout = layouts[0]
    ratings = required_files(layout)[0]
    if layout == "100k":
        which = "100K"
    elif layout == "dat":
        which = ("1M" if "users.dat" in present else "10M" if "tags.dat" in present
                 else "1M or 10M")
    else:
        which = "20M and later"
    raise DataFormatError(
        f"{ratings} is missing{near_miss(folder / ratings)}; the folder holds "
        f"{', '.join(held[layout])}, files of MovieLens {which}, but not the ratings"
        f"{_release_inside(folder)}",
        file=str(folder),
        expected=f"the release's {ratings} beside them, as the official zip holds it "
                 "(extract the zip again)")


#: the side files each layout reads when they are there, and what they give
_SIDE_FILES = {"100k": {"u.user": "the user table"},
               "dat": {"users.dat": "the user table", "tags.dat": "the movies' tags"},
               "csv": {"tags.csv": "the movies' tags"}}


def _refuse_side_file_folders(folder: Path, layout: str) -> None:
    """Refuse a side file of the release (``u.user``, ``users.dat``, ``tags.dat``,
    ``tags.csv``) that is a folder: it was passed over as a missing file, and the data
    came back without its user table or tags, without a word (a folder in a movies or
    ratings file's place is refused already)."""
    for name, gives in _SIDE_FILES[layout].items():
        if (folder / name).is_dir():
            raise DataFormatError(
                f"{name} is a folder, not a file: {gives} would be left out without a word",
                file=str(folder),
                expected=f"the release's {name} as a file (extract it again from the "
                         f"official zip), or no {name} at all to load the release without "
                         f"{gives}")


def _release_inside(folder: Path) -> str:
    """``; ml-100k/ inside it is a MovieLens release folder: give '<folder>/ml-100k'``
    when a folder directly inside ``folder`` holds a MovieLens ratings file (the folder
    the zip was extracted into was given, one level above the release): the message
    named only the files that were missing. Empty when none does."""
    ratings = {required_files(layout)[0] for layout in ("100k", "dat", "csv")}
    try:
        inside = sorted(entry for entry in folder.iterdir()
                        if entry.is_dir() and not entry.name.startswith((".", "__"))
                        and any((entry / name).is_file() for name in ratings))
    except OSError:
        return ""
    if not inside:
        return _zips_inside(folder)
    if len(inside) == 1:
        return (f"; {inside[0].name}/ inside it is a MovieLens release folder: give "
                f"{str(inside[0])!r}")
    return ("; " + ", ".join(f"{p.name}/" for p in inside[:5]) + " inside it are MovieLens "
            f"release folders: give one of them, e.g. {str(inside[0])!r}")


def _zip_releases(path: Path) -> list[str]:
    """The folders inside the zip ``path`` that hold a MovieLens ratings file (``ml-100k``,
    or "" for one at the zip's top), in order; empty when ``path`` is no readable zip or
    holds none."""
    ratings = {required_files(layout)[0] for layout in ("100k", "dat", "csv")}
    try:
        if not zipfile.is_zipfile(path):
            return []
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (OSError, zipfile.BadZipFile, ValueError):
        return []
    found: list[str] = []
    for name in names:
        parent, _, base = name.rstrip("/").rpartition("/")
        if base in ratings and parent.count("/") == 0 and parent not in found:
            found.append(parent)
    return found


def _zip_not_extracted(path: Path, variant: str | None = None) -> str:
    """What the file ``path``, given where a release's folder goes, is, and what to give:
    a zip holding a release (the download given in place of its folder) is named with the
    folder to extract and give; it was "is a file; expected the folder extracted from a
    MovieLens zip", which did not say that the file was that zip, nor which folder.
    ``variant``, as the caller gave it, is compared with the release the zip holds."""
    releases = _zip_releases(path)
    if releases:
        release_folder = releases[0]
        made = path.parent / release_folder if release_folder else path.with_suffix("")
        into = made.parent if release_folder else made
        holds = f"{release_folder}/" if release_folder else "the release's files at its top"
        return (f"is a MovieLens zip not yet extracted (it holds {holds}); extract it (e.g. "
                f"python -m zipfile -e {str(path)!r} {str(into)!r}) and give the folder it "
                f"makes, {str(made)!r}{_other_release_in_zip(release_folder, variant)}")
    try:
        is_zip = zipfile.is_zipfile(path)
    except OSError:
        is_zip = False
    if not is_zip and path.suffix.lower() == ".zip":
        # a download cut short or damaged was "is a file; expected the folder", as if the
        # wrong kind of thing had been given
        named = next((r for r in RELEASES.values()
                      if r.folder.lower() == path.stem.lower()
                      or r.url.rsplit("/", 1)[-1].lower() == path.name.lower()), None)
        again = (f"recstack data fetch {named.name}" if named is not None else
                 "recstack data fetch movielens-<release>")
        return (f"is a file; expected the folder extracted from a MovieLens zip, and this "
                f"file, named as one, is no readable zip archive ({_size_text(path)}: a "
                f"download cut short or damaged): download it again ({again}), extract it "
                "and give the folder it makes")
    kind = "a zip archive that holds no MovieLens ratings file" if is_zip else "a file"
    return f"is {kind}; expected the folder extracted from a MovieLens zip (e.g. ml-100k/)"


def _size_text(path: Path) -> str:
    try:
        return f"{path.stat().st_size:,} bytes"
    except OSError:
        return "its size unknown"


def _other_release_in_zip(release_folder: str, variant: str | None) -> str:
    """``; it holds MovieLens LATEST-SMALL, not the 1M that variant='1m' names`` when the
    zip's release folder is another release's than ``variant`` (a zip saved under another
    release's name); '' when they agree or either is unknown."""
    if variant is None or not isinstance(variant, str):
        return ""
    try:
        asked = release(variant)
    except ConfigError:
        return ""  # the name itself is refused once the folder is given
    held = next((r for r in RELEASES.values()
                 if r.folder.lower() == release_folder.lower()), None)
    if held is None or held.variant == asked.variant:
        return ""
    return (f"; note that it holds MovieLens {held.variant.upper()}, not the "
            f"{asked.variant.upper()} that variant={variant!r} names (give "
            f"variant={held.variant!r}, or leave variant out)")


def _zips_inside(folder: Path) -> str:
    """``; ml-100k.zip inside it is a MovieLens zip not yet extracted: ...`` when a zip
    directly inside ``folder`` holds a release (the folder a zip was downloaded to, given
    before the zip was extracted: the message named only the missing files); else ""."""
    try:
        zips = sorted(entry for entry in folder.iterdir()
                      if entry.suffix.lower() == ".zip" and entry.is_file())
    except OSError:
        return ""
    for archive in zips[:20]:
        releases = _zip_releases(archive)
        if releases:
            made = folder / releases[0] if releases[0] else archive.with_suffix("")
            into = made.parent if releases[0] else made
            return (f"; {archive.name} inside it is a MovieLens zip not yet extracted: "
                    f"extract it (e.g. python -m zipfile -e {str(archive)!r} {str(into)!r}) "
                    f"and give {str(made)!r}")
    return ""


def _refuse_another_releases_folder(folder: Path, chosen: MovieLensRelease) -> None:
    """Refuse a ``variant`` given for the folder another release of the same layout unpacks
    to (``load_movielens("ml-latest-small", "20m")``): the files of one layout read alike,
    so the small release was loaded as 20M without a word. (Of the ``::`` releases, 1M
    and 10M read differently, half stars and tags, and a folder of one is read as the
    other on purpose, to read its tags.)"""
    if chosen.layout != "csv":
        return
    named = next((r for r in RELEASES.values() if r.layout == chosen.layout
                  and r.folder.lower() == folder.name.lower()), None)
    if named is None or named.variant == chosen.variant:
        return
    raise DataFormatError(
        f"variant={chosen.variant!r} names MovieLens {chosen.variant.upper()}, but the "
        f"folder is named {folder.name}, the folder MovieLens {named.variant.upper()} "
        "unpacks to", file=str(folder),
        expected=f"variant={named.variant!r} (or leave it out) for this folder, or the "
                 f"folder MovieLens {chosen.variant.upper()} unpacks to ({chosen.folder})")


def _refuse_other_releases_files(folder: Path, chosen: MovieLensRelease) -> None:
    """Refuse a ratings, movies or users file whose first line is written as another
    release writes that file (a u.data renamed ratings.dat was refused as 'the row has 1
    field(s)', with no word that the file is of another release)."""
    ratings, movies = required_files(chosen.layout)
    files = {"ratings": folder / ratings, "movies": folder / movies}
    if chosen.layout in _USERS_FILE and (folder / _USERS_FILE[chosen.layout]).is_file():
        files["users"] = folder / _USERS_FILE[chosen.layout]
    for kind, path in files.items():
        with path.open("rb") as stream:
            first = stream.readline(4096).decode("latin-1").strip()
        own = _WRITTEN_AS[kind][chosen.layout]
        if not first or own[0] in first:
            continue
        for other, (separator, words, fields, writer) in _WRITTEN_AS[kind].items():
            count = len(first.split(separator))
            if other != chosen.layout and (count == fields or (other == "csv" and
                                                               count > fields)):
                raise DataFormatError(
                    f"{count} fields separated by {words}, as {writer} is written, not by "
                    f"{own[1]} as MovieLens {chosen.variant.upper()} writes {path.name}: "
                    "the file is of another release", file=str(path), line=1,
                    expected=f"the {path.name} of MovieLens {chosen.variant.upper()}, or "
                             "the folder the other release unpacks to"
                             + (" (load_table reads any ratings file)" if kind == "ratings"
                                else ""))


def _ratings_layout(folder: Path, layout: str) -> tuple[Path, DelimitedLayout]:
    if layout == "100k":
        return folder / "u.data", _U_DATA
    if layout == "dat":
        return folder / "ratings.dat", _RATINGS_DAT
    return folder / "ratings.csv", _RATINGS_CSV


def _read_ratings(folder: Path, layout: str, chosen: MovieLensRelease
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The four rating columns as numpy arrays, checked (the fast path of every loader).
    What no release holds is refused, as the sign of a file edited or from another
    dataset: a rating off the release's step (3.7 among half stars) or a (user, movie)
    pair rated twice (the model matrices summed the two silently)."""
    rating_range = chosen.rating_range
    path, text_layout = _ratings_layout(folder, layout)
    user, item, rating, timestamp = _RATING_COLUMNS[layout]
    if layout == "csv":
        _refuse_a_missing_header(path, _RATING_COLUMNS[layout])
    kinds: dict[str, ColumnKind] = {user: "int32", item: "int32", rating: "float32",
                                    timestamp: "int64"}
    arrays = read_numeric_columns(path, text_layout, kinds, expected={timestamp: _SECONDS},
                                  id_columns=(user, item))
    if len(arrays[user]) == 0:
        raise DataFormatError("holds no ratings", file=str(path),
                              expected="one rating per line")
    values = arrays[rating]
    bad = first_nonfinite(values)
    if bad is not None:
        raise _error_at(path, text_layout, bad, rating, FINITE_VALUE)
    bad = first_out_of_range(values, rating_range)
    if bad is not None:
        raise _error_at(path, text_layout, bad, rating, range_text(rating_range))
    off_step = np.flatnonzero(np.mod(values, chosen.rating_step) != 0)
    if len(off_step):
        stars = "whole stars" if chosen.rating_step == 1 else "half stars"
        raise _error_at(path, text_layout, int(off_step[0]), rating,
                        f"{stars} ({', '.join(_steps(chosen))}), as every rating of MovieLens "
                        f"{chosen.variant.upper()} is: the file was edited or is another "
                        "dataset; read such a file with load_table")
    for column in (user, item):
        below_one = np.flatnonzero(arrays[column] < 1)
        if len(below_one):
            # a minus sign or a 0 typed in an edit: every release numbers its users and
            # movies from 1, and the id was kept as a user or movie of its own
            raise _error_at(path, text_layout, int(below_one[0]), column, _FROM_ONE)
    _refuse_repeated_pairs(path, text_layout, arrays[user], arrays[item])
    bad = first_time_out_of_range(arrays[timestamp])
    if bad is not None:
        raise _error_at(path, text_layout, bad, timestamp, "Unix seconds between the years 1 "
                        "and 9999 (MovieLens timestamps are seconds)")
    before_1970 = np.flatnonzero(arrays[timestamp] < 0)
    if len(before_1970):
        # read as a date before 1970, though MovieLens has collected ratings since 1995:
        # the line was edited (a minus sign, or a value of another column)
        raise _error_at(path, text_layout, int(before_1970[0]), timestamp,
                        "Unix seconds from 0 (1970) on, as every MovieLens rating has (the "
                        "first ones are of 1995): a negative time is no MovieLens time; the "
                        "file was edited or is another dataset")
    _refuse_a_cut_last_line(path, text_layout, arrays[timestamp], timestamp, chosen)
    return arrays[user], arrays[item], values, arrays[timestamp]


#: what an id of a MovieLens file is, for the refusal of one below 1
_FROM_ONE = ("an id from 1 up, as every MovieLens release numbers its users and movies: the "
             "file was edited or is another dataset")


def _steps(chosen: MovieLensRelease) -> list[str]:
    """The ratings of a release, for messages: ['0.5', '1', ..., '5']."""
    low, high = chosen.rating_range
    count = int(round((high - low) / chosen.rating_step)) + 1
    return [f"{low + chosen.rating_step * n:g}" for n in range(count)]


def _refuse_repeated_pairs(path: Path, layout: DelimitedLayout, users: np.ndarray,
                           items: np.ndarray) -> None:
    """Refuse a ratings file that rates one (user, movie) pair on two lines, naming both:
    no release does. Most releases list each user's movies in increasing order, which is
    checked in one pass; another order costs a sort."""
    keys = users.astype(np.int64) * (int(items.max(initial=0)) + 1) + items
    if len(keys) < 2 or bool(np.all(keys[1:] > keys[:-1])):
        return
    ordered = np.sort(keys)
    again = ordered[1:] == ordered[:-1]
    if not again.any():
        return
    repeated_keys = np.unique(ordered[1:][again])
    rows = np.flatnonzero(np.isin(keys, repeated_keys))
    # the first line that repeats an earlier one, and that earlier line
    _, first_of_key, key_of_row = np.unique(keys[rows], return_index=True,
                                            return_inverse=True)
    later = np.ones(len(rows), bool)
    later[first_of_key] = False
    position = int(np.argmax(later))
    first, second = int(rows[first_of_key[key_of_row[position]]]), int(rows[position])
    raise DataFormatError(
        f"user {int(users[second])} rates movie {int(items[second])} a second time (first "
        f"on line {line_of_record(path, layout, first)[0]}); {len(repeated_keys):,} "
        "(user, movie) pair(s) are rated more than once", file=str(path),
        line=line_of_record(path, layout, second)[0],
        expected="each (user, movie) pair on one line only, as in every MovieLens release: "
                 "the file was edited or joined with another; to read it anyway, use "
                 "load_table with a duplicates policy")


def _error_at(path: Path, layout: DelimitedLayout, record: int, column: str,
              wanted: str) -> DataFormatError:
    """The error for the value in ``column`` of data record ``record`` (slow; errors only)."""
    line, fields = line_of_record(path, layout, record)
    position = file_column_names(path, layout).index(column)
    text = fields[position].strip() if position < len(fields) else ""
    where = "" if line is not None else f"data row {record + 1}: "
    return DataFormatError(f"{where}found {text!r}", file=str(path), line=line, column=column,
                           expected=wanted)


def _refuse_a_cut_last_line(path: Path, layout: DelimitedLayout, times: np.ndarray,
                            column: str, chosen: MovieLensRelease) -> None:
    """Refuse a ratings file cut short inside the time of its last line (a download or a
    copy that stopped): ``2::1::4::97`` was read as a rating made in 1970, 97 seconds in,
    without a word (see :func:`~recstack.data.files.cut_last_time`). Every release ends
    its files with a line end; ending the line, when it is whole as it is, reads it."""
    refuse_cut_last_time(path, layout, times, column,
                         f"fetch it again (recstack data fetch {chosen.name})")


# ---------------------------------------------------------------------------- items
def _read_items(folder: Path, layout: str) -> pd.DataFrame:
    if layout == "100k":
        return _read_u_item(folder / "u.item")
    if layout == "dat":
        path = folder / "movies.dat"
        fields = _split_dat(path, ("MovieID", "Title", "Genres"), free=1)
        ids = _dat_ints(path, fields, "MovieID")
        titles, genres = fields["Title"][0], fields["Genres"][0]
        numbers = fields["MovieID"][1]
        _check_ids(path, ids, "MovieID", lambda index: int(numbers[index]))
        return _item_frame(ids, titles, _genre_lists(
            genres, path, "Genres", lambda index: int(numbers[index])))
    else:
        path = folder / "movies.csv"
        _refuse_a_missing_header(path, ("movieId", "title", "genres"))
        text_layout = DelimitedLayout(",", encoding=_encoding(path), newlines_in_values=True)
        table = read_delimited(path, text_layout,
                               {"movieId": "int32", "title": "text", "genres": "text"})
        ids, titles, genres = (table.column("movieId").to_numpy(), table.column("title"),
                               table.column("genres"))
        _check_ids(path, ids, "movieId",
                   lambda index: line_of_record(path, text_layout, index)[0])
    return _item_frame(ids, titles, _genre_lists(
        genres, path, "genres", lambda index: line_of_record(path, text_layout, index)[0]))


def _check_ids(path: Path, ids: np.ndarray, column: str, line_of: Callable[[int], int | None]
               ) -> None:
    """Refuse a movie or user table without rows, with an id below 1 or with an id on two
    rows."""
    if len(ids) == 0:
        raise DataFormatError("holds no rows", file=str(path), expected="one line per id")
    below_one = np.flatnonzero(ids < 1)
    if below_one.size:
        # the ratings file refuses such an id, but the movie of one nobody rated became an
        # item of its own under keep_unseen_items=True (and a user of a user table was kept)
        first = int(below_one[0])
        raise DataFormatError(f"found {int(ids[first])}", file=str(path), line=line_of(first),
                              column=column, expected=_FROM_ONE)
    order = np.argsort(ids, kind="stable")
    repeated = np.flatnonzero(ids[order][1:] == ids[order][:-1])
    if repeated.size:
        second = int(order[repeated[0] + 1])
        raise DataFormatError(f"id {int(ids[second])} is listed a second time", file=str(path),
                              line=line_of(second), column=column,
                              expected="each id on one line only")


def _read_u_item(path: Path) -> pd.DataFrame:
    text_layout = DelimitedLayout("|", names=_U_ITEM_NAMES, encoding=_encoding(path),
                                  quoted=False)
    kinds: dict[str, ColumnKind] = {"movie id": "int32", "movie title": "text",
                                    "release date": "text"}
    kinds.update({genre: "int32" for genre in GENRES_100K})
    table = read_delimited(path, text_layout, kinds,
                           expected={genre: "a genre flag, 0 or 1" for genre in GENRES_100K})
    _check_ids(path, table.column("movie id").to_numpy(), "movie id",
               lambda index: line_of_record(path, text_layout, index)[0])
    flags = np.column_stack([column_to_numpy(table, g) for g in GENRES_100K])
    # a flag of 2 or -1 was read as "has the genre" (or not) without a word, though a
    # damaged file is the only source of one
    odd = (flags != 0) & (flags != 1)
    if odd.any():
        record, genre = np.unravel_index(int(np.argmax(odd)), odd.shape)
        raise _error_at(path, text_layout, int(record), GENRES_100K[int(genre)],
                        "a genre flag, 0 or 1")
    flags = flags == 1
    names = np.array(GENRES_100K, dtype=object)
    genres = [names[row].tolist() for row in flags]
    frame = _item_frame(table.column("movie id").to_numpy(), table.column("movie title"),
                        genres)
    # "01-Jan-1995": the year is the last four characters, where the title has none
    released = pd.Series(table.column("release date").to_numpy(zero_copy_only=False))
    release_year = pd.to_numeric(released.str.extract(r"(\d{4})\s*$", expand=False),
                                 errors="coerce").astype("Int64")
    frame["year"] = frame["year"].fillna(release_year)
    return frame


def _item_frame(ids: np.ndarray, titles: pa.ChunkedArray | pa.Array,
                genres: list[list[str]]) -> pd.DataFrame:
    title_series = pd.Series(pc.cast(titles, pa.string()).to_numpy(zero_copy_only=False),
                             dtype="str")
    year = pd.to_numeric(title_series.str.extract(_YEAR_AT_END, expand=False),
                         errors="coerce").astype("Int64")
    genre_series = pd.Series(genres, dtype=object)
    return pd.DataFrame({"item_id": np.asarray(ids, dtype=np.int64), "title": title_series,
                         "year": year, "genres": genre_series})


class UnknownGenreWarning(UserWarning):
    """A MovieLens movies file names a genre no release writes (``Biography``,
    ``Animaton``): kept as a genre of its own, with this warning naming its line."""


def _genre_key(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.lower())


_GENRE_KEYS = {_genre_key(name): name for name in GENRES_LATER}


def _genre_lists(genres: pa.ChunkedArray | pa.Array, path: Path, column: str,
                 line_of: Callable[[int], int | None]) -> list[list[str]]:
    """Each movie's genres, from names joined by '|'.

    A name that is a release's genre written another way (``comedy``, ``Sci Fi``,
    ``Childrens``) or an empty name (a doubled or trailing '|', an empty field) is refused
    naming its line: kept, it would split one genre in two in every genre feature and
    report without a word. Any other name no release writes (a typo such as ``Animaton``,
    or a genre of a later release or another dataset) is kept, with an
    :class:`UnknownGenreWarning` naming the first line and the nearest genre: refusing it
    would make a release with a new genre unreadable."""
    lists = pc.split_pattern(pc.cast(genres, pa.string()), "|").to_pylist()
    known = set(GENRES_LATER)
    unknown: dict[str, int] = {}
    for index, names in enumerate(lists):
        odd = next((name for name in (names or [""]) if name not in known), None)
        if odd is None:
            continue
        spelt = _GENRE_KEYS.get(_genre_key(odd))
        if odd and spelt is None:
            unknown.setdefault(odd, index)
            continue
        joined = "|".join(names or [])
        found = (f"found the genre {odd!r} (did you mean {spelt!r}?)" if odd
                 else f"found an empty genre name in {joined!r}" if joined.strip()
                 else f"found an empty field (a movie of no genre is written {_NO_GENRES!r})")
        raise DataFormatError(found, file=str(path), line=line_of(index), column=column,
                              expected="genre names of MovieLens joined by '|' ("
                                       + ", ".join(GENRES_LATER) + "): the file was "
                                       "edited or is another dataset")
    if unknown:
        name, index = next(iter(unknown.items()))
        near = closest(name.strip(), GENRES_LATER)
        others = f" and {len(unknown) - 1:,} other unknown name(s)" if len(unknown) > 1 else ""
        warnings.warn(UnknownGenreWarning(
            f"{path}:{line_of(index)}: column {column!r}: the genre {name!r}"
            + (f" (did you mean {near!r}?)" if near else "") + f"{others} is no genre of a "
            "MovieLens release; kept as a genre of its own (correct the file if it is a "
            "typo)"), stacklevel=caller_stacklevel())
    return [[g for g in names if g and g != _NO_GENRES] for names in lists]


# ---------------------------------------------------------------------------- tags, users
def _read_tags(folder: Path, layout: str, listed: np.ndarray) -> pd.Series | None:
    """Tags per movie id, space-joined in file order; None when the release has none.

    ``listed``: the movie ids of the movies file. A tag on a movie it does not list has no
    row to go to: it is left out with a :class:`UnlistedTagWarning` giving the count and
    the first line, rather than without a word."""
    if layout == "dat" and (folder / "tags.dat").is_file():
        path = folder / "tags.dat"
        fields = _split_dat(path, ("UserID", "MovieID", "Tag", "Timestamp"), free=2)
        ids, tags = _dat_ints(path, fields, "MovieID"), fields["Tag"][0]
        numbers = fields["MovieID"][1]
        line_of: Callable[[int], int | None] = lambda index: int(numbers[index])  # noqa: E731
        column = "MovieID"
    elif layout == "csv" and (folder / "tags.csv").is_file():
        path = folder / "tags.csv"
        _refuse_a_missing_header(path, ("userId", "movieId", "tag", "timestamp"))
        tag_layout = DelimitedLayout(",", encoding=_encoding(path), newlines_in_values=True)
        table = read_delimited(path, tag_layout, {"movieId": "int32", "tag": "text"})
        ids, tags = table.column("movieId"), table.column("tag")
        line_of = lambda index: line_of_record(path, tag_layout, index)[0]  # noqa: E731
        column = "movieId"
    else:
        return None
    _warn_of_unlisted_tags(path, column, np.asarray(ids), listed, line_of)
    pairs = pa.table({"item_id": ids, "tag": pc.cast(tags, pa.string())})
    # use_threads=False keeps each movie's tags in file order
    grouped = pairs.group_by("item_id", use_threads=False).aggregate([("tag", "list")])
    joined = pc.binary_join(grouped.column("tag_list"), " ")
    return pd.Series(joined.to_numpy(zero_copy_only=False),
                     index=grouped.column("item_id").to_numpy(), dtype=object)


class UnlistedTagWarning(UserWarning):
    """A MovieLens tags file tags a movie that the movies file does not list: the tag has
    no movie to go to and is left out, with this warning giving the count and a line."""


def _warn_of_unlisted_tags(path: Path, column: str, ids: np.ndarray, listed: np.ndarray,
                           line_of: Callable[[int], int | None]) -> None:
    unlisted = ~np.isin(ids, listed)
    if not unlisted.any():
        return
    first = int(np.argmax(unlisted))
    movies = np.unique(ids[unlisted])
    movies_file = "movies.dat" if path.suffix == ".dat" else "movies.csv"
    warnings.warn(UnlistedTagWarning(
        f"{path}:{line_of(first)}: column {column!r}: {int(unlisted.sum()):,} tag(s) on "
        f"{len(movies):,} movie(s) that {movies_file} does not list (the first, movie id "
        f"{int(ids[first])}) are left out: no movie row holds them (the files come from "
        f"two releases, or {movies_file} was cut short)"), stacklevel=caller_stacklevel())


def _read_users(folder: Path, layout: str) -> pd.DataFrame | None:
    """``user_id, age, gender, occupation, zip`` (100K ``u.user``, 1M ``users.dat``)."""
    if layout == "100k" and (folder / "u.user").is_file():
        path = folder / "u.user"
        table = read_delimited(
            path, DelimitedLayout("|", names=_U_USER, encoding=_encoding(path), quoted=False),
            {"user id": "int32", "age": "int32", "gender": "text", "occupation": "text",
             "zip code": "text"})
        user_id, age, gender, zip_code = (table.column(c) for c in
                                          ("user id", "age", "gender", "zip code"))
        occupation = table.column("occupation").to_numpy(zero_copy_only=False)
        text_layout = DelimitedLayout("|", names=_U_USER, encoding=_encoding(path),
                                      quoted=False)
        # ages in years (7 to 73 in the release): a negative or absurd one was kept as it
        # was, though only an edited or damaged file holds one
        odd_age = (age.to_numpy() < 1) | (age.to_numpy() > _OLDEST)
        if odd_age.any():
            raise _error_at(path, text_layout, int(np.argmax(odd_age)), "age",
                            f"an age in years, 1 to {_OLDEST}")
    elif layout == "dat" and (folder / "users.dat").is_file():
        path = folder / "users.dat"
        text_layout = DelimitedLayout("::", names=_USERS_DAT, encoding=_encoding(path))
        wanted = f"an occupation code 0-{len(OCCUPATIONS_1M) - 1}"
        table = read_delimited(
            path, text_layout,
            {"UserID": "int32", "Gender": "text", "Age": "int32", "Occupation": "int32",
             "Zip-code": "text"}, expected={"Occupation": wanted})
        codes = table.column("Occupation").to_numpy()
        unknown = (codes < 0) | (codes >= len(OCCUPATIONS_1M))
        if unknown.any():
            raise _error_at(path, text_layout, int(np.argmax(unknown)), "Occupation", wanted)
        user_id, age, gender, zip_code = (table.column(c) for c in
                                          ("UserID", "Age", "Gender", "Zip-code"))
        occupation = np.array(OCCUPATIONS_1M, dtype=object)[codes]
        # an age of 30 (not a group's code) was kept as it was, though only a damaged file
        # holds one
        groups = np.isin(age.to_numpy(), AGE_GROUPS_1M, invert=True)
        if groups.any():
            raise _error_at(path, text_layout, int(np.argmax(groups)), "Age",
                            "an age-group code: " + ", ".join(map(str, AGE_GROUPS_1M)))
    else:
        return None
    # both releases write M or F; anything else is a shifted or damaged line
    gender_name = "gender" if layout == "100k" else "Gender"
    odd_gender = ~np.isin(np.asarray(gender.to_numpy(zero_copy_only=False), dtype=object),
                          GENDERS)
    if odd_gender.any():
        raise _error_at(path, text_layout, int(np.argmax(odd_gender)), gender_name, "M or F")
    _check_ids(path, user_id.to_numpy(), "user id" if layout == "100k" else "UserID",
               lambda index: line_of_record(path, text_layout, index)[0])
    return pd.DataFrame({
        "user_id": user_id.to_numpy().astype(np.int64),
        "age": age.to_numpy().astype(np.int64),
        "gender": pd.Series(gender.to_numpy(), dtype="str"),
        "occupation": pd.Series(occupation, dtype="str"),
        "zip": pd.Series(zip_code.to_numpy(), dtype="str"),
    })


# ---------------------------------------------------------------------------- '::' text
def _refuse_a_missing_header(path: Path, header: tuple[str, ...]) -> None:
    """A MovieLens CSV whose first line is a row (its header deleted, or the rows cut out of
    a larger file): the reader took the row for the header, and said that column '1' was
    named twice or that there was no column 'userId'. Every header of these files starts
    with a name, never with a number."""
    with path.open("rb") as handle:
        first = handle.readline(4096)
    text = first.decode("utf-8", errors="replace").lstrip("\ufeff").strip()
    if not text.split(",", 1)[0].strip().isdigit():
        return
    raise DataFormatError(
        f"the first line, {text[:60]!r}, is a row, not the header", file=str(path), line=1,
        expected=f"the header line {','.join(header)} first, as every MovieLens release "
                 "writes it (put it back)")


def _encoding(path: Path) -> str:
    """UTF-8 when the (small) file decodes as UTF-8, else latin-1 (the older releases).
    A file that starts with UTF-8's byte-order mark but holds other bytes (latin-1 text
    saved by an editor that added the mark, or two files joined) is in two encodings, and
    refused naming the line of the first bytes that are not UTF-8: it was "not latin-1
    (expected encoding='utf-8')", an option load_movielens does not have."""
    raw = path.read_bytes()
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as error:
        if raw.startswith(codecs.BOM_UTF8):
            found = first_undecodable(path, "utf-8")
            line, bad = found if found is not None else (
                line_ends_in_bytes(raw[:error.start]) + 1, raw[error.start:error.end])
            raise DataFormatError(
                f"starts with a UTF-8 byte-order mark, but holds bytes that are not UTF-8 "
                f"({bad.hex()}): the file mixes two encodings", file=str(path), line=line,
                expected="the file in one encoding: saved as UTF-8 throughout, or as "
                         "latin-1 without the byte-order mark") from None
        try:
            check_content(path, parquet=False, encoding="latin-1", decompresses=False)
        except DataFormatError:
            # compressed data, an archive or UTF-16: each reader names it so, in its own
            # words, as when every such file was read as latin-1 (its bytes are no text)
            return "latin-1"
        _refuse_utf8_beside_other_bytes(path, raw, error)
        return _single_byte_encoding(path, raw)
    return "utf-8"


#: a character of two to four bytes as UTF-8 writes it (a lead byte, then continuations)
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}"
                            rb"|[\xf0-\xf4][\x80-\xbf]{3}")
#: bytes that latin-1 reads as invisible control codes and cp1252 as characters (its
#: quotes, dashes, ellipsis): no release's text holds a control code
_C1_BYTES = re.compile(rb"[\x80-\x9f]")


def _refuse_utf8_beside_other_bytes(path: Path, raw: bytes, error: UnicodeDecodeError
                                    ) -> None:
    """Refuse a file that holds UTF-8 characters and bytes that are not UTF-8 (a latin-1
    release's file with lines added by a UTF-8 editor, or two files joined): read as
    latin-1, every UTF-8 letter became two (``Héat`` was ``HÃ©at``) without a word."""
    for match in _UTF8_SEQUENCE.finditer(raw):
        try:
            letter = match.group().decode("utf-8")
        except UnicodeDecodeError:
            continue  # a surrogate or a code point past U+10FFFF: not UTF-8 text
        found = first_undecodable(path, "utf-8")
        other_line, other = found if found is not None else (
            line_ends_in_bytes(raw[:error.start]) + 1, raw[error.start:error.end])
        utf8_line = line_ends_in_bytes(raw[:match.start()]) + 1
        raise DataFormatError(
            f"mixes two encodings: line {utf8_line} holds {letter!r} written as UTF-8 "
            f"({match.group().hex()}), line {other_line} bytes that are not UTF-8 "
            f"({other.hex()}); read in either encoding, the other's letters would be "
            f"garbled (as latin-1, {letter!r} reads {match.group().decode('latin-1')!r})",
            file=str(path), line=other_line,
            expected="the file in one encoding: UTF-8 throughout, or latin-1 throughout as "
                     "the older releases ship it")


def _single_byte_encoding(path: Path, raw: bytes) -> str:
    """latin-1 (the older releases), or cp1252 where the file holds its quotes, dashes or
    ellipsis (bytes 0x80-0x9f: latin-1 read them as invisible control codes, so a title's
    \u201cquotes\u201d became '\x93quotes\x94' without a word). Bytes that neither
    encoding reads as text are refused, naming the line."""
    if _C1_BYTES.search(raw) is None:
        return "latin-1"
    try:
        raw.decode("cp1252")
    except UnicodeDecodeError as error:
        bad = raw[error.start:error.end]
        raise DataFormatError(
            f"holds the byte {bad.hex()}, which is no character of UTF-8, latin-1 or cp1252 "
            "text (latin-1 reads it as an invisible control code): the file seems damaged "
            "or written in another encoding", file=str(path),
            line=line_ends_in_bytes(raw[:error.start]) + 1,
            expected="the release's text as it ships (UTF-8, or latin-1 in the older "
                     "releases): fetch the release again, or correct that line") from None
    return "cp1252"


_LINE_END = re.compile(r"\r\n|\r|\n")


def _split_dat(path: Path, names: tuple[str, ...], free: int
               ) -> dict[str, tuple[pa.Array, np.ndarray]]:
    """Split a ``::`` file whose column ``names[free]`` is free text (a title or a tag that
    may itself contain ``:`` or ``::``): fields left of it are split from the left, the
    rest from the right. Vectorised with pyarrow; the files are small (metadata).

    Returns column name -> (string array, line numbers) for the non-empty lines.
    """
    # UTF-16 text, compressed data or an archive, as the ratings reader refuses them: they
    # were read as latin-1 and refused as "the row has 1 field(s)" at line 1
    encoding = _encoding(path)
    check_content(path, parquet=False, encoding=encoding, decompresses=False)
    raw = path.read_bytes()
    # utf-8-sig: a byte-order mark (a file saved by a Windows editor) is no part of the
    # first id, as the ratings reader and load_table drop it (it was "found '\ufeff1'
    # (expected an integer)" in movies.dat and tags.dat alone)
    text = raw.decode("utf-8-sig") if encoding == "utf-8" else raw.decode(encoding)
    # lines end at LF, CRLF or a lone CR only, as every other reader counts them:
    # str.splitlines also breaks at a form feed, U+0085 (latin-1's byte 0x85, cp1252's
    # ellipsis) or U+2028, which a title or tag may hold (the line was refused as short
    # of fields, and every later line number was off)
    lines = pa.array(_LINE_END.split(text), pa.string())
    numbers = np.arange(1, len(lines) + 1)
    keep = pc.greater(pc.utf8_length(pc.utf8_rtrim_whitespace(lines)), 0)
    lines, numbers = lines.filter(keep), numbers[np.asarray(keep.to_numpy(zero_copy_only=False))]
    n_right = len(names) - free - 1
    left = pc.split_pattern(lines, "::", max_splits=free)
    _check_field_count(path, names, lines, numbers, pc.list_value_length(left), free + 1)
    rest = pc.list_element(left, free)
    right = pc.split_pattern(rest, "::", max_splits=n_right, reverse=True)
    _check_field_count(path, names, lines, numbers, pc.list_value_length(right), n_right + 1)
    columns = [pc.list_element(left, i) for i in range(free)]
    columns += [pc.list_element(right, i) for i in range(n_right + 1)]
    return {name: (column, numbers) for name, column in zip(names, columns, strict=True)}


def _check_field_count(path: Path, names: tuple[str, ...], lines: pa.Array,
                       numbers: np.ndarray, lengths: pa.Array, wanted: int) -> None:
    ok = np.asarray(pc.equal(lengths, wanted).to_numpy(zero_copy_only=False), dtype=bool)
    if ok.all():
        return
    bad = int(np.argmin(ok))
    found = len(lines[bad].as_py().split("::"))
    raise DataFormatError(
        f"the row has {found} field(s)", file=str(path), line=int(numbers[bad]),
        column=names[found] if found < len(names) else None,
        expected=f"{len(names)} fields separated by '::'")


def _dat_ints(path: Path, fields: dict[str, tuple[pa.Array, np.ndarray]], name: str
              ) -> np.ndarray:
    column, numbers = fields[name]
    ok = np.asarray(pc.match_substring_regex(column, r"^\s*-?\d+\s*$").to_numpy(
        zero_copy_only=False), dtype=bool)
    if not ok.all():
        bad = int(np.argmin(ok))
        raise DataFormatError(f"found {column[bad].as_py()!r}", file=str(path),
                              line=int(numbers[bad]), column=name, expected="an integer")
    # ids within int32, as the ratings, u.item and movies.csv read them: a movies.dat id
    # of 19 digits was "found '...' (expected an integer)" of an integer, and one of 10
    # to 18 digits became an item no rating can name (keep_unseen_items=True)
    digits = pc.utf8_trim_whitespace(column)
    wide = np.asarray(pc.greater(pc.utf8_length(pc.utf8_ltrim(digits, "-0")), 10).to_numpy(
        zero_copy_only=False), dtype=bool)
    values = np.where(wide, 0, pc.cast(pc.if_else(pa.array(wide), "0", digits),
                                       pa.int64()).to_numpy())
    info = np.iinfo(np.int32)
    outside = wide | (values < info.min) | (values > info.max)
    if outside.any():
        bad = int(np.argmax(outside))
        text = str(column[bad].as_py()).strip()
        count = len(text.lstrip("-0"))
        # (int() refuses text of over 4,300 digits; a count says as much here)
        said = text if count <= 20 else f"a {count:,}-digit integer"
        raise DataFormatError(f"found {said}, outside the int32 range",
                              file=str(path), line=int(numbers[bad]), column=name,
                              expected="an integer")
    return values.astype(np.int64)
