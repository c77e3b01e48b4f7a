"""A model answer longer than the student's lines, as the corrigé prints it: each item from a ruled line of its own
when there are lines enough, set smaller only when it does not fit its own lines, and a warning for each."""

from __future__ import annotations

from collections import defaultdict

from conftest import DATA, cli, squash
from pdfread import ANSWER, read, same_colour
from worksheet_gen.profiles import STANDARD

SOURCE = DATA / "layout" / "overflow.yaml"


def _lines(tmp_path):
    """The corrigé's answer lines, top down: (baseline, sizes, squashed text); and what the build printed."""
    proc = cli("build", str(SOURCE), "--out", str(tmp_path), "--force", check=True)
    page = read(tmp_path / "overflow-corrige.pdf")[0]
    rows = defaultdict(list)
    for run in page.runs:
        if same_colour(run.colour, ANSWER) and run.text.strip():
            rows[round(run.y, 1)].append(run)
    return [(y, {round(r.size, 2) for r in rows[y]}, squash("".join(r.text for r in rows[y])))
            for y in sorted(rows, reverse=True)], proc.stderr + proc.stdout


def _find(lines, start: str) -> int:
    return next(i for i, (_, _, text) in enumerate(lines) if text.startswith(squash(start)))


def test_a_long_first_item_takes_its_own_line_and_the_next_item_keeps_its_own_at_full_size(tmp_path):
    lines, _ = _lines(tmp_path)
    pitch = STANDARD.pitch
    longs = [i for i, (_, _, text) in enumerate(lines) if text.startswith(squash("Une réponse vraiment"))]
    assert len(longs) == 2, lines  # the table's section and the blanks: each long item on one line
    for i in longs:
        (y0, sizes0, _), (y1, sizes1, text1) = lines[i], lines[i + 1]
        assert text1 == "court", lines[i:i + 2]
        assert abs((y0 - y1) - pitch) < 0.2, (y0, y1)  # the next ruled line, not squeezed onto the first one
        assert sizes1 == {STANDARD.body}, sizes1  # the short item keeps the full size
        assert max(sizes0) < STANDARD.body  # only the long one is set smaller, on its own line


def test_a_long_explanation_uses_the_two_justification_lines_and_is_warned(tmp_path):
    lines, printed = _lines(tmp_path)
    i = _find(lines, "Vrai")
    (y0, sizes0, _), (y1, sizes1, text1) = lines[i], lines[i + 1]
    assert text1.endswith(squash("davantage de mots ici.")), lines[i:i + 3]  # two lines: all of it
    assert abs((y0 - y1) - STANDARD.pitch) < 0.2, (y0, y1)  # one text line on each ruled line
    assert sizes0 == sizes1 and max(sizes0) < STANDARD.body
    assert "overflow.yaml:14:17: warning: the explanation needs more room than the 2 lines the student has" in printed
