"""memo: what a process keeps of a fiche's texts serves its two sheets and is let go for the next fiche, so that
a build of many fiches keeps one fiche's worth (the garbage collector goes through it all at each pass)."""

from __future__ import annotations

from conftest import SOURCES
from worksheet_gen import memo
from worksheet_gen.layout import flowables as F
from worksheet_gen.render import render
from worksheet_gen.sources import load_fiche


def test_a_memo_is_emptied_when_another_fiche_is_served():
    table = memo.memo()
    memo.serve(("a.yaml", "a"))
    table["x"] = 1
    memo.serve(("a.yaml", "a"))
    assert table == {"x": 1}  # the same fiche: kept
    memo.serve(("b.yaml", "b"))
    assert table == {}


def test_the_corrige_finds_the_student_sheets_layouts_and_the_next_fiche_does_not_keep_them(tmp_path):
    pix, problems = load_fiche(SOURCES / "pix.yaml")
    assert pix is not None, problems
    other = tmp_path / "autre.yaml"
    other.write_text((SOURCES / "pix.yaml").read_text(encoding="utf-8").replace("Pix", "Pax"), encoding="utf-8")
    pax, problems = load_fiche(other)
    assert pax is not None, problems
    render(pix, answers=False)
    student = set(F._LAYOUTS)
    render(pix, answers=True)
    assert student <= set(F._LAYOUTS)  # the corrigé found them kept
    render(pax, answers=False)
    after = set(F._LAYOUTS)
    memo.serve(None)  # emptied: what the next fiche keeps, alone
    render(pax, answers=False)
    assert after == set(F._LAYOUTS)  # nothing of pix's own was kept for pax
    assert student - after  # and pix had texts of its own
    sizes = []
    for _ in range(3):  # two fiches in turn: never more than one fiche's worth
        for fiche in (pix, pax):
            render(fiche, answers=False)
            render(fiche, answers=True)
            sizes.append(len(F._LAYOUTS))
    assert max(sizes) <= 1.1 * min(sizes)
