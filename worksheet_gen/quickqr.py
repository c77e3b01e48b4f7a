"""segno's choice of a QR code's mask, made on whole rows of bits rather than module by module.

segno's encoder (``segno.encoder.find_and_apply_best_mask``) applies each of the eight masks and scores the
result (ISO/IEC 18004 7.8.3: runs, blocks, finder-like patterns, dark proportion) one module at a time in Python:
about 3 ms of the 3.7 ms a version 3 code takes. :func:`find_and_apply_best_mask` does the same on each row
as an integer (masks by XOR, blocks by bit operations) and as text of 0 and 1 (runs by a pattern, the
finder-like patterns by ``str.find``, as segno): the same mask, the same modules. A Micro QR code, a mask given
by the caller, or a module that is neither 0 nor 1 goes to segno's own function. Importing this module imports
segno (later.segno) and puts the function in place of segno's.

``tests/test_quickqr.py`` checks that segno's encoder still calls the function by that name, that each score
is segno's on random matrices, and that the codes of many addresses, versions and levels are segno's own.
"""

from __future__ import annotations

from functools import lru_cache

from . import later

segno = later.segno()  # without its writers
encoder = segno.encoder
SEGNOS = encoder.find_and_apply_best_mask
_N3 = "1011101"  # dark, light, dark dark dark, light, dark
_BYTES = bytes.maketrans(b"\x00\x01", b"01")
_MODULES = bytes.maketrans(b"01", b"\x00\x01")
_REGION = b"00" + b"1" * 254  # function matrix: a module above 0x1 is one of the encoding region


def _columns(rows: list[int], size: int) -> list[int]:
    """The columns of a square of rows of bits, as rows of bits (the first row the highest bit)."""
    return [int("".join(column), 2) for column in zip(*(format(row, f"0{size}b") for row in rows))]


@lru_cache(maxsize=1)
def _tiles() -> tuple[tuple[str, ...], ...]:
    """Each mask's function on the first 12 rows and 6 columns, as text of 0 and 1: it repeats beyond."""
    return tuple(tuple("".join("1" if fn(i, j) else "0" for j in range(6)) for i in range(12))
                 for fn in encoder.get_data_mask_functions(False))


@lru_cache(maxsize=40)
def _patterns(size: int) -> tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]:
    """For each of the 8 masks, the modules it flips, by row and by column: those of the encoding region (as segno
    finds it) where the mask's function is true."""
    function = encoder.make_matrix(size, size)
    encoder.add_finder_patterns(function, size, size)
    encoder.add_alignment_patterns(function, size, size)
    function[-8][8] = 0x1
    region = [int(bytes(row).translate(_REGION), 2) for row in function]
    region_columns = _columns(region, size)
    masks = []
    for tile in _tiles():
        across = [line * (size // 6 + 1) for line in tile]
        down = ["".join(column) * (size // 12 + 1) for column in zip(*tile)]
        masks.append((tuple(int(across[i % 12][:size], 2) & region[i] for i in range(size)),
                      tuple(int(down[j % 6][:size], 2) & region_columns[j] for j in range(size))))
    return tuple(masks)


def _n3(text: str) -> int:
    """segno's N3 score (mask_scores' n3_pattern_occurrences) of rows and columns joined by four light modules:
    a pattern at either end of one has four light modules beside it, as segno counts it, and none spans two."""
    count = 0
    idx = text.find(_N3)
    while idx != -1:
        offset = idx + 7
        if "1" not in text[idx - 4:idx] or "1" not in text[offset:offset + 4]:
            count += 40
        else:
            offset = idx + 4
        idx = text.find(_N3, offset)
    return count


def _runs(line: int, size: int) -> int:
    """segno's N1 score of one row or column: a run of n >= 5 modules of one colour scores n - 2, that is its
    n - 4 windows of 5 modules plus 2."""
    same = ~(line ^ (line >> 1)) & ((1 << (size - 1)) - 1)  # bit k: modules k and k + 1 alike
    windows = same & (same >> 1) & (same >> 2) & (same >> 3)  # bit k: modules k to k + 4 alike
    return windows.bit_count() + 2 * (windows & ~(windows >> 1)).bit_count()  # a run's windows are one block


def score(rows: list[int], columns: list[int], size: int) -> int:
    """segno's penalty score (evaluate_mask) of a square given as its rows and its columns of bits."""
    n1 = sum(_runs(line, size) for line in rows) + sum(_runs(line, size) for line in columns)
    pairs = (1 << (size - 1)) - 1  # bit k: modules k and k + 1
    n2 = 3 * sum((~(a ^ (a >> 1)) & ~(b ^ (b >> 1)) & ~(a ^ b) & pairs).bit_count() for a, b in zip(rows, rows[1:]))
    n3 = _n3("0000" + "0000".join(format(line, f"0{size}b") for line in rows + columns) + "0000")
    dark = sum(row.bit_count() for row in rows)
    n4 = 10 * int(abs(float(dark) / (size ** 2) * 100 - 50) / 5)
    return n1 + n2 + n3 + n4


def find_and_apply_best_mask(matrix, width, height, proposed_mask=None):
    """segno.encoder.find_and_apply_best_mask: (the mask of the lowest penalty, the first of equals; the matrix
    with it applied, a tuple of bytearrays)."""
    if proposed_mask is not None or width != height or width < 21 or any(row.translate(None, b"\0\1")
                                                                         for row in matrix):
        return SEGNOS(matrix, width, height, proposed_mask)
    rows = [int(bytes(row).translate(_BYTES), 2) for row in matrix]
    columns = _columns(rows, width)
    best_score, best = None, 0
    for number, (row_flips, column_flips) in enumerate(_patterns(width)):
        value = score([row ^ flip for row, flip in zip(rows, row_flips)],
                      [column ^ flip for column, flip in zip(columns, column_flips)], width)
        if best_score is None or value < best_score:
            best_score, best = value, number
    flips = _patterns(width)[best][0]
    return best, tuple(bytearray(format(row ^ flip, f"0{width}b").encode().translate(_MODULES))
                       for row, flip in zip(rows, flips))


encoder.find_and_apply_best_mask = find_and_apply_best_mask
