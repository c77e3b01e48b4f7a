"""Realistic bugs in the code that decides what is printed, each a (file, old text, new text, why).

run.py applies each alone to a copy of the project and runs the suite. The first seven are the
escapes of issue 16 (bugs that once passed the whole suite). The old text must stand exactly once
in its file; when the code moves, run.py reports the mutation "stale": update it here.
"""

from __future__ import annotations

from typing import NamedTuple


class Mutation(NamedTuple):
    file: str
    old: str
    new: str
    why: str
    by: str = ""  # the test meant to catch it (run first; run.py says when another test caught it instead)


FLOW = "worksheet_gen/layout/flowables.py"
STORY = "worksheet_gen/layout/story.py"
SPACES = "worksheet_gen/layout/spaces.py"
SPEC = "worksheet_gen/spec.py"
VALIDATE = "worksheet_gen/validate.py"
TEXT = "worksheet_gen/text.py"
RENDER = "worksheet_gen/render.py"
PACK = "worksheet_gen/pack.py"
ASSEMBLE = "worksheet_gen/assemble.py"
PACKS = "worksheet_gen/packs.py"
MANIFEST = "worksheet_gen/manifest.py"
PACKFILL = "worksheet_gen/packfill.py"
TABLE = "worksheet_gen/layout/table.py"
STYLES = "worksheet_gen/layout/styles.py"
READBACK = "tests/test_readback.py::"

MUTATIONS = [
    # --- the escapes of issue 16 ---
    Mutation(SPACES, "if o in q.answer]", "if o == q.answer]",
             "the corrigé ticks no box (an option compared with the tuple of answers)",
             by=READBACK + "test_the_corrige_ticks_exactly_the_right_boxes"),
    Mutation(SPEC, "out.update((option.lower(), i) for i, option in enumerate(options))",
             "out.update((option.lower(), 1 - i) for i, option in enumerate(options))",
             "« answer: vrai » read as Faux: the corrigé ticks Faux where the answer is Vrai",
             by=READBACK + "test_the_corrige_ticks_exactly_the_right_boxes"),
    Mutation(SPACES, "if o in q.answer]", "if q.answer and o == q.answer[0]]",
             "only the first of several right options is ticked",
             by=READBACK + "test_the_corrige_ticks_exactly_the_right_boxes"),
    Mutation(FLOW, "if self._H > frame:", "if self._H > aH:",
             "a question that does not fit the rest of the page flows on: its prompt on one page, its boxes on the next",
             by=READBACK + "test_every_prompt_shares_its_page_with_its_answer_space"),
    Mutation(FLOW, "if self.marks is None or self.first + i in self.marks:", "if self.marks is None or i in self.marks:",
             "a table section continued on the next page draws its bullets again there",
             by=READBACK + "test_table_bullets_counted_across_pages_are_those_the_source_asks"),
    Mutation(PACKFILL, "name_slots(fiche, styles=Styles(fiche.lang, profile))", "name_slots(fiche, styles=Styles(fiche.lang))",
             "names on dys and large pack copies written at the standard sheet's positions",
             by="tests/test_pack_profiles.py::test_names_sit_in_the_name_fields_of_each_version"),
    Mutation(PACKS, "            out.deps.update((image, sha256_file(Path(image))) for image in images(fiche))",
             "            pass",
             "a declared pack does not depend on its fiches' pictures: not rebuilt when one changes",
             by="tests/test_pack.py::test_a_declared_pack_is_rebuilt_when_a_picture_of_its_fiches_changes"),
    # --- ticks and boxes ---
    Mutation(FLOW, "            if i in ticked:\n                tick(c, x, by, side)",
             "            if i + 1 in ticked:\n                tick(c, x, by, side)",
             "the tick lands in the box before the right one"),
    Mutation(FLOW, "                tick(c, x, by, side)", "                tick(c, x + side + 2.2 * mm, by, side)",
             "the tick is drawn over the option's label, not in its box"),
    Mutation(FLOW, "ticked=[i - k for i in self.ticked if i >= k]", "ticked=[i for i in self.ticked if i >= k]",
             "options continued on the next page tick the wrong boxes there"),
    Mutation(VALIDATE, "options = kind.fixed[ctx.lang] if kind.fixed", 'options = kind.fixed["fr"] if kind.fixed',
             "an English sheet prints OUI / NON and Vrai / Faux"),
    Mutation(VALIDATE, "    return options[index]\n", "    return options[0]\n",
             "every yes/no and true/false answer is read as the first box"),
    Mutation(FLOW, "        if self.note and self.show:", "        if self.note:",
             "the student sheet shows the explanations beside the options (a leak)"),
    Mutation(FLOW, "ticked = self.ticked if self.show else ()", "ticked = self.ticked",
             "the student sheet has the right boxes ticked"),
    Mutation(SPACES, "beside = explained[0][0] if explained and not q.lines else None",
             "beside = explained[0][0] if explained else None",
             "an explanation written twice: beside the options and on the lines"),
    # --- answers, bullets, page alignment ---
    Mutation(SPACES, "items if story.answers else [], profile=story.p, bullets=listed,",
             "items, profile=story.p, bullets=listed,",
             "the student sheet shows the model answers"),
    Mutation(FLOW, "        self.height = self.count * self.pitch + 1.5 * mm\n        return aw, self.height",
             "        self.height = self.count * self.pitch + (2.5 if self.items else 1.5) * mm\n        return aw, self.height",
             "the corrigé's answer spaces 1 mm taller: a drift that grows down the page"),
    Mutation(STORY, "listed = len(items) - (1 if explained else 0)", "listed = len(items)",
             "the student gets a bullet for the explanation after a list"),
    Mutation(STORY, "marks = frozenset(starts[:listed]) if", "marks = frozenset(starts) if",
             "one bullet too many on a list with lines to spare"),
    Mutation(FLOW, "        if self.bullets and not self.items:\n", "        if self.bullets and self.items:\n",
             "no bullet on the student's lists to fill"),
    Mutation(FLOW, "baseline = top - (a - lo + 1) * self.pitch + lift", "baseline = top - (a - lo + 1) * self.pitch - lift",
             "the corrigé writes its answers through the ruled lines"),
    Mutation(STORY, "code = QRCode(block.url, QR_SIZE)", 'code = QRCode(block.url.split("?")[0], QR_SIZE)',
             "QR codes lose the query of their address (a YouTube link no longer plays)"),
    Mutation(VALIDATE, 'lines = f.get("lines", bullets or min(len(answer), MAX_LINES) or 3)',
             'lines = f.get("lines", bullets or 3)',
             "a table section without 'lines:' gets 3 lines, not one per answer (docs/format.md)"),
    Mutation(STORY, "if isinstance(block, Question):\n            out.append(self.question(block))",
             "if isinstance(block, Question) and block.type != \"blanks\":\n            out.append(self.question(block))",
             "lists to fill (type: blanks) are not printed at all"),
    # --- typography and text ---
    Mutation(TEXT, 'NNBSP + "\\\\1", text)\n    text = re.sub(r"(?<=[^\\s;!?:«(\\[\\d])',
             '" " + "\\\\1", text)\n    text = re.sub(r"(?<=[^\\s;!?:«(\\[\\d])',
             "an ordinary space before ; ! ?: the sign may start a line"),
    Mutation(TEXT, r"""return text.replace(NNBSP, f'<font size="-{size * 0.3:.2f}">\u00a0</font>')""",
             r"""return text.replace(NNBSP, f'<font size="-{size * 0.3:.2f}"> </font>')""",
             "the narrow space is a breakable one: « ? » alone at the start of a line"),
    Mutation(TEXT, '    text = escape(text).replace("\\n", "<br/>")', '    text = text.replace("\\n", "<br/>")',
             "user text is not escaped: <b> or R&D in a fiche is read as markup"),
    Mutation(TEXT, '_URL_TAIL = r"[^\\s<>«»\\"`]*[^\\s<>«»\\"`.,;:!?)\\]’\']\\)*"',
             '_URL_TAIL = r"[^\\s<>«»\\"`]*[^\\s<>«»\\"`]\\)*"',
             "a bare address takes the full stop after it into the link"),
    Mutation(TEXT, "(?<!\\b[A-Z]\\.)", "",
             "« J. Martin » cut into two sentences in the dys profile"),
    # --- render ---
    Mutation(RENDER, "if answers:\n            canv.setFillColor(S.ANSWER)", "if False:\n            canv.setFillColor(S.ANSWER)",
             "the corrigé's pages no longer say CORRIGÉ"),
    Mutation(RENDER, 'title=title + (f" — {labels[\'answer_key\'].capitalize()}" if answers else "")',
             "title=title", "the corrigé's title (window, bookmarks of a reader) is the student sheet's"),
    Mutation(RENDER, "        lang=fiche.lang, invariant=1,", "        invariant=1,",
             "no document language: screen readers read French with an English voice"),
    # --- packs ---
    Mutation(PACK, "blanks = pages % 2 if duplex and i < len(runs) - 1 else 0", "blanks = pages % 2 if duplex else 0",
             "a blank page at the very end of every pack"),
    Mutation(ASSEMBLE, "(students if part.kind == COPY else keys)", "(students if part.kind != COVER else keys)",
             "the pack ends with the student sheet where the corrigé should be"),
    Mutation(PACKS, "profiles.choose(w or request.profile, f.profile)", "profiles.choose(request.profile or w, f.profile)",
             "the pack's profile overrides the version the roster gives a student"),
    Mutation(PACKFILL, "classe = student.classe or request.classe", "classe = request.classe",
             "the class of the roster is not written on the copies"),
    Mutation(ASSEMBLE, "overlays.get((part.copy, part.fiche), ())", "overlays.get((part.copy, 0), ())",
             "in a pack of several fiches, only the first fiche of each copy gets the student's name"),
    # --- incremental builds ---
    Mutation(MANIFEST, "(all(sha256_file(self.abs(rel), limit=MAX_INPUT) == sha for rel, sha in entry[\"deps\"].items())",
             "(True",
             "an output is taken as up to date whatever its sources became (only the outputs are hashed)"),
    Mutation(MANIFEST, '"SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", ""),', '"SOURCE_DATE_EPOCH": "",',
             "a new SOURCE_DATE_EPOCH does not rebuild: the PDFs keep their old dates"),
    Mutation(MANIFEST, "return Path(os.path.relpath(Path(path).resolve(), self._base)).as_posix()",
             "return Path(path).resolve().as_posix()",
             "the manifest stores absolute paths: a checkout moved elsewhere rebuilds everything"),
    # --- added with the layout of issue 11 ---
    Mutation(FLOW, "if self.bullets and a == start and index < listed:", "if self.bullets and a == start:",
             "the corrigé ticks the explanation after a list as one more item"),
    Mutation(TABLE, "row.label if row.first == 0 else row.more", "row.label",
             "a table section continued on the next page repeats its heading without « (suite) »"),
    Mutation(FLOW, "            first = min(self.ticked) if self.ticked else 0\n            places",
             "            first = 0\n            places",
             "the explanation stands beside the first option, whichever is right"),
    Mutation(STORY, 'lead = q.answer[0] if q.kind.answer == "fixed"', 'lead = q.options[0] if q.kind.answer == "fixed"',
             "the explanation of a yes/no question starts « OUI : » whatever the answer"),
    Mutation(PACKFILL, "range(2 if request.duplex else 1, sheets[sheet].pages, 2 if request.duplex else 1)",
             "range(2, sheets[sheet].pages, 2)",
             "printed on one side, a copy's pages after the first miss the student's name in their header"),
    # --- added last, written from the code without reading the tests (see docs/testing.md) ---
    Mutation(RENDER, 'format(n=canv.getPageNumber(), total=total)', 'format(n=total, total=total)',
             "every page's footer says it is the last one (« Page 3 / 3 » on page 1)"),
    Mutation(STYLES, 'hyph = hyphenator("fr_FR" if lang == "fr" else "en_GB") if p.hyphenate else ""',
             'hyph = hyphenator("fr_FR" if lang == "fr" else "en_GB")',
             "the dys and large sheets cut words at line ends with a hyphen"),
    Mutation(STYLES, "alignment=TA_JUSTIFY if p.justify else TA_LEFT", "alignment=TA_JUSTIFY",
             "the dys and large sheets justified: uneven spaces between words"),
    Mutation(STORY, "        if self.p.split_sentences:\n", "        if False:\n",
             "the dys sheet no longer sets each sentence of an instruction on its own line"),
    Mutation(STORY, "width = min(block.width_mm * mm * self.p.image_scale, self.p.frame_w)",
             "width = min(block.width_mm * mm, self.p.frame_w)",
             "the large-print sheet's pictures no larger than the standard sheet's"),
    Mutation(FLOW, "            side = self.profile.box\n", "            side = 3.6 * mm\n",
             "the dys and large sheets' checkboxes at the standard 3.6 mm"),
    Mutation(STORY, "QR_SIZE = 28 * mm", "QR_SIZE = 12 * mm",
             "QR codes printed 12 mm wide: too small for many phones at arm's length"),
    Mutation(STORY, "space = p.word_space * size / self.st.space_em if p.word_space else 0.0", "space = 0.0",
             "the dys sheet loses its wider spaces between words"),
]
