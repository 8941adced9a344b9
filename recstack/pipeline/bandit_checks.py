"""Input checks shared by the Bayesian logistic regression, the bandit policies, the bandit
simulation and the off-policy estimators: each refuses a bad array with one line that names
the argument, the first offending position and value, and what would be right."""

from __future__ import annotations

from typing import Any

import numpy as np

from recstack.errors import RecstackError


class BanditInputError(RecstackError, ValueError):
    """An array given to a bandit policy, the Bayesian logistic regression or an off-policy
    estimator has the wrong shape or a value it cannot take."""


def _first_bad(mask: np.ndarray) -> tuple[int, ...]:
    return tuple(int(i) for i in np.argwhere(mask)[0])


def _position(index: tuple[int, ...]) -> str:
    return f"row {index[0]}" if len(index) == 1 else "position " + str(list(index))


def as_float_array(where: str, name: str, value: Any, *, ndim: int) -> np.ndarray:
    """``value`` as a finite float64 array with ``ndim`` dimensions."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise BanditInputError(f"{where}: {name} must be an array of numbers ({error})"
                               ) from None
    if array.ndim != ndim:
        raise BanditInputError(f"{where}: {name} must be a {ndim}-D array, got shape "
                               f"{array.shape}")
    bad = ~np.isfinite(array)
    if bad.any():
        index = _first_bad(bad)
        raise BanditInputError(f"{where}: {name} must be finite, {_position(index)} is "
                               f"{float(array[index])!r}")
    return array


def as_index_array(where: str, name: str, value: Any, *, ndim: int, size: int,
                   what: str = "item") -> np.ndarray:
    """``value`` as an int64 array of indices in ``[0, size)`` (else: an unknown ``what``)."""
    array = np.asarray(value)
    if array.ndim != ndim:
        raise BanditInputError(f"{where}: {name} must be a {ndim}-D array of {what} indices, "
                               f"got shape {array.shape}")
    if array.size and not np.issubdtype(array.dtype, np.integer):
        if not (np.issubdtype(array.dtype, np.floating) and np.isfinite(array).all()
                and (array == np.round(array)).all()):
            raise BanditInputError(f"{where}: {name} must hold integer {what} indices, got "
                                   f"dtype {array.dtype}")
    array = array.astype(np.int64)
    bad = (array < 0) | (array >= size)
    if bad.any():
        index = _first_bad(bad)
        raise BanditInputError(f"{where}: unknown {what} {int(array[index])} in {name} at "
                               f"{_position(index)}; {what}s are 0..{size - 1}")
    return array


def check_unit_interval(where: str, name: str, array: np.ndarray) -> None:
    """Refuse values outside [0, 1] (probabilities, Bernoulli rewards)."""
    bad = (array < 0) | (array > 1)
    if bad.any():
        index = _first_bad(bad)
        raise BanditInputError(f"{where}: {name} must be probabilities in [0, 1], "
                               f"{_position(index)} is {float(array[index])!r}")


def check_same_length(where: str, **arrays: np.ndarray) -> None:
    """Refuse arrays whose first dimensions differ, naming each with its length."""
    lengths = {name: len(array) for name, array in arrays.items()}
    if len(set(lengths.values())) > 1:
        listed = ", ".join(f"{name} {n}" for name, n in lengths.items())
        raise BanditInputError(f"{where}: the arrays must have one entry per round, got "
                               f"lengths {listed}")


def check_shape(where: str, name: str, array: np.ndarray, shape: tuple[int, ...]) -> None:
    if array.shape != shape:
        raise BanditInputError(f"{where}: {name} must have shape {shape}, got {array.shape}")
