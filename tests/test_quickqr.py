"""quickqr: the mask segno would choose, chosen on whole rows: the same scores, masks and modules as segno's."""

from __future__ import annotations

import random

import pytest

from worksheet_gen import quickqr

segno, encoder = quickqr.segno, quickqr.encoder


def _segnos(make):
    """What make() returns with segno's own mask choice in place."""
    ours, encoder.find_and_apply_best_mask = encoder.find_and_apply_best_mask, quickqr.SEGNOS
    try:
        return make()
    finally:
        encoder.find_and_apply_best_mask = ours


def test_segno_still_chooses_the_mask_through_that_function(monkeypatch):
    """When this fails, segno no longer calls find_and_apply_best_mask by that name (quickqr no longer applies:
    its codes are made at segno's own speed) or with other arguments."""
    calls = []

    def spy(*args):
        calls.append(args[1:])
        return quickqr.find_and_apply_best_mask(*args)

    assert encoder.find_and_apply_best_mask is quickqr.find_and_apply_best_mask
    monkeypatch.setattr(encoder, "find_and_apply_best_mask", spy)
    made = segno.make_qr("https://youtu.be/1B8fBmLIsh8", error="m", boost_error=True)
    assert calls == [(29, 29, None)] and made.version == 3


@pytest.mark.parametrize("size", range(21, 178, 4))
def test_each_mask_flips_the_modules_segno_flips(size):
    function = encoder.make_matrix(size, size)
    encoder.add_finder_patterns(function, size, size)
    encoder.add_alignment_patterns(function, size, size)
    function[-8][8] = 0x1
    for fn, (rows, columns) in zip(encoder.get_data_mask_functions(False), quickqr._patterns(size)):
        flipped = [bytearray(size) for _ in range(size)]
        encoder.apply_mask(flipped, fn, size, size, lambda i, j: function[i][j] > 0x1)
        expected = [int("".join(map(str, row)), 2) for row in flipped]
        assert list(rows) == expected and list(columns) == quickqr._columns(expected, size)


def test_each_score_is_segnos():
    """Random squares, some with long runs of one colour and finder-like patterns, scored by both."""
    rng = random.Random(14)
    for n in range(600):
        size = rng.choice((21, 25, 29, 33, 57))
        stick = rng.choice((0.0, 0.5, 0.8, 0.95))  # the chance a module is its left neighbour's colour
        matrix = []
        for _ in range(size):
            row = bytearray([rng.getrandbits(1)])
            for _ in range(size - 1):
                row.append(row[-1] if rng.random() < stick else rng.getrandbits(1))
            if rng.random() < 0.3:
                at = rng.randrange(size - 6)
                row[at:at + 7] = b"\1\0\1\1\1\0\1"
            matrix.append(row)
        rows = [int(bytes(row).translate(quickqr._BYTES), 2) for row in matrix]
        assert quickqr.score(rows, quickqr._columns(rows, size), size) == encoder.evaluate_mask(matrix, size, size), n


def test_the_first_of_equal_masks_is_chosen_as_segno_does():
    """Random squares of 0 and 1: the mask and modules segno's function gives, ties between masks included."""
    rng = random.Random(3)
    ties = 0
    for n in range(400):
        size = rng.choice((21, 25))
        matrix = tuple(bytearray(rng.getrandbits(1) for _ in range(size)) for _ in range(size))
        ours = quickqr.find_and_apply_best_mask(tuple(bytearray(row) for row in matrix), size, size)
        theirs = quickqr.SEGNOS(tuple(bytearray(row) for row in matrix), size, size)
        assert ours == theirs, n
        rows = [int(bytes(row).translate(quickqr._BYTES), 2) for row in matrix]
        columns = quickqr._columns(rows, size)
        scores = [quickqr.score([r ^ f for r, f in zip(rows, fr)], [c ^ f for c, f in zip(columns, fc)], size)
                  for fr, fc in quickqr._patterns(size)]
        ties += scores.count(min(scores)) > 1
    assert ties >= 5  # the choice between equals was tested
    odd = tuple(bytearray(b"\2" * 21) for _ in range(21))  # a module neither 0 nor 1: segno's own function
    assert quickqr.find_and_apply_best_mask(odd, 21, 21) == quickqr.SEGNOS(tuple(map(bytearray, odd)), 21, 21)


def _addresses():
    rng = random.Random(7)
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789/-._?=&ABCXYZ%é"
    for n in range(150):
        yield "https://" + "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 250))), rng.choice("lmqh")
    yield "HTTPS://PIX.FR/" + "A" * 300, "h"  # alphanumeric
    yield "https://x.org/" + "a" * 2930, "l"  # version 40


def test_codes_are_segnos():
    """Many addresses, versions and levels: the version, level, mask and modules segno's own choice gives."""
    versions = set()
    for url, error in _addresses():
        ours = segno.make_qr(url, error=error, boost_error=True)
        theirs = _segnos(lambda: segno.make_qr(url, error=error, boost_error=True))
        assert (ours.version, ours.error, ours.mask, ours.matrix) == (theirs.version, theirs.error, theirs.mask,
                                                                      theirs.matrix), url
        versions.add(ours.version)
    assert len(versions) > 15 and 40 in versions


@pytest.mark.parametrize("make", [lambda: segno.make_qr("https://pix.fr", mask=5),
                                  lambda: segno.make_micro("PIX"), lambda: segno.make("12345", micro=True)])
def test_what_segno_chooses_itself_is_unchanged(make):
    ours, theirs = make(), _segnos(make)
    assert (ours.designator, ours.mask, ours.matrix) == (theirs.designator, theirs.mask, theirs.matrix)
