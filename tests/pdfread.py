"""Read back what a PDF shows, for tests: its words with their boxes, and what each page draws.

Words come from ``pdftotext -bbox``, the tool a reader has. Drawings come from the page
content streams, parsed with pypdf: every painted subpath with its points in page
coordinates (q/Q and cm followed), its stroke and fill colours, line width and dash. Small
classifiers then name what a sheet draws: check marks, checkboxes, ruled lines, bullets.

Every coordinate is in PDF points, origin at the bottom left of the page. Nothing here
knows the layout: a test derives what it expects from the source model.
"""

from __future__ import annotations

import html
import math
import re
import subprocess
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import ContentStream

from conftest import need, squash

ANSWER = (0.752941, 0.086275, 0.109804)  # the corrigé's colour, #C0161C
ACCENT = (0.121569, 0.305882, 0.47451)  # titles, bullets, table grid, #1F4E79
_PAINT = {b"S": "s", b"s": "s", b"f": "f", b"F": "f", b"f*": "f", b"B": "fs", b"B*": "fs", b"b": "fs",
          b"b*": "fs", b"n": ""}
_TEXT_SHOW = (b"Tj", b"TJ", b"'", b'"')


def same_colour(a, b, tol: float = 2e-3) -> bool:
    """Whether two RGB colours are the same (as written with six decimals)."""
    return a is not None and b is not None and len(a) == len(b) and all(abs(x - y) <= tol for x, y in zip(a, b))


@dataclass(frozen=True)
class Word:
    """A word as pdftotext finds it: its page (from 0), text and box."""

    page: int
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass(frozen=True)
class Shape:
    """One painted subpath: its construction operators (e.g. "mll", "re", "mcccch") and points.

    ``stroke``/``fill`` are the colours it is painted with, None when not stroked/filled.
    Curves contribute their control points, which is enough for a bounding box.
    """

    page: int
    ops: str
    points: tuple[tuple[float, float], ...]
    stroke: tuple | None
    fill: tuple | None
    width: float
    dashed: bool

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        xs, ys = [p[0] for p in self.points], [p[1] for p in self.points]
        return min(xs), min(ys), max(xs), max(ys)


@dataclass(frozen=True)
class Run:
    """A piece of visible text as drawn: its baseline origin, size in points and fill colour."""

    text: str
    x: float
    y: float
    size: float
    colour: tuple | None


@dataclass
class Page:
    """What one page shows."""

    index: int  # from 0
    width: float
    height: float
    label: str = ""
    words: list[Word] = field(default_factory=list)
    shapes: list[Shape] = field(default_factory=list)
    colours: set = field(default_factory=set)  # every colour the page sets, stroke or fill
    text_colours: set = field(default_factory=set)  # the fill colours text is shown in
    runs: list[Run] = field(default_factory=list)  # every visible text run


def _mul(a, b):
    """Product of two PDF matrices [a b c d e f]."""
    return [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3], a[2] * b[0] + a[3] * b[2],
            a[2] * b[1] + a[3] * b[3], a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5]]


def _colour(args, kind: str):
    values = [float(a) for a in args]
    if kind == "gray":
        return (round(values[0], 6),) * 3
    if kind == "cmyk":
        c, m, y, k = values
        return tuple(round((1 - v) * (1 - k), 6) for v in (c, m, y))
    return tuple(round(v, 6) for v in values)


def drawing(page_obj, index: int) -> tuple[list[Shape], set, set]:
    """The painted subpaths of a page, the colours it sets and the colours its text is shown in."""
    shapes, colours, text_colours = [], set(), set()
    g = {"ctm": [1, 0, 0, 1, 0, 0], "stroke": (0.0, 0.0, 0.0), "fill": (0.0, 0.0, 0.0), "width": 1.0, "dash": False}
    stack, subpaths = [], []
    contents = page_obj.get_contents()
    if contents is None:
        return shapes, colours, text_colours

    def at(x, y):
        m = g["ctm"]
        x, y = float(x), float(y)
        return (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])

    for args, op in ContentStream(contents, page_obj.pdf).operations:
        if op == b"q":
            stack.append(dict(g))
        elif op == b"Q":
            g = stack.pop() if stack else g
        elif op == b"cm":
            g["ctm"] = _mul([float(a) for a in args], g["ctm"])
        elif op == b"w":
            g["width"] = float(args[0])
        elif op == b"d":
            g["dash"] = bool(len(args[0]))
        elif op in (b"RG", b"G", b"K", b"rg", b"g", b"k"):
            kind = {b"RG": "rgb", b"rg": "rgb", b"G": "gray", b"g": "gray", b"K": "cmyk", b"k": "cmyk"}[op]
            colour = _colour(args, kind)
            g["stroke" if op.isupper() else "fill"] = colour
            colours.add(colour)
        elif op in _TEXT_SHOW:
            text_colours.add(g["fill"])
        elif op == b"m":
            subpaths.append(["m", [at(*args)]])
        elif op == b"l" and subpaths:
            subpaths[-1][0] += "l"
            subpaths[-1][1].append(at(*args))
        elif op in (b"c", b"v", b"y") and subpaths:
            subpaths[-1][0] += "c"
            subpaths[-1][1] += [at(args[i], args[i + 1]) for i in range(0, len(args), 2)]
        elif op == b"h" and subpaths:
            subpaths[-1][0] += "h"
        elif op == b"re":
            x, y, w, h = (float(a) for a in args)
            subpaths.append(["re", [at(x, y), at(x + w, y), at(x + w, y + h), at(x, y + h)]])
        elif op in _PAINT:
            paint = _PAINT[op]
            m = g["ctm"]
            scale = math.sqrt(abs(m[0] * m[3] - m[1] * m[2]))
            for ops, points in subpaths if paint else ():
                closed = ops + ("h" if op in (b"s", b"b", b"b*") and not ops.endswith("h") else "")
                shapes.append(Shape(index, closed, tuple(points), g["stroke"] if "s" in paint else None,
                                    g["fill"] if "f" in paint else None, g["width"] * scale, g["dash"]))
            subpaths = []
    return shapes, colours, text_colours


def text_runs(page_obj) -> list[Run]:
    """Every text run of a page that draws a visible glyph (pypdf's visitor follows the text and
    transformation matrices); runs of spaces only are left out. pypdf hands a run over when its line
    ends, so a run that changes colour mid-line (a link in an answer) has the colour set last."""
    runs, colour, stack = [], [None], []

    def before(op, args, cm, tm):
        if op in (b"rg", b"g", b"k"):
            colour[0] = _colour(args, {b"rg": "rgb", b"g": "gray", b"k": "cmyk"}[op])
        elif op == b"q":
            stack.append(colour[0])
        elif op == b"Q" and stack:
            colour[0] = stack.pop()

    def visit(text, cm, tm, font, size):
        if text.strip():
            m = _mul(tm, cm)
            runs.append(Run(text, m[4], m[5], size * math.hypot(m[2], m[3]), colour[0]))

    page_obj.extract_text(visitor_operand_before=before, visitor_text=visit)
    return runs


def _bbox_words(path: Path) -> list[tuple[float, float, list[Word]]]:
    """(width, height, words) of every page, from pdftotext -bbox."""
    out = subprocess.run([need("pdftotext"), "-bbox", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    pages = []
    for index, chunk in enumerate(out.split("<page ")[1:]):
        width, height = (float(v) for v in re.match(r'width="([\d.]+)" height="([\d.]+)"', chunk).groups())
        words = [Word(index, html.unescape(t), float(x0), height - float(y1), float(x1), height - float(y0))
                 for x0, y0, x1, y1, t in re.findall(
                     r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', chunk)]
        pages.append((width, height, words))
    return pages


@lru_cache(maxsize=64)
def _read(path: str, _stamp: tuple) -> tuple[Page, ...]:
    reader = PdfReader(path)
    labels = reader.page_labels
    pages = []
    for index, ((width, height, words), page_obj) in enumerate(zip(_bbox_words(Path(path)), reader.pages)):
        shapes, colours, text_colours = drawing(page_obj, index)
        pages.append(Page(index, width, height, labels[index], words, shapes, colours, text_colours,
                          text_runs(page_obj)))
    return tuple(pages)


def read(path: Path) -> tuple[Page, ...]:
    """Every page of a PDF, with its words and drawings (cached while the file is unchanged)."""
    st = Path(path).stat()
    return _read(str(path), (st.st_mtime_ns, st.st_size))


# --- what a sheet draws -----------------------------------------------------------------------------------------

def check_marks(page: Page) -> list[Shape]:
    """Stroked check marks: an open polyline of three points going down, then up higher, left to right."""
    found = []
    for s in page.shapes:
        if s.stroke is None or s.ops != "mll":
            continue
        (x0, y0), (x1, y1), (x2, y2) = s.points
        if x0 < x1 < x2 and y1 < y0 < y2:
            found.append(s)
    return found


def checkboxes(page: Page) -> list[Shape]:
    """Stroked squares from 2 to 14 mm: the boxes of options."""
    found = []
    for s in page.shapes:
        if s.stroke is not None and s.ops in ("re", "reh"):
            x0, y0, x1, y1 = s.bbox
            if abs((x1 - x0) - (y1 - y0)) < 0.5 and 5.6 < x1 - x0 < 40:
                found.append(s)
    return found


def rules(page: Page, least: float) -> list[Shape]:
    """Stroked horizontal straight lines at least ``least`` points long."""
    found = []
    for s in page.shapes:
        if s.stroke is not None and s.ops == "ml":
            (x0, y0), (x1, y1) = s.points
            if abs(y1 - y0) < 0.01 and abs(x1 - x0) >= least:
                found.append(s)
    return found


def bullets(page: Page) -> list[Shape]:
    """Filled round dots under 5 mm: list bullets."""
    found = []
    for s in page.shapes:
        if s.fill is not None and "c" in s.ops:
            x0, y0, x1, y1 = s.bbox
            if abs((x1 - x0) - (y1 - y0)) < 0.5 and x1 - x0 < 14:
                found.append(s)
    return found


@dataclass(frozen=True)
class QR:
    """A QR code as drawn: the box of its dark modules (points, origin bottom left) and one module's side."""

    page: int
    bbox: tuple[float, float, float, float]
    module: float


def qr_codes(page: Page) -> list[QR]:
    """Black filled rectangles (the dark modules of QR codes) grouped by boxes less than 2 pt apart."""
    groups = [(s.bbox, s.bbox[3] - s.bbox[1]) for s in page.shapes
              if s.ops == "re" and s.stroke is None and s.fill == (0.0, 0.0, 0.0)]
    merged = True
    while merged:  # merge any two groups whose boxes are closer than 2 pt, until none are
        merged, out = False, []
        for box, module in groups:
            for k, (other, least) in enumerate(out):
                if box[0] <= other[2] + 2 and other[0] <= box[2] + 2 and box[1] <= other[3] + 2 and other[1] <= box[3] + 2:
                    out[k] = ((min(box[0], other[0]), min(box[1], other[1]), max(box[2], other[2]),
                               max(box[3], other[3])), min(module, least))
                    merged = True
                    break
            else:
                out.append((box, module))
        groups = out
    return [QR(page.index, box, module) for box, module in groups]


def inside(point, box: Shape, slack: float = 0.0) -> bool:
    x0, y0, x1, y1 = box.bbox
    return x0 - slack <= point[0] <= x1 + slack and y0 - slack <= point[1] <= y1 + slack


def row_words(page: Page, box: Shape) -> list[Word]:
    """The words on the line level with a box's middle, right of it, up to the next box on that row."""
    bx0, by0, bx1, by1 = box.bbox
    mid = (by0 + by1) / 2
    after = [b.bbox[0] for b in checkboxes(page) if b.bbox[0] > bx1 and b.bbox[1] < mid < b.bbox[3]]
    stop = min(after, default=math.inf)
    return sorted((w for w in page.words if w.y0 < mid < w.y1 and bx1 - 1 <= w.x0 < stop), key=lambda w: w.x0)


def order(page: int, x: float, y: float) -> tuple:
    """Reading order: page, then top to bottom, then left to right."""
    return page, -round(y, 1), round(x, 1)


def same_line(page: Page, word: Word) -> list[Word]:
    """The words of a page on the line of word (boxes overlapping by half the smaller height), left to right."""
    def level(w: Word) -> bool:
        return min(w.y1, word.y1) - max(w.y0, word.y0) >= 0.5 * min(w.height, word.height)

    return sorted((w for w in page.words if level(w)), key=lambda w: w.x0)


# --- tables and fields ------------------------------------------------------------------------------------------

def field_values(page: Page, labels) -> dict[str, str]:
    """What is written after each « Label : » of a page, on its line, up to the next label."""
    found = {}
    for w in page.words:
        line = [x for x in same_line(page, w) if x.x0 >= w.x1 - 0.1] if w.text in labels else []
        if line and line[0].text == ":":
            value, last = "", None
            for x in line[1:]:
                if x.text in labels:
                    break
                value += ("" if last is None or x.x0 - last.x1 < 0.3 else " ") + x.text  # 1<sup>re</sup> is one word
                last = x
            found[w.text] = value
    return found


@dataclass(frozen=True)
class Row:
    """A row of a table, between two horizontal rules of its grid: its page, top and bottom, the x of
    the vertical rules that cross it (two for a row spanning the table), and the words inside it."""

    page: int
    top: float
    bottom: float
    columns: tuple[float, ...]
    words: tuple[Word, ...]

    def cell(self, k: int) -> tuple[float, float]:
        """The left and right edges of column k."""
        return self.columns[k], self.columns[k + 1]

    def holds(self, x: float, y: float, k: int) -> bool:
        x0, x1 = self.cell(k)
        return x0 <= x <= x1 and self.bottom <= y <= self.top


def table_rows(page: Page, colour=ACCENT) -> list[Row]:
    """The rows of every table a page draws with a grid of that colour, top to bottom."""
    lines = [s.points for s in page.shapes if s.ops == "ml" and same_colour(s.stroke, colour)]
    for s in page.shapes:  # a frame drawn as a rectangle: its four sides
        if s.ops in ("re", "reh") and same_colour(s.stroke, colour):
            lines += [(a, b) for a, b in zip(s.points, s.points[1:] + s.points[:1])]
    across = sorted({round(a[1], 2) for a, b in lines if abs(a[1] - b[1]) < 0.01}, reverse=True)
    down = [(a[0], min(a[1], b[1]), max(a[1], b[1])) for a, b in lines if abs(a[0] - b[0]) < 0.01]
    rows = []
    for top, bottom in zip(across, across[1:]):
        columns = tuple(sorted({round(x, 1) for x, y0, y1 in down if y0 <= bottom + 0.5 and y1 >= top - 0.5}))
        if len(columns) >= 2:
            rows.append(Row(page.index, top, bottom, columns,
                            tuple(w for w in page.words if bottom < (w.y0 + w.y1) / 2 < top)))
    return rows


def section_marks(pages, marks) -> list[tuple[str, int]]:
    """(heading, squashed; marks in its answer cell) for every table section, read row by row across pages.

    A row whose heading cell has words starts a section; a row whose heading cell is empty, or
    repeats the heading above followed by « (suite) » (« (continued) »), goes on with the section above (a section
    broken across pages); rows spanning the table are its title.
    ``marks(page)`` lists the shapes to count (bullets, check marks).
    """
    counts: list[list] = []
    for page in pages:
        shapes = marks(page)
        for row in table_rows(page):
            if len(row.columns) < 3:
                continue  # the table's title, across both columns
            heading = squash(" ".join(w.text for w in row.words if row.holds(w.x0, (w.y0 + w.y1) / 2, 0)))
            goes_on = counts and heading in ("", *(counts[-1][0] + more for more in ("suite", "continued")))
            if not goes_on:
                counts.append([heading, 0])
            counts[-1][1] += sum(row.holds((s.bbox[0] + s.bbox[2]) / 2, (s.bbox[1] + s.bbox[3]) / 2, 1)
                                 for s in shapes)
    return [tuple(c) for c in counts]
