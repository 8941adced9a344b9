"""The built-in synthetic dataset: MovieLens-shaped explicit ratings with known ground truth.

The data is *synthetic*: no real person is behind any row. It exists so that ``make demo``,
the tests and the benchmarks have data with real structure to find, at any size from a
thousand to tens of millions of interactions, without a download.

The generative model
--------------------
Items and users live around latent *genre clusters*. Every item has a primary genre (and,
for about 45% of items, a secondary one) and a latent factor vector: its genres' centroids
plus item-specific noise. Item popularity is Zipf-like (``p ∝ rank ** -popularity_exponent``
over a random ranking). Every user has a sparse Dirichlet preference over genres (heavier
users have broader tastes), a personal latent vector mixing their genres' centroids, and a
second, "drifted" preference; along the user's active window their taste moves from the
first towards ``(1 - drift) * first + drift * second``. User activity is lognormal
(heavy-tailed), scaled to sum exactly to ``n_interactions`` with at least
``min_user_interactions`` per user and at most half the catalogue.

Each interaction gets a time in its user's active window (windows of hours to the whole
span, longer for heavier users), then a genre drawn from the user's taste at that time
(10% of picks ignore genre: pure popularity), then an item of that genre by popularity.
A (user, item) pair occurs at most once: an item the user already has is redrawn within
the same genre, which is sampling without replacement; after a few rounds the redraw
flattens popularity, then genre, so that heavy users of small genres can always be filled.
The rating comes from the affinity ``user(t) · item + user bias + item bias``,
standardised, plus Gaussian noise with standard deviation ``noise``, cut at quantiles so
that ratings 1-5 follow the MovieLens histogram (:data:`RATING_SHARES`: 4 most common,
1 rarest).

Rows come ordered by user, then time; :meth:`Interactions.sort_by_time` gives time order.

Items get a title, a genre list, a release year and a one-or-two-sentence description
drawn from genre-specific vocabulary, so that content-based models have text to read.
Users get a sign-up time and the favourite genre they would state at sign-up. The latent
truth (genres, factors, biases, preferences, per-row affinity) is never in the tables;
:func:`generate_with_truth` returns it separately for tests and debugging.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
import numbers
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from recstack.data.dates import held_scalar, impossible_date
from recstack.data.idmap import IdMap
from recstack.data.interactions import Interactions, seed_value
from recstack.errors import ConfigError, digit_count, shown
from recstack.progress import Progress, resolve
from recstack.specs import (
    NUMBER_TEXT_RULE,
    SEED_MAX,
    SEED_RULE,
    arguments_named,
    finite_or_infinite,
    number_spelling_hint,
)

__all__ = [
    "GENRES",
    "RATING_SHARES",
    "SyntheticConfig",
    "SyntheticTruth",
    "generate",
    "generate_with_truth",
]

# Genres in the order they are taken (``n_genres`` takes the first ones), with their number
# of titles in MovieLens 20M, used as the relative sizes of the genres.
_GENRE_SIZES: tuple[tuple[str, int], ...] = (
    ("Drama", 13344), ("Comedy", 8374), ("Thriller", 4178), ("Romance", 4127),
    ("Action", 3520), ("Crime", 2939), ("Horror", 2611), ("Documentary", 2471),
    ("Adventure", 2329), ("Sci-Fi", 1743), ("Mystery", 1514), ("Fantasy", 1412),
    ("War", 1194), ("Children", 1139), ("Musical", 1036), ("Animation", 1027),
    ("Western", 676), ("Film-Noir", 330),
)
GENRES: tuple[str, ...] = tuple(name for name, _ in _GENRE_SIZES)

# Shares of the ratings 1..5 (MovieLens 1M, half stars rounded): the target histogram.
RATING_SHARES: tuple[float, ...] = (0.056, 0.108, 0.261, 0.349, 0.226)

# Model constants. They shape the data but are not worth a parameter each.
_SECOND_GENRE_RATE = 0.45      # items with a secondary genre
_SECOND_GENRE_WEIGHT = 0.5     # exposure of an item in its secondary genre, vs. its primary
_POPULARITY_PICK_RATE = 0.10   # picks that ignore genre and follow global popularity
_GENRE_EXPLORATION = 0.03      # share of every user's taste spread over all genres
_TASTE_CONCENTRATION = 1.5     # Dirichlet total for a user of average activity
_CENTROID_NORM = 2.0           # genre centroids' length; noise vectors have length ~1
_ITEM_SPREAD = 0.8             # item factor noise around its genres' centroids
_USER_SPREAD = 0.8             # user factor noise around their genres' centroids
_BIAS_SCALE = 0.6              # standard deviation of user and item rating biases
_WINDOW_LOG_FRACTION = -2.5    # median active window: exp(-2.5) ~ 8% of the span
_MIN_WINDOW_SECONDS = 3600
_BLOCK_ROWS = 1 << 19          # rows generated at a time: bounds the working memory
_POPULARITY_ROUNDS = 10        # redraw rounds that keep the full model
_FLAT_GENRE_ROUNDS = 5         # then rounds with uniform popularity inside the genre
_MAX_ROUNDS = 10_000           # uniform rounds converge geometrically; this is a bug guard

# Genre-specific vocabulary for titles and descriptions: (adjectives, nouns, protagonists,
# plots, settings). Each genre's words are its own, so text models can tell genres apart.
_VOCABULARY: dict[str, tuple[tuple[str, ...], ...]] = {
    "Drama": (
        ("Quiet", "Broken", "Distant", "Golden", "Fragile", "Unspoken"),
        ("Years", "Harbor", "Promise", "Inheritance", "Letters", "Season"),
        ("an estranged daughter", "a struggling teacher", "a widowed farmer", "a pair of brothers"),
        ("confronts a family secret", "rebuilds a shattered life",
         "returns home after twenty years", "faces an impossible choice"),
        ("a small mill town", "a crowded city hospital", "a failing vineyard",
         "a seaside village"),
    ),
    "Comedy": (
        ("Crazy", "Accidental", "Awkward", "Lucky", "Ridiculous", "Perfect"),
        ("Wedding", "Roommates", "Vacation", "Weekend", "Neighbors", "Mix-Up"),
        ("a clumsy intern", "a washed-up comedian", "a pair of mismatched roommates",
         "an overconfident salesman"),
        ("fakes an engagement", "loses a winning lottery ticket",
         "accidentally becomes famous", "plans the worst party ever"),
        ("a chaotic suburb", "a budget cruise ship", "a family reunion",
         "a failing pizza shop"),
    ),
    "Thriller": (
        ("Silent", "Deadly", "Hidden", "Final", "Cold", "Dark"),
        ("Protocol", "Witness", "Target", "Signal", "Conspiracy", "Deadline"),
        ("a disgraced agent", "a hunted journalist", "a paranoid analyst", "a stranded pilot"),
        ("races to stop an assassination", "uncovers a government cover-up",
         "is framed for murder", "must decode a deadly message"),
        ("a locked-down embassy", "a rain-soaked city", "a border checkpoint",
         "a surveillance bunker"),
    ),
    "Romance": (
        ("Sweet", "Endless", "Summer", "Secret", "Tender", "Starlit"),
        ("Kiss", "Heart", "Serenade", "Affair", "Vows", "Sweetheart"),
        ("a lonely florist", "a heartbroken violinist", "a pair of childhood sweethearts",
         "a wedding planner"),
        ("falls for a mysterious stranger", "rekindles a lost love",
         "chooses between two suitors", "writes love letters to a stranger"),
        ("a Paris bakery", "a lakeside inn", "a snowbound ski lodge", "a Tuscan villa"),
    ),
    "Action": (
        ("Lethal", "Maximum", "Iron", "Rogue", "Explosive", "Relentless"),
        ("Force", "Strike", "Vengeance", "Fury", "Showdown", "Assault"),
        ("an ex-commando", "a rookie cop", "a retired hitman", "an elite bodyguard"),
        ("fights through an army of mercenaries", "hunts down a ruthless cartel",
         "defuses a bomb against the clock", "rescues hostages from terrorists"),
        ("a hijacked train", "a burning skyscraper", "a desert military base",
         "the streets of Hong Kong"),
    ),
    "Crime": (
        ("Dirty", "Crooked", "Bloody", "Stolen", "Gangland", "Underground"),
        ("Money", "Heist", "Racket", "Score", "Syndicate", "Alibi"),
        ("a small-time hustler", "a veteran detective", "a mob accountant",
         "a getaway driver"),
        ("plans one last heist", "infiltrates the mob", "tracks a serial robber",
         "double-crosses his partners"),
        ("the docks of Boston", "a Las Vegas casino", "a corrupt precinct",
         "a smoky nightclub"),
    ),
    "Horror": (
        ("Haunted", "Cursed", "Bloodless", "Wicked", "Hollow", "Unholy"),
        ("Asylum", "Ritual", "Cellar", "Curse", "Possession", "Nightmare"),
        ("a grieving widow", "a group of campers", "a skeptical priest",
         "a night-shift nurse"),
        ("awakens an ancient evil", "is stalked by something unseen",
         "must survive until dawn", "uncovers a demonic curse"),
        ("a remote farmhouse", "an abandoned asylum", "a fog-bound village",
         "a cabin in the woods"),
    ),
    "Documentary": (
        ("True", "Untold", "Inside", "Wild", "Real", "Vanishing"),
        ("Story", "Planet", "Journey", "Revolution", "Truth", "Voices"),
        ("a team of scientists", "a famous chef", "an indigenous fisherman", "a whistleblower"),
        ("investigates a global scandal", "documents a vanishing way of life",
         "follows a year of climate change", "reveals the truth behind a legend"),
        ("the Arctic ice", "the Amazon rainforest", "a refugee camp",
         "a Silicon Valley startup"),
    ),
    "Adventure": (
        ("Lost", "Forbidden", "Uncharted", "Sunken", "Ancient", "Savage"),
        ("Treasure", "Expedition", "Island", "Temple", "Voyage", "Quest"),
        ("a daring archaeologist", "a young sailor", "a band of explorers",
         "a treasure hunter"),
        ("searches for a lost city", "crosses an uncharted ocean",
         "races rivals to a hidden treasure", "follows an old map"),
        ("the jungles of Borneo", "a pirate archipelago", "the Himalayan peaks",
         "a sunken galleon"),
    ),
    "Sci-Fi": (
        ("Quantum", "Stellar", "Synthetic", "Infinite", "Orbital", "Neon"),
        ("Horizon", "Colony", "Singularity", "Android", "Nebula", "Paradox"),
        ("a rogue android", "a starship engineer", "a time traveler", "a colony doctor"),
        ("discovers a signal from deep space", "fights a rogue artificial intelligence",
         "travels back to prevent a catastrophe", "wakes up from cryosleep"),
        ("a dying space station", "a terraformed Mars", "a dystopian megacity",
         "a generation ship"),
    ),
    "Mystery": (
        ("Missing", "Strange", "Curious", "Crimson", "Sealed", "Ninth"),
        ("Clue", "Manor", "Riddle", "Disappearance", "Key", "Puzzle"),
        ("an amateur sleuth", "a retired inspector", "a curious librarian",
         "a private investigator"),
        ("solves a locked-room murder", "investigates a disappearance",
         "deciphers a cryptic riddle", "unmasks a blackmailer"),
        ("an English country manor", "an island lighthouse", "a snowbound train",
         "a sleepy coastal town"),
    ),
    "Fantasy": (
        ("Enchanted", "Dragon", "Shadow", "Elven", "Crystal", "Sorcerer's"),
        ("Kingdom", "Sword", "Prophecy", "Throne", "Crown", "Realm"),
        ("a reluctant wizard", "an orphaned princess", "a young blacksmith",
         "a cursed knight"),
        ("fulfills an ancient prophecy", "battles a dark sorcerer",
         "searches for a magic sword", "breaks a witch's spell"),
        ("an enchanted forest", "a kingdom of dragons", "a floating citadel",
         "the realm of the fae"),
    ),
    "War": (
        ("Last", "Bitter", "Forgotten", "Burning", "Frontline", "Fallen"),
        ("Battalion", "Trenches", "Beachhead", "Siege", "Platoon", "Front"),
        ("a young infantryman", "a field medic", "a tank commander", "a resistance fighter"),
        ("holds the line against overwhelming odds", "leads a rescue behind enemy lines",
         "survives a brutal siege", "smuggles refugees across the border"),
        ("the beaches of Normandy", "a frozen eastern front", "a jungle outpost",
         "an occupied city"),
    ),
    "Children": (
        ("Magical", "Little", "Brave", "Happy", "Furry", "Giant"),
        ("Puppy", "Adventure", "Treehouse", "Birthday", "Dinosaur", "Pony"),
        ("a curious puppy", "a shy schoolgirl", "a talking teddy bear", "a trio of siblings"),
        ("learns the value of friendship", "finds a magical creature",
         "saves the school fair", "goes on a backyard adventure"),
        ("a toy shop", "a sunny farm", "a friendly forest", "a neighborhood playground"),
    ),
    "Musical": (
        ("Singing", "Dancing", "Broadway", "Jazz", "Rhythm", "Moonlight"),
        ("Melody", "Chorus", "Rhapsody", "Ballroom", "Stage", "Symphony"),
        ("an aspiring singer", "a tap dancer", "a struggling composer", "a touring band"),
        ("dreams of stardom on Broadway", "puts on a show to save the theater",
         "wins the big dance competition", "writes the song of a lifetime"),
        ("a Harlem jazz club", "a Broadway stage", "a small-town theater",
         "a glamorous ballroom"),
    ),
    "Animation": (
        ("Tiny", "Flying", "Wonderful", "Colorful", "Clockwork", "Marvelous"),
        ("Robots", "Friends", "Critters", "Balloon", "Toys", "Penguins"),
        ("a tiny robot", "a family of mice", "a young dragon", "a lost toy"),
        ("embarks on a journey home", "discovers a hidden world",
         "teams up with unlikely friends", "learns to fly"),
        ("a busy toy store", "an underwater kingdom", "a candy-colored city",
         "a magical island"),
    ),
    "Western": (
        ("Dusty", "Lone", "Outlaw", "Frontier", "Silver", "Wild"),
        ("Rider", "Gunslinger", "Canyon", "Ranch", "Sheriff", "Trail"),
        ("a lone gunslinger", "a frontier sheriff", "a cattle rancher", "a bounty hunter"),
        ("faces down a gang of outlaws", "drives cattle across the plains",
         "seeks revenge for his family", "defends a frontier town"),
        ("a lawless mining town", "the Texas badlands", "a desert canyon",
         "a railroad camp"),
    ),
    "Film-Noir": (
        ("Shadowed", "Double", "Fatal", "Naked", "Midnight", "Sleepless"),
        ("Street", "Dame", "Alley", "Deception", "Indemnity", "Dragnet"),
        ("a cynical private eye", "a femme fatale", "a doomed insurance salesman",
         "a washed-up boxer"),
        ("is drawn into a deadly scheme", "takes the fall for a murder",
         "falls for the wrong woman", "follows a trail of lies"),
        ("a rain-slicked Los Angeles", "a seedy waterfront bar", "a neon-lit hotel",
         "the city at night"),
    ),
}
_SEQUEL_SUFFIXES = (" 2", " 3", " II", ": The Return")
_SEQUEL_RATE = 0.07


# --------------------------------------------------------------------------- configuration
@dataclass(frozen=True)
class SyntheticConfig:
    """Size and shape of the synthetic dataset (see the module docstring for the model).

    Parameters
    ----------
    n_users, n_items
        Catalogue sizes. Every user has interactions; an item may have none.
    n_interactions
        Exact number of rows: at least ``n_users * min_user_interactions`` and at most
        ``n_users * n_items / 2`` (no user rates more than half the catalogue).
    n_genres
        Latent genre clusters, also the named genres (at most ``len(GENRES)``, 18).
    n_factors
        Dimension of the latent user and item vectors behind the ratings.
    popularity_exponent
        Zipf exponent of item popularity; 0 makes every item equally likely.
    activity_sigma
        Sigma of the lognormal user activity; larger means heavier-tailed (0: all equal).
    min_user_interactions
        Fewest rows per user.
    start, months
        The interactions fall in ``[start, start + months)``, ``start`` being a date (UTC).
    drift
        How far tastes move over a user's active window, from 0 (fixed) to 1 (entirely).
    noise
        Standard deviation of the rating noise, in units of the affinity's standard deviation
        (0 to 1000).
    seed
        Everything is a deterministic function of the configuration, this included.

    The counts (``n_users`` to ``min_user_interactions``, ``months``) are integers, a whole
    ``Decimal`` or ``Fraction`` too, as a model's ``factors``; a float (``n_users=2.0``,
    ``n_interactions=6e3``) is refused, as ``factors=64.0`` is. The seed follows the one
    seed rule (:data:`recstack.specs.SEED_RULE`); the other settings take any real number.
    A setting given as a 0-d numpy array (``np.array(500)``) is the value it holds.

    A setting left at its default fits the settings given: ``n_genres`` at most
    ``n_items``, ``min_user_interactions`` at most half of ``n_items`` (and at most
    ``n_interactions / n_users`` when that is given), ``n_interactions`` between the
    bounds above, ``months`` within the calendar from ``start``; so ``n_items=5`` has 5
    genres and ``n_users=1`` 750 rows. A value given is checked as given.
    """

    n_users: int = 2000
    n_items: int = 1500
    n_interactions: int = 100_000
    n_genres: int = 12
    n_factors: int = 16
    popularity_exponent: float = 1.0
    activity_sigma: float = 1.2
    min_user_interactions: int = 5
    start: str = "2019-01-01"
    months: int = 24
    drift: float = 0.3
    noise: float = 0.5
    seed: int = 0

    def __post_init__(self) -> None:
        for name in _FIELD_NAMES:
            # a 0-d numpy array (n_users=np.array(500), what a numpy reduction gives) is
            # the value it holds, as a split's count and this seed already were: it was
            # "n_users must be an integer, got array(500)" where np.int64(500) was taken
            given = getattr(self, name)
            scalar = held_scalar(given)
            if scalar is not given:
                object.__setattr__(self, name, scalar)
        for name in INTEGER_SETTINGS:
            if name != "seed":
                object.__setattr__(self, name, _as_int(name, getattr(self, name)))
        _no_number_word("seed", self.seed)
        if isinstance(self.seed, bool | np.bool_) or not _real(self.seed) or (
                _as_whole(self.seed) is None):
            # the one seed rule of the data layer, in the splits' words: None was "seed
            # must be an integer", with nothing on what a seed may be
            seed_value(self.seed, "seed")
        object.__setattr__(self, "seed", int(self.seed))
        for name in ("popularity_exponent", "activity_sigma", "drift", "noise"):
            object.__setattr__(self, name, _as_float(name, getattr(self, name)))
        _at_least("n_users", self.n_users, 1)
        _at_least("n_items", self.n_items, 2)
        _at_least("n_factors", self.n_factors, 1)
        # the latent vectors are (users + items) x n_factors doubles: 10**8 factors asked
        # for a terabyte; no rating structure needs more than a few hundred
        _at_most("n_factors", self.n_factors, _MOST_FACTORS)
        _at_most("n_users", self.n_users, _MOST_IDS, " (indices are int32)")
        _at_most("n_items", self.n_items, _MOST_IDS, " (indices are int32)")
        _at_least("min_user_interactions", self.min_user_interactions, 1)
        _at_least("months", self.months, 1)
        if not 0 <= self.seed <= SEED_MAX:
            # one seed rule everywhere (recstack.specs.SEED_MAX): 2**32 was taken here
            # although the splits, the command line and every model refuse it
            bound = "at least 0" if self.seed < 0 else f"at most {SEED_MAX}"
            raise ConfigError(f"seed must be {bound}, got {self.seed}: a seed is {SEED_RULE}")
        # Beyond 5 popularity and activity weights underflow or overflow double precision,
        # and no real catalogue is that skewed.
        _between("popularity_exponent", self.popularity_exponent, 0.0, 5.0)
        _between("activity_sigma", self.activity_sigma, 0.0, 5.0)
        _between("drift", self.drift, 0.0, 1.0)
        # noise is in units of the affinity's spread: beyond 1000 the ratings are pure
        # noise already, and far beyond it float32 overflows into constant ratings
        _between("noise", self.noise, 0.0, 1000.0)
        most_genres = min(len(GENRES), self.n_items)
        self._fit_defaults(most_genres)
        if not 1 <= self.n_genres <= most_genres:
            raise ConfigError(f"n_genres must be between 1 and {most_genres} (the named "
                              f"genres, and at most n_items), got {self.n_genres}")
        if self.min_user_interactions > self.n_items // 2:
            raise ConfigError(
                f"min_user_interactions ({self.min_user_interactions}) must be at most half of "
                f"n_items ({self.n_items // 2})")
        lowest = self.n_users * self.min_user_interactions
        if self.n_interactions < lowest:
            fewest = ("n_users * min_user_interactions" if self.min_user_interactions > 1 else
                      "n_users (every user has at least one row)")
            raise ConfigError(
                f"n_interactions ({self.n_interactions:,}) must be at least {fewest} = "
                f"{lowest:,}; ask for fewer users or more interactions")
        highest = self.n_users * self.n_items // 2
        if self.n_interactions > highest:
            raise ConfigError(
                f"n_interactions ({self.n_interactions:,}) must be at most n_users * n_items / 2"
                f" = {highest:,} (a user rates an item at most once, and at most half the "
                f"catalogue); ask for more users or items")
        self.time_span()  # refuses a start that is not a date

    def _fit_defaults(self, most_genres: int) -> None:
        """Cap each setting left at its default to what the settings given allow, so that
        every small but valid call works: ``generate(n_items=5)`` was refused for the
        default 12 genres, ``generate(n_users=1)`` for the default 100,000 interactions. A
        value given (even one equal to the default) is kept, and checked after this."""
        given = getattr(self, "_given", None)
        if given is None:  # made without the recording __init__: every value counts as given
            return
        if "n_genres" not in given:
            object.__setattr__(self, "n_genres", min(self.n_genres, most_genres))
        if "min_user_interactions" not in given:
            fewest = min(self.min_user_interactions, max(1, self.n_items // 2))
            if "n_interactions" in given:
                fewest = min(fewest, max(1, self.n_interactions // self.n_users))
            object.__setattr__(self, "min_user_interactions", fewest)
        if "n_interactions" not in given:
            lowest = self.n_users * self.min_user_interactions
            highest = self.n_users * self.n_items // 2
            if lowest <= highest:
                object.__setattr__(self, "n_interactions",
                                   min(max(self.n_interactions, lowest), highest))
        if "months" not in given:
            most = self._months_that_fit()
            if most is not None and 1 <= most < self.months:
                object.__setattr__(self, "months", most)

    def _months_that_fit(self) -> int | None:
        """The most whole months from ``start`` before the end of the year 9999; None for a
        start that is not a plain date (``time_span`` refuses it, saying why)."""
        if not isinstance(self.start, str) or not _is_iso_date(self.start.strip()):
            return None
        try:
            first = pd.Timestamp(self.start.strip())
        except (TypeError, ValueError, OverflowError):
            return None
        return (9999 - first.year) * 12 + (12 - first.month)

    def time_span(self) -> tuple[int, int]:
        """``(first, end)`` in Unix seconds: timestamps satisfy ``first <= t < end``."""
        if not isinstance(self.start, str | dt.date | np.datetime64):
            # a number would be read as nanoseconds since 1970: say what a date is instead
            number = (isinstance(self.start, int | float | np.number)
                      and not isinstance(self.start, bool))
            raise ConfigError(f"start must be a date such as '2019-01-01', got "
                              f"{shown(self.start)}" + (
                                  " (a number is not read as a date, nor as a year: write "
                                  "year-month-day, e.g. synthetic:start=2019-01-01)"
                                  if number else ""))
        if isinstance(self.start, str) and self.start.strip().lower() in _CLOCK_WORDS:
            # pandas reads these as the moment of the call: every run another dataset
            raise ConfigError(f"start must be a fixed date such as '2019-01-01', not "
                              f"{shown(self.start)}, which means the time of each run (the data "
                              "would not be a function of the configuration)")
        impossible = impossible_date(self.start) if isinstance(self.start, str) else None
        if impossible:
            raise ConfigError(f"start must be a date such as '2019-01-31', got "
                              f"{shown(self.start)}, which is not a real date: {impossible}")
        if isinstance(self.start, str) and not _is_iso_date(self.start.strip()):
            # pandas guesses the order of day and month: '1/2/2019' was the 2nd of January
            # to someone who meant the 1st of February, and 'March 2019' was read too
            raise ConfigError(f"start must be an ISO-8601 date such as '2019-01-31' "
                              f"(year-month-day), got {shown(self.start)} (other forms are guessed "
                              "at: '1/2/2019' is one of two days)")
        try:
            first = pd.Timestamp(self.start)
            if first is pd.NaT:
                raise ValueError("not a date")
            first = first.tz_localize("UTC") if first.tzinfo is None else first.tz_convert("UTC")
        except (TypeError, ValueError, OverflowError) as error:
            raise ConfigError(f"start must be a date such as '2019-01-01', got "
                              f"{shown(self.start)}") from error
        try:
            end = first + pd.DateOffset(months=self.months)
        except (TypeError, ValueError, OverflowError) as error:
            # the span, not the start, is out of the calendar: say which months would fit
            most = (9999 - first.year) * 12 + (12 - first.month)
            if most < 1:
                raise ConfigError(f"start {shown(self.start)} leaves no whole month before the end "
                                  f"of the year 9999; choose an earlier start") from error
            raise ConfigError(f"months ({self.months:,}) from start {shown(self.start)} run past "
                              f"the year 9999; from that start at most {most:,} months fit"
                              ) from error
        return int(first.timestamp()), int(end.timestamp())


_FIELD_NAMES = tuple(f.name for f in dataclasses.fields(SyntheticConfig))
_plain_init = SyntheticConfig.__init__


@functools.wraps(_plain_init)
def _init_recording_given(self: SyntheticConfig, *args: Any, **kwargs: Any) -> None:
    # which settings were given, so that the others (defaults) fit them (_fit_defaults)
    object.__setattr__(self, "_given", frozenset(_FIELD_NAMES[:len(args)]) | frozenset(kwargs))
    _plain_init(self, *args, **kwargs)


def given_settings(config: SyntheticConfig) -> dict[str, Any]:
    """The settings ``config`` was made with by name or position (not those it defaulted)."""
    given = getattr(config, "_given", _FIELD_NAMES)
    return {name: getattr(config, name) for name in _FIELD_NAMES if name in given}


# a misspelt setting (SyntheticConfig(n_user=500)) was the dataclass's TypeError naming
# __init__(), not the near name, as generate(n_user=500) says it
SyntheticConfig.__init__ = arguments_named(  # type: ignore[method-assign]
    _init_recording_given)


#: the settings that are counts or a seed: whole numbers
INTEGER_SETTINGS = ("n_users", "n_items", "n_interactions", "n_genres", "n_factors",
                    "min_user_interactions", "months", "seed")


def refuse_inexact_integers(settings: dict[str, Any],
                            written: Mapping[str, str] | None = None) -> None:
    """Refuse a count written as a decimal in a ``synthetic:name=value,...`` spec
    (``n_users=5e3``, ``seed=1.0``): a number given as text to an integer is written in
    digits (:data:`recstack.specs.INTEGER_TEXT`), as ``--users 5e3`` and ``factors = 64.0``
    in an experiment file are refused. ``settings`` is the spec's parse, where such a value
    is a float; ``written`` is each setting's value as the spec wrote it. The message gives
    a finite value as written (``5e3``: it was shown as ``5000.0``), or without ``written``
    as a person writes it (``1e12``, not ``1000000000000.0``), the setting's range, and a whole
    number to write instead only where that number is in the range (``n_users=1e12`` was
    told "e.g. n_users=1000000000000", refused in turn as too many)."""
    for name in INTEGER_SETTINGS:
        value = settings.get(name)
        if isinstance(value, float):
            lowest, highest = _count_bounds(name)
            fits = (math.isfinite(value) and value.is_integer() and abs(value) < 2**53
                    and lowest <= value <= (math.inf if highest is None else highest))
            example = f"; e.g. {name}={int(value)}" if fits else ""
            # (past the float range, what was read is said: 1e400 is no float)
            given = ("a number past the float range (about 1.8e308)"
                     if not math.isfinite(value) else
                     written[name] if written is not None and name in written else
                     _decimal_as_written(value))
            raise ConfigError(f"synthetic option {name}: read {given}, written with a decimal "
                              f"point or an exponent; {count_rule(name)}{example}")


def _decimal_as_written(value: float) -> str:
    """A finite float read from a spec's text, as a person writes it: ``2.5``, ``5000.0``;
    a whole one of more than six digits with an exponent (``1e12``, ``1.5e12``), as such a
    number is written, rather than Python's ``1000000000000.0``. (Only the number is known
    here, so ``5e3`` is shown as ``5000.0``; :func:`refuse_inexact_integers` shows a spec's
    text as written where it is given it.)"""
    text = repr(value)
    whole, _, fraction = text.partition(".")
    digits = whole.lstrip("-")
    if "e" in text or fraction != "0" or len(digits) <= 6:
        return text.replace("e+", "e")
    significant = digits.rstrip("0")
    mantissa = significant[0] + (f".{significant[1:]}" if len(significant) > 1 else "")
    return f"{'-' if value < 0 else ''}{mantissa}e{len(digits) - 1}"


def count_in_bounds(name: str, value: Any) -> bool:
    """Whether the number ``value`` lies within the bounds of the count ``name`` known
    before the other settings are (an example a message offers lies within them)."""
    lowest, highest = _count_bounds(name)
    return bool(lowest <= value and (highest is None or value <= highest))


def _count_bounds(name: str) -> tuple[int, int | None]:
    """The bounds of the count ``name`` known before the other settings are: (lowest,
    highest or None), as :meth:`SyntheticConfig.__post_init__` checks them."""
    return {"n_users": (1, _MOST_IDS), "n_items": (2, _MOST_IDS), "n_genres": (1, len(GENRES)),
            "n_factors": (1, _MOST_FACTORS), "seed": (0, SEED_MAX)}.get(name, (1, None))


#: each count's range as messages say it (its bounds, and those set by other settings)
_COUNT_RANGES = {
    "n_users": "from 1 to 2,147,483,647 (indices are int32)",
    "n_items": "from 2 to 2,147,483,647 (indices are int32)",
    "n_interactions": "of at least n_users * min_user_interactions and at most "
                      "n_users * n_items / 2",
    "n_genres": f"from 1 to {len(GENRES)} (the named genres), and at most n_items",
    "n_factors": "from 1 to 1,024",
    "min_user_interactions": "of at least 1 and at most half of n_items",
    "months": "of at least 1 (within the calendar from start)",
    "seed": f"in [0, {SEED_MAX}] (32 bits, what every seeded part accepts)",
}


def count_rule(name: str) -> str:
    """What the count ``name`` may be and how it is written, for messages."""
    return f"{name} is a whole number {_COUNT_RANGES[name]}, written in {NUMBER_TEXT_RULE}"


def _no_number_word(name: str, value: Any) -> None:
    """Refuse NaN or an infinity given as text to the count ``name`` (``n_users=nan`` in a
    spec) once, with the count's range: it was told "NaN is not a number any setting takes:
    give a number in digits" and then, by the spec's reader, how a number is written."""
    if not isinstance(value, str):
        return
    word = value.strip().lstrip("+-").lower()
    if word == "nan":
        what = "NaN is not a whole number"
    elif word in ("inf", "infinity"):
        what = "an infinity is not a whole number"
    else:
        return
    raise ConfigError(f"{name} must be an integer, got {shown(value)} ({what}: "
                      f"{count_rule(name)})")


def _real(value: Any) -> bool:
    """Whether ``value`` is a real number as every numeric option of the data layer takes
    one (Python's, numpy's, ``Decimal``, ``Fraction``; not ``bool``): ``Decimal("0.5")``
    was refused here as "not a number" while the thresholds and split fractions take it."""
    return not isinstance(value, bool | np.bool_) and isinstance(value, numbers.Real | Decimal)


def _as_whole(value: Any) -> int | None:
    """``value`` (a real number) as an int when it is exactly whole, else None."""
    try:
        return int(value) if value == int(value) else None
    except (ValueError, OverflowError):  # NaN, infinity
        return None


def _as_int(name: str, value: Any) -> int:
    """A count: an integer (Python's or numpy's), or a whole ``Decimal`` or ``Fraction``,
    as the models read ``factors``. A float is refused, as ``factors=64.0``, the
    ``synthetic:n_users=500.0`` source and ``--users 5e3`` are: ``n_users=2.0`` was taken
    here alone (a float is no count, and past 2**53 not even a whole one exactly)."""
    if isinstance(value, float | np.floating):
        # the hint gives the digits of a count a float holds exactly (1e300 is no count)
        number = float(value)
        whole = math.isfinite(number) and number.is_integer() and abs(number) < 2**53
        raise ConfigError(f"{name} must be an integer, got {shown(value)}" + (
            f" (a whole number is written in digits alone, without a point or an exponent: "
            f"{name}={int(number)})" if whole else ""))
    _no_number_word(name, value)
    if not _real(value):
        # n_users="20" was "must be an integer, got '20'", without saying that the quotes
        # were the mistake, as every other count of the project says
        raise ConfigError(f"{name} must be an integer, got {shown(value)}"
                          f"{_quoted_hint(value, int, name)}")
    try:
        whole = value == int(value)  # exactly: float() of a 30-digit Decimal rounds
    except (ValueError, OverflowError):  # NaN, infinity
        whole = False
    if not whole:
        raise ConfigError(f"{name} must be a whole number, got {shown(value)}")
    return int(value)


def _quoted_hint(value: Any, kind: type, name: str) -> str:
    """How to write ``value`` when it is a number in quotes (``n_users="20"``:
    :func:`~recstack.specs.number_spelling_hint`'s words), else ""."""
    return number_spelling_hint(value, kind, name) if isinstance(value, str) else ""


def _as_float(name: str, value: Any) -> float:
    if not _real(value):
        raise ConfigError(f"{name} must be a number, got {shown(value)}"
                          f"{_quoted_hint(value, float, name)}")
    # an integer past the float range (TOML reads any number of digits) made
    # math.isfinite raise OverflowError
    number = finite_or_infinite(value)
    if not math.isfinite(number):
        given = (f"a {digit_count(value):,}-digit integer" if isinstance(value, int)
                 else shown(value))
        raise ConfigError(f"{name} must be a finite number within the float range "
                          f"(about 1.8e308), got {given}")
    return number


#: dates that pandas reads from the clock
_CLOCK_WORDS = ("now", "today")


def _is_iso_date(text: str) -> bool:
    """Whether ``text`` is an ISO-8601 date or date-time (also '2019' and '2019-03')."""
    if re.fullmatch(r"[0-9]{4}(-[0-9]{2})?", text, re.ASCII):
        return True
    try:
        dt.datetime.fromisoformat(text)
    except ValueError:
        return False
    return True
_MOST_FACTORS = 1024
_MOST_IDS = 2**31 - 1
#: the longest count shown in digits in a message (beyond: its number of digits)
_MOST_DIGITS_SHOWN = 40


def _at_least(name: str, value: float, lowest: float) -> None:
    if value < lowest:
        raise ConfigError(f"{name} must be at least {lowest}, got {value}")


def _at_most(name: str, value: int, highest: int, why: str = "") -> None:
    if value > highest:
        # the digits as written (n_users=10000000000000000000000 was shown as 1e+22), up
        # to a length a person reads; past it, how many there are
        shown = (f"{value:,}" if value < 10**18 else str(value)
                 if value < 10**_MOST_DIGITS_SHOWN else f"a {digit_count(value):,}-digit number")
        raise ConfigError(f"{name} must be at most {highest:,}{why}, got {shown}")


def _between(name: str, value: float, lowest: float, highest: float) -> None:
    if not lowest <= value <= highest:
        raise ConfigError(f"{name} must be between {lowest:g} and {highest:g}, got {value}")


# --------------------------------------------------------------------------- ground truth
@dataclass(frozen=True, eq=False)
class SyntheticTruth:
    """The latent variables behind a synthetic dataset; for tests and debugging only.

    Row ``i`` of the item arrays describes item index ``i``, row ``u`` of the user arrays
    user index ``u``; ``affinity`` is aligned with the interaction rows.

    Attributes
    ----------
    genres
        The genre names; genre ``g`` below is ``genres[g]``.
    item_genre, item_second_genre
        Primary genre and secondary genre of every item (``-1``: none).
    item_popularity
        Zipf sampling weight of every item (sums to 1).
    item_factors, item_bias
        Latent item vectors and rating biases.
    user_taste_early, user_taste_late
        Genre preference (rows sum to 1) at the start and at the end of a user's window.
    user_factors_early, user_factors_late
        Latent user vectors at the start and at the end of the window; at the fraction
        ``f`` of the window the vector is ``early + f * (late - early)`` (tastes likewise).
    user_bias
        Rating bias of every user.
    affinity
        The standardised noiseless rating affinity of every row (ratings are this plus
        ``noise`` times a standard normal, cut at ``rating_thresholds``).
    rating_thresholds
        The four cuts between ratings 1|2, 2|3, 3|4 and 4|5.
    """

    genres: tuple[str, ...]
    item_genre: np.ndarray
    item_second_genre: np.ndarray
    item_popularity: np.ndarray
    item_factors: np.ndarray
    item_bias: np.ndarray
    user_taste_early: np.ndarray
    user_taste_late: np.ndarray
    user_factors_early: np.ndarray
    user_factors_late: np.ndarray
    user_bias: np.ndarray
    affinity: np.ndarray
    rating_thresholds: np.ndarray


# --------------------------------------------------------------------------- public API
@arguments_named
def generate(config: SyntheticConfig | None = None, *, progress: Progress | None = None,
             **overrides: Any) -> Interactions:
    """Generate the synthetic explicit-rating dataset.

    Parameters
    ----------
    config
        The configuration; :class:`SyntheticConfig` defaults when None.
    progress
        Receives a task advanced by generated rows; silent when None.
    **overrides
        Fields of :class:`SyntheticConfig` replacing those of ``config``, e.g.
        ``generate(n_users=500, seed=3)``.

    Returns
    -------
    Interactions
        Exactly ``n_interactions`` rows, no repeated (user, item) pair, ordered by user then
        time; ratings 1.0-5.0 in whole stars (``rating_range=(1.0, 5.0)``); Unix-second
        timestamps; ``item_table`` with ``item_id, title, genres, year, description`` and
        ``user_table`` with ``user_id, signup_time, favourite_genre``. Ids equal indices.
    """
    return _generate(_resolve_config(config, overrides), progress, keep_truth=False)[0]


@arguments_named
def generate_with_truth(config: SyntheticConfig | None = None, *,
                        progress: Progress | None = None, **overrides: Any
                        ) -> tuple[Interactions, SyntheticTruth]:
    """:func:`generate`, plus the latent variables behind the data.

    The interactions are identical to those of :func:`generate` for the same configuration.
    """
    data, truth = _generate(_resolve_config(config, overrides), progress, keep_truth=True)
    assert truth is not None
    return data, truth


def _resolve_config(config: SyntheticConfig | None, overrides: dict[str, Any]
                    ) -> SyntheticConfig:
    if config is None:
        config = SyntheticConfig()
    elif not isinstance(config, SyntheticConfig):
        raise ConfigError(f"config must be a SyntheticConfig, got {type(config).__name__}")
    known = [f.name for f in dataclasses.fields(SyntheticConfig)]
    unknown = sorted(set(overrides) - set(known))
    if unknown:
        raise ConfigError(f"unknown synthetic parameter(s) {', '.join(map(repr, unknown))}; "
                          f"the parameters are: {', '.join(known)}")
    # not dataclasses.replace, which gives every field anew: the defaults config fitted to
    # its sizes fit the new ones (generate(SyntheticConfig(n_items=5), n_items=500) has 12
    # genres, as generate(n_items=500) has)
    return SyntheticConfig(**{**given_settings(config), **overrides}) if overrides else config


# --------------------------------------------------------------------------- the model
@dataclass(frozen=True, eq=False)
class _Model:
    """Everything sampled once per dataset, before the interaction rows."""

    genre_share: np.ndarray          # (G,) relative genre sizes
    item_genre: np.ndarray           # (I,) int
    item_second_genre: np.ndarray    # (I,) int, -1 for none
    item_popularity: np.ndarray      # (I,) float64, sums to 1
    item_factors: np.ndarray         # (I, K) float32
    item_bias: np.ndarray            # (I,) float32
    taste_early: np.ndarray          # (U, G) float64
    taste_target: np.ndarray         # (U, G) float64: where a fully drifted taste ends
    factors_early: np.ndarray        # (U, K) float32
    factors_target: np.ndarray       # (U, K) float32
    user_bias: np.ndarray            # (U,) float32
    activity: np.ndarray             # (U,) int64, sums to n_interactions
    signup: np.ndarray               # (U,) int64 seconds after the span's start (may be < 0)
    window_start: np.ndarray         # (U,) int64 seconds after the span's start
    window_length: np.ndarray        # (U,) int64 seconds, >= 1
    # Inverse-CDF table of items: segments 0..G-1 are the genres (secondary members at
    # reduced weight), segment G the whole catalogue; a member's boundary is its segment
    # number plus the cumulative weight within the segment, so one searchsorted finds it.
    member_bounds: np.ndarray
    member_item: np.ndarray
    segment_start: np.ndarray        # (G + 2,) segment g is member_*[start[g]:start[g + 1]]


def _build_model(config: SyntheticConfig, rng: np.random.Generator) -> _Model:
    n_users, n_items, n_genres = config.n_users, config.n_items, config.n_genres
    scale = 1.0 / math.sqrt(config.n_factors)  # so that noise vectors have length ~1

    sizes = np.array([size for _, size in _GENRE_SIZES[:n_genres]], dtype=np.float64)
    genre_share = sizes / sizes.sum()
    # Every genre gets at least one item, the rest by the genres' sizes.
    item_genre = np.concatenate([np.arange(n_genres),
                                 rng.choice(n_genres, n_items - n_genres, p=genre_share)])
    rng.shuffle(item_genre)
    second = np.full(n_items, -1, dtype=np.int64)
    if n_genres > 1:
        has_second = rng.random(n_items) < _SECOND_GENRE_RATE
        drawn = rng.choice(n_genres, n_items, p=genre_share)
        clash = drawn == item_genre
        drawn[clash] = (item_genre[clash] + 1 + rng.integers(0, n_genres - 1, clash.sum())
                        ) % n_genres
        second[has_second] = drawn[has_second]
    has_second = second >= 0

    centroids = rng.standard_normal((n_genres, config.n_factors)) * (_CENTROID_NORM * scale)
    item_factors = (centroids[item_genre]
                    + 0.5 * np.where(has_second[:, None], centroids[np.maximum(second, 0)], 0.0)
                    + rng.standard_normal((n_items, config.n_factors)) * (_ITEM_SPREAD * scale))

    rank = rng.permutation(n_items)
    log_pop = -config.popularity_exponent * np.log(rank + 1.0)
    popularity = np.exp(log_pop)
    popularity /= popularity.sum()
    # Popular items are rated a little better, as in MovieLens.
    pop_z = (log_pop - log_pop.mean()) / (log_pop.std() or 1.0)
    item_bias = _BIAS_SCALE * (0.8 * rng.standard_normal(n_items) + 0.4 * pop_z)

    activity = _user_activity(config, rng)
    # Heavier users have broader tastes (a larger Dirichlet total), as real heavy raters do.
    breadth = _TASTE_CONCENTRATION * np.sqrt(activity / activity.mean())
    taste_early = _dirichlet(rng, genre_share, breadth)
    taste_target = _dirichlet(rng, genre_share, breadth)
    personal = rng.standard_normal((n_users, config.n_factors), dtype=np.float32)
    personal *= _USER_SPREAD * scale
    centroids32 = centroids.astype(np.float32)
    factors_early = taste_early.astype(np.float32) @ centroids32 + personal
    factors_target = taste_target.astype(np.float32) @ centroids32 + personal
    del personal
    user_bias = _BIAS_SCALE * rng.standard_normal(n_users)

    first, end = config.time_span()
    span = end - first
    log_activity = np.log(activity)
    activity_z = (log_activity - log_activity.mean()) / (log_activity.std() or 1.0)
    log_fraction = _WINDOW_LOG_FRACTION + 0.6 * activity_z + 1.2 * rng.standard_normal(n_users)
    shortest = min(_MIN_WINDOW_SECONDS, span)
    length = np.clip(np.exp(log_fraction) * span, shortest, span)
    # Window centres are uniform over the span and windows are cut to it, as a log cuts
    # its users' histories. Windows kept inside the span would pile activity up in the
    # middle months; centring keeps the months even (within about 20%).
    opened = rng.random(n_users) * span - length / 2
    window_start = np.clip(opened, 0, span - shortest).astype(np.int64)
    window_end = np.clip(opened + length, window_start + shortest, span).astype(np.int64)
    window_length = window_end - window_start

    member_segment = np.concatenate([item_genre, second[has_second],
                                     np.full(n_items, n_genres)])
    member_item = np.concatenate([np.arange(n_items), np.flatnonzero(has_second),
                                  np.arange(n_items)])
    member_weight = np.concatenate([popularity, _SECOND_GENRE_WEIGHT * popularity[has_second],
                                    popularity])
    order = np.argsort(member_segment, kind="stable")
    member_segment, member_item = member_segment[order], member_item[order]
    segment_start = np.searchsorted(member_segment, np.arange(n_genres + 2))
    cumulative = np.cumsum(member_weight[order])
    before = np.concatenate([[0.0], cumulative])[segment_start[:-1]]
    total = cumulative[segment_start[1:] - 1] - before
    member_bounds = (member_segment
                     + (cumulative - before[member_segment]) / total[member_segment])

    return _Model(
        genre_share=genre_share, item_genre=item_genre, item_second_genre=second,
        item_popularity=popularity, item_factors=item_factors.astype(np.float32),
        item_bias=item_bias.astype(np.float32), taste_early=taste_early,
        taste_target=taste_target, factors_early=factors_early,
        factors_target=factors_target,
        user_bias=user_bias.astype(np.float32), activity=activity,
        signup=np.floor(opened).astype(np.int64), window_start=window_start,
        window_length=window_length,
        member_bounds=member_bounds, member_item=member_item.astype(np.int32),
        segment_start=segment_start,
    )


def _dirichlet(rng: np.random.Generator, share: np.ndarray, total: np.ndarray) -> np.ndarray:
    """One sparse taste per user: Dirichlet(total_u * share), floored by a little exploration.

    Gamma draws with small shapes can underflow to 0, so rows are normalised by hand and an
    all-zero row falls back to ``share``.
    """
    gammas = rng.standard_gamma(total[:, None] * share[None, :])
    sums = gammas.sum(axis=1, keepdims=True)
    taste = np.where(sums > 0, gammas / np.where(sums > 0, sums, 1.0), share[None, :])
    return (1.0 - _GENRE_EXPLORATION) * taste + _GENRE_EXPLORATION * share[None, :]


def _user_activity(config: SyntheticConfig, rng: np.random.Generator) -> np.ndarray:
    """Rows per user: lognormal weights scaled so the counts sum exactly to n_interactions,
    with ``min_user_interactions <= count <= ceil(n_items / 2)``."""
    n_users, floor = config.n_users, config.min_user_interactions
    room = math.ceil(config.n_items / 2) - floor   # extra rows a user can take at most
    extra = config.n_interactions - n_users * floor
    weights = rng.lognormal(0.0, config.activity_sigma, n_users)
    if extra >= n_users * room:
        return np.full(n_users, floor + room, dtype=np.int64)
    # Water-filling: the heaviest j users are capped at `room`, the rest get scale * weight;
    # the right j is the smallest whose heaviest uncapped user still fits under the cap.
    order = np.argsort(-weights, kind="stable")
    descending = weights[order]
    tail = np.cumsum(descending[::-1])[::-1]              # sum of weights from position j on
    capped = np.arange(n_users)
    scale = (extra - capped * room) / tail
    j = int(np.argmax(scale * descending <= room))
    ideal = np.minimum(room, scale[j] * weights)
    counts = np.floor(ideal).astype(np.int64)
    # Largest remainders take the rows that flooring left over.
    short = extra - int(counts.sum())
    remainder = np.where(counts < room, ideal - counts, -1.0)
    while short > 0:
        takers = np.argsort(-remainder, kind="stable")[:short]
        takers = takers[counts[takers] < room]
        counts[takers] += 1
        remainder[takers] = -1.0
        short = extra - int(counts.sum())
    while short < 0:  # float rounding only; never more than a handful of rows
        givers = np.flatnonzero(counts > 0)[: -short]
        counts[givers] -= 1
        short = extra - int(counts.sum())
    return counts + floor


# --------------------------------------------------------------------------- the rows
def estimated_bytes(config: SyntheticConfig) -> int:
    """A lower estimate of the peak memory :func:`generate` takes for ``config``: the
    per-user tastes and factors (float64 and float32, early and target) with a dozen
    per-user vectors and the user table; the per-item factors, inverse-CDF table and item
    table (titles and descriptions); and per row the four columns (20 bytes) with the
    rating pass's temporaries and the copies the Interactions makes (about 48 in all)."""
    per_user = 2 * config.n_genres * 8 + 2 * config.n_factors * 4 + 12 * 8 + 100
    per_item = config.n_factors * 4 + 2 * (config.n_genres + 1) * 8 + 12 * 8 + 200
    return (config.n_users * per_user + config.n_items * per_item
            + config.n_interactions * 48)


def _require_memory(config: SyntheticConfig) -> None:
    """Refuse, before allocating, sizes the process cannot hold (n_users=10**9 was a raw
    numpy MemoryError, part-way through)."""
    from recstack.models.memory import require_memory

    require_memory("synthetic", estimated_bytes(config),
                   f"generating n_users={config.n_users:,}, n_items={config.n_items:,}, "
                   f"n_interactions={config.n_interactions:,}",
                   "lower n_users, n_items or n_interactions")


def _generate(config: SyntheticConfig, progress: Progress | None, *, keep_truth: bool
              ) -> tuple[Interactions, SyntheticTruth | None]:
    _require_memory(config)
    model_seed, rows_seed, noise_seed, text_seed, user_seed = np.random.SeedSequence(
        config.seed).spawn(5)
    model = _build_model(config, np.random.default_rng(model_seed))
    first, _ = config.time_span()

    n = config.n_interactions
    user_index = np.empty(n, dtype=np.int32)
    item_index = np.empty(n, dtype=np.int32)
    value = np.empty(n, dtype=np.float32)       # the raw affinity until the ratings pass
    timestamp = np.empty(n, dtype=np.int64)

    row_start = np.concatenate([[0], np.cumsum(model.activity)])
    cuts = np.searchsorted(row_start, np.arange(_BLOCK_ROWS, n, _BLOCK_ROWS))
    bounds = np.unique(np.concatenate([[0], cuts, [config.n_users]]))
    block_seeds = rows_seed.spawn(len(bounds) - 1)
    with resolve(progress).task("Generating synthetic interactions", total=n) as task:
        for lo, hi, seed in zip(bounds[:-1], bounds[1:], block_seeds, strict=True):
            rows = slice(int(row_start[lo]), int(row_start[hi]))
            _fill_block(model, config, int(lo), int(hi), np.random.default_rng(seed), first,
                        user_index[rows], item_index[rows], value[rows], timestamp[rows])
            task.advance(rows.stop - rows.start)

    affinity, thresholds = _ratings(value, config.noise, np.random.default_rng(noise_seed),
                                    keep_affinity=keep_truth)
    data = Interactions(
        user_index, item_index, value, timestamp,
        users=IdMap.range(config.n_users), items=IdMap.range(config.n_items),
        item_table=_item_table(model, config, np.random.default_rng(text_seed)),
        user_table=_user_table(model, config, first, np.random.default_rng(user_seed)),
        rating_range=(1.0, 5.0),
    )
    if not keep_truth:
        return data, None
    drift = config.drift
    truth = SyntheticTruth(
        genres=GENRES[: config.n_genres],
        item_genre=model.item_genre, item_second_genre=model.item_second_genre,
        item_popularity=model.item_popularity, item_factors=model.item_factors,
        item_bias=model.item_bias, user_taste_early=model.taste_early,
        user_taste_late=(1 - drift) * model.taste_early + drift * model.taste_target,
        user_factors_early=model.factors_early,
        user_factors_late=((1 - drift) * model.factors_early
                           + drift * model.factors_target).astype(np.float32),
        user_bias=model.user_bias, affinity=affinity, rating_thresholds=thresholds,
    )
    for field in dataclasses.fields(truth):
        array = getattr(truth, field.name)
        if isinstance(array, np.ndarray):
            array.flags.writeable = False
    return data, truth


def _fill_block(model: _Model, config: SyntheticConfig, lo: int, hi: int,
                rng: np.random.Generator, first: int, user_out: np.ndarray,
                item_out: np.ndarray, affinity_out: np.ndarray, time_out: np.ndarray) -> None:
    """Rows of users ``lo..hi-1`` into the given output slices (raw affinity as value)."""
    counts = model.activity[lo:hi]
    n = int(counts.sum())
    local = np.repeat(np.arange(hi - lo, dtype=np.float64), counts)
    # Sorted uniforms within each user: adding the user's number keeps users apart.
    fraction = np.sort(local + rng.random(n))
    fraction -= local
    user = local.astype(np.int64) + lo
    # Taste at fraction f of the window: the early one, or with probability drift * f the
    # target one; the mixture is the interpolated taste of the module docstring.
    taste_row = 2 * (user - lo) + (rng.random(n) < config.drift * fraction)
    item = _draw_items(model, config, user, _taste_bounds(model, lo, hi), taste_row, rng)

    mix = (config.drift * fraction).astype(np.float32)
    user_factors = model.factors_early[user]
    item_factors = model.item_factors[item]
    affinity = np.einsum("ij,ij->i", user_factors, item_factors)
    affinity += mix * np.einsum("ij,ij->i", model.factors_target[user] - user_factors,
                                item_factors)
    affinity += model.user_bias[user] + model.item_bias[item]

    user_out[:] = user
    item_out[:] = item
    affinity_out[:] = affinity
    length = model.window_length[user]
    # min(): a fraction that rounded up to 1.0 must not reach the window's end
    time_out[:] = first + model.window_start[user] + np.minimum(
        np.floor(fraction * length).astype(np.int64), length - 1)


def _taste_bounds(model: _Model, lo: int, hi: int) -> np.ndarray:
    """Inverse-CDF table of the tastes of users ``lo..hi-1``: row ``2k`` is the early taste
    of user ``lo + k``, row ``2k + 1`` its drift target, and the boundaries are the row number
    plus the cumulative shares, so one searchsorted finds a row's genre."""
    n_genres = model.taste_early.shape[1]
    bounds = np.empty((hi - lo, 2, n_genres - 1))
    np.cumsum(model.taste_early[lo:hi, :-1], axis=1, out=bounds[:, 0])
    np.cumsum(model.taste_target[lo:hi, :-1], axis=1, out=bounds[:, 1])
    bounds += np.arange(2 * (hi - lo), dtype=np.float64).reshape(hi - lo, 2, 1)
    return bounds.ravel()


def _draw_items(model: _Model, config: SyntheticConfig, user: np.ndarray,
                taste_bounds: np.ndarray, taste_row: np.ndarray, rng: np.random.Generator
                ) -> np.ndarray:
    """One item per row with no (user, item) pair twice.

    Each row draws its genre once (from the user's taste at its time, or the whole
    catalogue for popularity picks), then items of that genre by popularity until one is
    new to the user: sampling without replacement within the genre. Rows still colliding
    after a few rounds draw uniformly within their genre, and then from the whole catalogue,
    so that heavy users of small genres always fill.
    """
    n_genres, n_items = config.n_genres, config.n_items
    segment_start = model.segment_start
    position = np.searchsorted(taste_bounds, taste_row + rng.random(len(user)), "right")
    segment = np.clip(position - taste_row * (n_genres - 1), 0, n_genres - 1)
    segment[rng.random(len(user)) < _POPULARITY_PICK_RATE] = n_genres

    item = np.empty(len(user), dtype=np.int32)
    pending = np.arange(len(user))
    taken = np.empty(0, dtype=np.int64)          # sorted keys user * n_items + item
    for round_no in range(_MAX_ROUNDS):
        size = len(pending)
        if round_no < _POPULARITY_ROUNDS + _FLAT_GENRE_ROUNDS:
            pending_segment = segment[pending]
        else:
            pending_segment = np.full(size, n_genres)
        start = segment_start[pending_segment]
        stop = segment_start[pending_segment + 1]
        if round_no < _POPULARITY_ROUNDS:
            drawn = np.searchsorted(model.member_bounds, pending_segment + rng.random(size),
                                    "right")
            drawn = np.clip(drawn, start, stop - 1)
        else:
            drawn = start + (rng.random(size) * (stop - start)).astype(np.int64)
        candidate = model.member_item[drawn]

        keys = user[pending] * n_items + candidate
        fresh = np.zeros(size, dtype=bool)
        fresh[np.unique(keys, return_index=True)[1]] = True
        if len(taken):
            at = np.minimum(np.searchsorted(taken, keys), len(taken) - 1)
            fresh &= taken[at] != keys
        item[pending[fresh]] = candidate[fresh]
        taken = np.sort(np.concatenate([taken, keys[fresh]]), kind="stable")
        pending = pending[~fresh]
        if not len(pending):
            return item
    raise RuntimeError("synthetic: could not place every interaction; this is a bug")


def _ratings(value: np.ndarray, noise: float, rng: np.random.Generator, *,
             keep_affinity: bool) -> tuple[np.ndarray, np.ndarray]:
    """Turn raw affinities (in ``value``) into 1-5 ratings in place.

    Returns the standardised affinity (empty unless ``keep_affinity``) and the thresholds.
    """
    step = max(1, len(value) // 1_000_000)      # a fixed subsample keeps this deterministic
    sample = value[::step].astype(np.float64)
    mean, std = float(sample.mean()), float(sample.std()) or 1.0
    affinity = np.empty(len(value) if keep_affinity else 0, dtype=np.float32)
    chunks = [slice(a, a + _BLOCK_ROWS) for a in range(0, len(value), _BLOCK_ROWS)]
    for chunk in chunks:
        z = (value[chunk] - np.float32(mean)) / np.float32(std)
        if keep_affinity:
            affinity[chunk] = z
        z += np.float32(noise) * rng.standard_normal(len(z), dtype=np.float32)
        value[chunk] = z
    thresholds = np.quantile(value[::step], np.cumsum(RATING_SHARES)[:-1])
    for chunk in chunks:
        value[chunk] = 1 + np.searchsorted(thresholds, value[chunk], "right")
    return affinity, thresholds


# --------------------------------------------------------------------------- side tables
def _item_table(model: _Model, config: SyntheticConfig, rng: np.random.Generator
                ) -> pd.DataFrame:
    """Titles, genre lists, release years and descriptions, built per item (never per row)."""
    n_items = config.n_items
    names = GENRES[: config.n_genres]
    vocabulary = [_VOCABULARY[name] for name in names]
    genre, second = model.item_genre, model.item_second_genre
    has_second = second >= 0

    def words(genres: np.ndarray, part: int, draws: np.ndarray | None = None) -> list[str]:
        """A word of vocabulary ``part`` of each item's genre, chosen by ``draws`` (random
        when None; ``draws + 1`` gives a word other than that of ``draws``)."""
        if draws is None:
            draws = rng.integers(0, 1 << 30, n_items)
        return [vocabulary[g][part][d % len(vocabulary[g][part])]
                for g, d in zip(genres.tolist(), draws.tolist(), strict=True)]

    # Title words come from the primary genre, or from the secondary one for a third of
    # the items that have one, as "Comedy|Romance" titles read.
    title_genre = np.where(has_second & (rng.random(n_items) < 1 / 3), second, genre)
    noun_draw = rng.integers(0, 1 << 30, n_items)
    nouns = words(title_genre, 1, noun_draw)
    other_nouns = words(title_genre, 1, noun_draw + 1)
    adjectives = words(title_genre, 0)
    forms = ("The {a} {n}", "{a} {n}", "The {n}", "{n} of the {a} {m}")
    form = rng.integers(0, len(forms), n_items).tolist()
    suffix = np.where(rng.random(n_items) < _SEQUEL_RATE,
                      np.array(_SEQUEL_SUFFIXES, dtype=object)[
                          rng.integers(0, len(_SEQUEL_SUFFIXES), n_items)], "").tolist()
    titles = [forms[f].format(a=a, n=n, m=m) + tail for f, a, n, m, tail
              in zip(form, adjectives, nouns, other_nouns, suffix, strict=True)]

    other = np.where(has_second, second, genre)
    parts = (words(genre, 2), words(genre, 3), words(genre, 4), words(other, 2),
             words(other, 3), has_second.tolist())
    descriptions = [
        f"{hero[0].upper()}{hero[1:]} {plot} in {setting}."
        + (f" Along the way, {hero2} {plot2}." if two else "")
        for hero, plot, setting, hero2, plot2, two in zip(*parts, strict=True)
    ]
    genre_lists = [[names[g]] if s < 0 else [names[g], names[s]]
                   for g, s in zip(genre.tolist(), second.tolist(), strict=True)]
    # Release years lean recent; none after the data starts.
    first_year = pd.Timestamp(config.time_span()[0], unit="s").year
    year = np.maximum(1920, first_year - np.floor(rng.exponential(12.0, n_items))
                      ).astype(np.int64)
    return pd.DataFrame({"item_id": np.arange(n_items), "title": titles,
                         "genres": genre_lists, "year": year, "description": descriptions})


def _user_table(model: _Model, config: SyntheticConfig, first: int, rng: np.random.Generator
                ) -> pd.DataFrame:
    """Sign-up time (the start of a user's active window, before the logged months for
    users whose window the log cuts) and the favourite genre a user names at sign-up: the
    strongest genre of their early taste, or for one user in five, as people answer such
    questions loosely, a genre drawn from that taste."""
    names = np.array(GENRES[: config.n_genres], dtype=object)
    favourite = np.argmax(model.taste_early, axis=1)
    loose = np.flatnonzero(rng.random(config.n_users) < 0.2)
    cumulative = np.cumsum(model.taste_early[loose], axis=1)
    drawn = (cumulative[:, :-1] < rng.random(len(loose))[:, None]).sum(axis=1)
    favourite[loose] = drawn
    return pd.DataFrame({
        "user_id": np.arange(config.n_users),
        "signup_time": (first + model.signup).astype("datetime64[s]"),
        "favourite_genre": names[favourite],
    })
