"""A compiled reader for plain numeric delimited files: the fast path of the big ratings files.

:func:`read_columns` parses a file such as MovieLens' ``ratings.csv`` with numba kernels
that release the GIL, one block of the file per thread, straight into the numpy arrays
that the loader returns. It accepts only a strict grammar and says ``None`` (not
"an error") to anything else, so the caller reads such a file with pyarrow, whose path
diagnoses every problem with file, line and column; what this module accepts, it parses
to exactly the values pyarrow would (bit for bit):

* lines end with ``\\n`` or ``\\r\\n`` (the last may end without one); no blank lines;
* every line has exactly the expected number of fields, separated by the delimiter
  (one ASCII character, or ``"::"``);
* integers: ``0`` or ``-?[1-9][0-9]{0,17}`` (no leading zeros, no ``-0``), in range of
  the column's type;
* floats: ``[+-]?`` digits with at most one ``.`` (a digit on at least one side) and an
  optional exponent ``[eE][+-]?[0-9]+``, whose value is m * 10**p with an integer
  m < 2**53 (trailing zeros dropped) and |p| <= 22. In that range one IEEE division or
  multiplication of two exact doubles is correctly rounded (Clinger's fast path, 1990),
  which is what pyarrow's parser returns. A float32 column takes that double rounded
  to float32, except when the double lies exactly half-way between two float32 values:
  only there can rounding twice differ from rounding once, so such a file is declined;
* fields that are not read: any ASCII bytes but the delimiter, quotes and line breaks.

How it runs: the threads take turns, under a lock, at reading the next block of the file
into a buffer of their own, cutting it after its last line break (the cut-off start of
a line goes ahead of the next block) and counting its lines, which fixes where its rows
go in the output arrays; then each parses its block, unlocked, while another reads.
The output arrays are sized for the most lines the file could hold, which costs nothing
because memory is committed page by page as rows are written (:func:`empty_pages`):
the peak is the arrays themselves plus a buffer of two blocks per thread.

Numba is imported and the kernels compiled on first use, never at import time;
``cache=True`` keeps the machine code between processes, so only the first call on a
machine pays the compilation (about two seconds).
"""

from __future__ import annotations

import functools
import math
import mmap
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["numba_available", "data_offset", "read_columns", "KINDS", "empty_pages"]

# Field kinds as the kernel sees them; 0 is a field that is not read.
_SKIP, _INT32, _INT64, _FLOAT32, _FLOAT64 = 0, 1, 2, 3, 4
KINDS = {"int32": _INT32, "int64": _INT64, "float32": _FLOAT32, "float64": _FLOAT64}
_DTYPES = {_INT32: np.int32, _INT64: np.int64, _FLOAT32: np.float32, _FLOAT64: np.float64}
# Bytes read per block: a block is parsed by one thread while the next is being read.
# Small enough to stay in cache between the line count and the parse.
BLOCK_SIZE = 2 << 20
_NEWLINE, _RETURN, _QUOTE = 10, 13, 34


@functools.cache
def numba_available() -> bool:
    """Whether numba can be imported (the ``bpr`` extra)."""
    try:
        import numba  # noqa: F401
    except ImportError:
        return False
    return True


def empty_pages(shape: int | tuple[int, ...], dtype: Any) -> np.ndarray:
    """``np.empty`` in a private anonymous memory map of its own, unmapped with the array.

    Memory is committed a page at a time as it is first written, so unwritten capacity
    costs nothing; and unlike numpy's large allocations, the map asks for no transparent
    huge pages, whose zeroing and compaction at the first write cost twice as much
    system time as ordinary pages (measured: 0.55 s against 0.2 s for 400 MB on a Linux
    VM with THP in "madvise" mode).
    """
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    count = math.prod(shape)
    nbytes = count * np.dtype(dtype).itemsize
    try:
        pages = mmap.mmap(-1, max(nbytes, 1), flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    except (AttributeError, OSError, ValueError):  # no such map here (Windows): numpy's
        return np.empty(shape, dtype)
    return np.frombuffer(pages, dtype, count=count).reshape(shape)


def default_threads() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


# ---------------------------------------------------------------------------- kernels
# Plain Python here; compiled by numba in _kernels(). They see only arrays and integers.

def _count_newlines(buffer: np.ndarray, end: int) -> int:
    count = 0
    for position in range(end):
        count += buffer[position] == _NEWLINE
    return count


def _last_newline(buffer: np.ndarray, end: int) -> int:
    for position in range(end - 1, -1, -1):
        if buffer[position] == _NEWLINE:
            return position
    return -1


# Eight bytes at a time (SWAR, as in Lemire's fast_float): integers are read a word of
# eight characters at a time, which takes one unpredictable branch per number instead of
# one per digit.
_ASCII_ZEROS = np.uint64(0x3030303030303030)
_HIGH_BITS = np.uint64(0x8080808080808080)
_TEN_TO_HIGH_BIT = np.uint64(0x7676767676767676)  # 10 + 0x76 = 0x80
_BYTE_INDEX = np.uint64(0x0001020304050607)
_LOW_BYTES = np.uint64(0x000000FF000000FF)
_MULTIPLIER_1 = np.uint64(100 + (1_000_000 << 32))
_MULTIPLIER_2 = np.uint64(1 + (10_000 << 32))
# Bytes a buffer must hold past the end of its data: the sentinel and a word's reach.
PADDING = 16


def _at(buffer: np.ndarray, position: int) -> int:
    """``buffer[position]`` through an unsigned index: numba then adds no check for a
    negative one (a fifth of the parse time)."""
    return buffer[np.uint64(position)]  # type: ignore[no-any-return]


def _load_word(buffer: np.ndarray, position: int) -> np.uint64:
    """The eight bytes from ``position``, the first in the lowest byte."""
    # unsigned indices: numba then adds no check for negative ones, and LLVM merges the
    # eight byte loads into one
    start = np.uint64(position)
    word = np.uint64(0)
    for offset in range(8):
        word |= np.uint64(buffer[start + np.uint64(offset)]) << np.uint64(8 * offset)
    return word


def _leading_digits(word: np.uint64) -> int:
    """How many of the word's bytes, from the first, are ASCII digits (0 to 8)."""
    values = word ^ _ASCII_ZEROS  # a digit is now a byte 0..9
    # the high bit of a byte is set for a value of 10 or more (a carry out of a byte only
    # disturbs the bytes after the first non-digit, which are not looked at)
    non_digits = ((values + _TEN_TO_HIGH_BIT) | values) & _HIGH_BITS
    if non_digits == np.uint64(0):
        return 8
    lowest = non_digits & (~non_digits + np.uint64(1))  # the first non-digit's mark only
    # that mark is 0x80 << 8k; (1 << 8k) * _BYTE_INDEX holds k in its top byte
    return int(np.int64(((lowest >> np.uint64(7)) * _BYTE_INDEX) >> np.uint64(56)))


def _digits_value(word: np.uint64, count: int) -> int:
    """The number written by the first ``count`` (1 to 8) bytes of the word, all digits."""
    values = (word ^ _ASCII_ZEROS) << np.uint64(8 * (8 - count))  # leading zeros in front
    values = values * np.uint64(10) + (values >> np.uint64(8))  # pairs of digits
    values = ((values & _LOW_BYTES) * _MULTIPLIER_1
              + ((values >> np.uint64(16)) & _LOW_BYTES) * _MULTIPLIER_2) >> np.uint64(32)
    return int(np.int64(values))


def _parse_rows(buffer: np.ndarray, end: int, kinds: np.ndarray, slots: np.ndarray,
                delimiter: int, second_delimiter: int, int32_out: np.ndarray,
                int64_out: np.ndarray, float32_out: np.ndarray, float64_out: np.ndarray,
                first_row: int, n_rows: int) -> bool:
    """Parse the ``n_rows`` lines of ``buffer[:end]`` into rows ``first_row...`` of the
    outputs (``out[slots[field], row]``); False as soon as a byte breaks the grammar of
    the module docstring, or when the lines do not end exactly at ``end``.

    ``buffer[end]`` must be 0 and ``PADDING - 1`` more bytes must follow: the 0 stops
    every scan (it is no digit, delimiter or line break), so no loop checks for the end.
    Integers are read eight bytes at a time (:func:`_load_word`)."""
    # 10**k, exact in float64 for k <= 22 (5**22 < 2**53) and in int64 up to 10**18
    float_powers = np.empty(23, np.float64)
    int_powers = np.empty(19, np.int64)
    float_power, int_power = 1.0, 1
    for k in range(23):
        float_powers[k] = float_power
        float_power *= 10.0
        if k < 19:
            int_powers[k] = int_power
            int_power *= 10
    mantissa_limit = 1 << 53
    # the bits of a double, to see whether it lies half-way between two float32 values
    probe = np.empty(1, np.float64)
    probe_bits = probe.view(np.uint64)
    low_bits_mask = np.uint64((1 << 29) - 1)  # the 53 - 24 bits that float32 drops
    half_way = np.uint64(1 << 28)
    n_fields = len(kinds)
    position = 0
    for row in range(first_row, first_row + n_rows):
        for field in range(n_fields):
            kind = kinds[np.uint64(field)]
            if kind == _SKIP:
                while True:
                    byte = _at(buffer, position)
                    if byte == delimiter or byte == _NEWLINE or byte == _RETURN:
                        break
                    if byte == 0 and position == end:  # the sentinel
                        break
                    if byte == _QUOTE or byte >= 128 or byte == 0:
                        return False
                    position += 1
            elif kind == _INT32 or kind == _INT64:
                negative = _at(buffer, position) == 45  # '-'
                if negative:
                    position += 1
                if _at(buffer, position) == 48 and (
                        negative or 48 <= _at(buffer, position + 1) <= 57):
                    # '007' or '-0', an integer written loosely: declined, so that the
                    # caller's pyarrow path warns of ids written two ways
                    return False
                integer = 0
                digits = 0
                while digits <= 18:
                    word = _load_word(buffer, position)
                    count = _leading_digits(word)
                    if count == 0:
                        break
                    integer = integer * int(int_powers[count]) + _digits_value(word, count)
                    digits += count
                    position += count
                    if count < 8:
                        break
                if digits == 0 or digits > 18:  # 18 digits cannot overflow int64
                    return False
                if negative:
                    integer = -integer
                if kind == _INT32:
                    if integer < -2147483648 or integer > 2147483647:
                        return False
                    # unsigned indices, as in _at
                    int32_out[np.uint64(slots[field]), np.uint64(row)] = integer
                else:
                    int64_out[np.uint64(slots[field]), np.uint64(row)] = integer
            else:
                negative = False
                if _at(buffer, position) == 45:  # '-'
                    negative = True
                    position += 1
                elif _at(buffer, position) == 43:  # '+'
                    position += 1
                # value = mantissa * 10**(pending_zeros - fraction_digits + exponent);
                # zeros are held back until a non-zero digit follows, so trailing zeros
                # ("4.000") never count against the 2**53 limit
                mantissa = 0
                pending_zeros = 0
                digits = 0
                fraction_digits = 0
                in_fraction = False
                while True:
                    byte = _at(buffer, position)
                    if byte == 46 and not in_fraction:  # '.'
                        in_fraction = True
                        position += 1
                        continue
                    unsigned_digit = np.uint64(byte) - np.uint64(48)
                    if unsigned_digit > np.uint64(9):
                        break
                    digit = int(unsigned_digit)
                    position += 1
                    digits += 1
                    if in_fraction:
                        fraction_digits += 1
                    if digit == 0:
                        pending_zeros += 1
                    elif mantissa == 0:
                        mantissa = digit
                        pending_zeros = 0
                    else:
                        if pending_zeros >= 16:
                            return False
                        scale = int(int_powers[pending_zeros + 1])
                        if mantissa > (mantissa_limit - 1 - digit) // scale:
                            return False
                        mantissa = mantissa * scale + digit
                        pending_zeros = 0
                if digits == 0:
                    return False
                exponent = 0
                if _at(buffer, position) == 101 or _at(buffer, position) == 69:  # 'e', 'E'
                    position += 1
                    exponent_negative = False
                    if _at(buffer, position) == 45:
                        exponent_negative = True
                        position += 1
                    elif _at(buffer, position) == 43:
                        position += 1
                    exponent_digits = 0
                    while True:
                        exponent_digit = int(_at(buffer, position)) - 48
                        if exponent_digit < 0 or exponent_digit > 9:
                            break
                        if exponent < 100_000:  # far beyond any exact case; no overflow
                            exponent = exponent * 10 + exponent_digit
                        exponent_digits += 1
                        position += 1
                    if exponent_digits == 0:
                        return False
                    if exponent_negative:
                        exponent = -exponent
                if mantissa == 0:
                    value = 0.0
                else:
                    power = pending_zeros - fraction_digits + exponent
                    if power < -22 or power > 22:
                        return False
                    if power >= 0:
                        value = np.float64(mantissa) * float_powers[power]
                    else:
                        value = np.float64(mantissa) / float_powers[-power]
                    if kind == _FLOAT32:
                        # |value| is within 1e-22..9e37: a normal float32 either way
                        probe[0] = value
                        if probe_bits[0] & low_bits_mask == half_way:
                            return False
                if negative:
                    value = -value
                if kind == _FLOAT32:
                    float32_out[np.uint64(slots[field]), np.uint64(row)] = np.float32(value)
                else:
                    float64_out[np.uint64(slots[field]), np.uint64(row)] = value
            if field < n_fields - 1:
                if _at(buffer, position) != delimiter:
                    return False
                position += 1
                if second_delimiter >= 0:
                    if _at(buffer, position) != second_delimiter:
                        return False
                    position += 1
        byte = _at(buffer, position)
        if byte == _NEWLINE:
            position += 1
        elif byte == _RETURN and _at(buffer, position + 1) == _NEWLINE:
            position += 2
        elif position != end:  # only the last line of the file may end without a newline
            return False
    return position == end


@functools.cache
def _kernels() -> tuple[Callable[..., Any], Callable[..., Any], Callable[..., Any]]:
    """The kernels compiled by numba (imported here, not at import time)."""
    import numba
    from numba.extending import register_jitable

    for helper in (_at, _load_word, _leading_digits, _digits_value):
        register_jitable(inline="always")(helper)

    def compile_(function: Callable[..., Any]) -> Callable[..., Any]:
        return numba.njit(cache=True, nogil=True, boundscheck=False)(function)

    return compile_(_count_newlines), compile_(_last_newline), compile_(_parse_rows)


def warm_up() -> None:
    """Compile (first call on a machine) or load from numba's cache (later processes)
    the kernels, on a few bytes."""
    count, last, parse = _kernels()
    # writable, as the real buffers are (numba compiles read-only arrays separately),
    # padded as _parse_rows needs
    buffer = np.zeros(6 + PADDING, np.uint8)
    buffer[:6] = np.frombuffer(b"1,2.5\n", np.uint8)
    end = 6
    count(buffer, end)
    last(buffer, end)
    _parse(parse, buffer, end, np.array([_INT32, _FLOAT32], np.int8),
           np.zeros(2, np.int64), b",", _outputs({_INT32: 1, _FLOAT32: 1}, 1), 0, 1)


def _outputs(counts: dict[int, int], capacity: int) -> dict[int, np.ndarray]:
    """One 2-d output array per kind (a row per column of that kind); memory is committed
    page by page as rows are written, so a generous capacity costs nothing."""
    return {kind: empty_pages((counts.get(kind, 0), capacity if counts.get(kind) else 0), dtype)
            for kind, dtype in _DTYPES.items()}


def _parse(parse: Callable[..., Any], buffer: np.ndarray, end: int, kinds: np.ndarray,
           slots: np.ndarray, delimiter: bytes, outputs: dict[int, np.ndarray], first_row: int,
           n_rows: int) -> bool:
    second = delimiter[1] if len(delimiter) > 1 else -1
    return bool(parse(buffer, end, kinds, slots, delimiter[0], second, outputs[_INT32],
                      outputs[_INT64], outputs[_FLOAT32], outputs[_FLOAT64], first_row, n_rows))


# ---------------------------------------------------------------------------- driver
def data_offset(path: Path, header_lines: int, limit: int = 1 << 20) -> int | None:
    """Byte offset of the line after the first ``header_lines`` lines; None when those
    lines hold a lone ``\\r`` (a line break to pyarrow, not to the kernel) or do not end
    within ``limit`` bytes."""
    if header_lines == 0:
        return 0
    with open(path, "rb") as handle:
        head = handle.read(limit)
    offset = 0
    for _ in range(header_lines):
        newline = head.find(b"\n", offset)
        if newline < 0:
            return None
        offset = newline + 1
    if head.count(b"\r", 0, offset) != head.count(b"\r\n", 0, offset):
        return None
    return offset


class _SharedState:
    """What the reading threads share; every field is touched under ``lock`` only."""

    def __init__(self, handle: Any) -> None:
        self.lock = threading.Lock()
        self.handle = handle
        self.carry = b""  # the start of a line cut by the end of the previous block
        self.next_row = 0
        self.finished = False
        self.failed = False
        self.error: BaseException | None = None


def read_columns(path: Path, start: int, delimiter: bytes, n_fields: int,
                 wanted: Sequence[tuple[int, str]], *, n_threads: int | None = None,
                 block_size: int | None = None) -> list[np.ndarray] | None:
    """Parse the numeric fields ``wanted`` of every line of ``path`` from byte ``start``.

    Parameters
    ----------
    path
        An uncompressed file in an ASCII-compatible encoding.
    start
        Byte offset of the first data line (after any header).
    delimiter
        The field separator: one byte, or ``b"::"``.
    n_fields
        Fields on every line.
    wanted
        ``(field position, kind)`` of the fields to return, kind one of :data:`KINDS`.
    n_threads
        Threads that parse blocks at once (default: the cores this process may use).
    block_size
        Bytes per block (default :data:`BLOCK_SIZE`); a line may be at most this long.

    Returns
    -------
    list of numpy.ndarray or None
        One array per wanted field, in that order; None when the file does not follow
        the strict grammar of this module (read it another way, which can say why).

    Raises
    ------
    OSError
        When the file cannot be read (the caller's slow path names the problem).
    """
    count, last_newline, parse = _kernels()
    block_size = block_size or BLOCK_SIZE
    size = path.stat().st_size
    kinds = np.zeros(n_fields, np.int8)
    slots = np.zeros(n_fields, np.int64)
    per_kind: dict[int, int] = {}
    for position, kind_name in wanted:
        kind = KINDS[kind_name]
        kinds[position] = kind
        slots[position] = per_kind.get(kind, 0)
        per_kind[kind] = slots[position] + 1
    # every read field has a character, every field but the last a delimiter, every line
    # but the last a newline: an upper bound on the rows that costs nothing to allocate
    shortest_line = len(wanted) + (n_fields - 1) * len(delimiter) + 1
    capacity = (size - start + 1) // shortest_line
    outputs = _outputs(per_kind, capacity)
    n_threads = min(n_threads or default_threads(), max(1, (size - start) // block_size))
    with open(path, "rb", buffering=0) as handle:
        handle.seek(start)
        state = _SharedState(handle)

        def work() -> None:
            # twice the block: room for a line carried over from the previous block, and
            # for the bytes past the end that _parse_rows reads
            buffer = np.zeros(2 * block_size + PADDING, np.uint8)
            view = buffer.data
            try:
                while True:
                    with state.lock:
                        if state.finished or state.failed:
                            return
                        carried = len(state.carry)
                        if carried > block_size:  # a line longer than a block: not numbers
                            state.failed = True
                            return
                        buffer[:carried] = np.frombuffer(state.carry, np.uint8)
                        got = _read_fully(state.handle, view[carried:carried + block_size])
                        end = carried + got
                        if got < block_size:  # the end of the file: the last lines
                            state.finished = True
                            state.carry = b""
                            if end == 0:
                                return
                            n_rows = int(count(buffer, end)) + int(buffer[end - 1] != _NEWLINE)
                        else:
                            last = last_newline(buffer, end)
                            if last < 0:
                                state.failed = True
                                return
                            state.carry = bytes(buffer[last + 1:end])
                            end = last + 1
                            n_rows = int(count(buffer, end))
                        first_row = state.next_row
                        state.next_row += n_rows
                        if state.next_row > capacity:  # cannot happen; never write past
                            state.failed = True
                            return
                    buffer[end] = 0  # the sentinel that stops the kernel's scans
                    if n_rows and not _parse(parse, buffer, end, kinds, slots, delimiter,
                                             outputs, first_row, n_rows):
                        with state.lock:
                            state.failed = True
                        return
            except BaseException as error:  # handed to the calling thread
                with state.lock:
                    state.failed = True
                    state.error = error

        threads = [threading.Thread(target=work, name=f"recstack-csv-{i}")
                   for i in range(n_threads - 1)]
        for thread in threads:
            thread.start()
        work()  # the calling thread takes its share
        for thread in threads:
            thread.join()
    if state.error is not None:
        raise state.error
    if state.failed:
        return None
    n_rows = state.next_row
    return [outputs[KINDS[kind]][slots[position], :n_rows] for position, kind in wanted]


def _read_fully(handle: Any, target: memoryview) -> int:
    """Fill ``target`` from ``handle`` unless the file ends first; the bytes read."""
    filled = 0
    while filled < len(target):
        got = handle.readinto(target[filled:])
        if not got:
            break
        filled += got
    return filled
