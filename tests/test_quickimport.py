"""quickimport: reportlab's address pattern, compiled lazily and without IGNORECASE, matches as reportlab's own."""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from worksheet_gen import quickimport


def test_reportlab_still_compiles_the_pattern_at_import():
    """When this fails, reportlab changed uri_pat (or stopped compiling it at import): quickimport no longer
    applies and should be updated or removed."""
    import reportlab.platypus.paragraph as paragraph

    # In a process of its own, as the command imports it (this one's order depends on the other tests).
    probe = ("import worksheet_gen.render, reportlab.platypus.paragraph as p; from worksheet_gen import quickimport; "
             "print(type(p.uri_pat) is quickimport.LazyPattern)")
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.stdout.strip() == "True", proc.stdout + proc.stderr
    source = Path(paragraph.__file__).read_text(encoding="utf-8")
    assert "uri_pat = re.compile(" in source and "re.I)" in source


def test_reportlab_still_compiles_its_cjk_pattern_at_import():
    """When this fails, reportlab no longer compiles textsplit.rx at import as quickimport expects."""
    import reportlab.lib.textsplit as textsplit

    probe = ("import worksheet_gen.render, reportlab.lib.textsplit as t; from worksheet_gen import quickimport; "
             "print(type(t.rx) is quickimport.Deferred, t.rx.pattern == quickimport.CJK_PAT)")
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.stdout.strip() == "True True", proc.stdout + proc.stderr
    assert 'rx=re.compile("([\\u2e80-\\uffff])", re.UNICODE)' in Path(textsplit.__file__).read_text(encoding="utf-8")


def test_a_deferred_pattern_works_as_the_compiled_one():
    deferred = quickimport.Deferred(quickimport.CJK_PAT, re.UNICODE)
    text = "abc 漢字 ok ｶﾅ"
    assert deferred.sub(r"\1\0 ", text) == re.compile(quickimport.CJK_PAT, re.UNICODE).sub(r"\1\0 ", text)
    assert deferred.findall(text) == ["漢", "字", "ｶ", "ﾅ"]


@pytest.mark.parametrize("old, new", quickimport.REWRITES[:-1])
def test_each_letter_class_matches_the_same_characters(old, new):
    """Every code point of Unicode: the rewritten class, case-sensitive, against the original under IGNORECASE."""
    old = re.sub(r"^xn--", "", old)
    new = re.sub(r"^\[xX\]\[nN\]--", "", new)
    slow, fast = re.compile(old, re.IGNORECASE), re.compile(new)
    everything = "".join(map(chr, range(sys.maxunicode + 1))).replace("\n", "")
    assert re.findall(slow, everything) == re.findall(fast, everything)


def test_localhost_matches_the_same_spellings():
    slow, fast = re.compile("localhost", re.IGNORECASE), re.compile(quickimport.REWRITES[-1][1])
    variants = {"".join(c) for c in zip(*[(ch, ch.upper(), "\u017f" if ch == "s" else ch) for ch in "localhost"])}
    letters = [ch for ch in map(chr, range(sys.maxunicode + 1)) if re.fullmatch("[a-z]", ch, re.IGNORECASE)]
    for word in variants | {"localho" + ch + "t" for ch in letters} | {ch + "ocalhost" for ch in letters}:
        assert bool(slow.fullmatch(word)) == bool(fast.fullmatch(word)), word


def test_lazy_pattern_matches_as_reportlabs():
    slow = re.compile(quickimport.URI_PAT, re.IGNORECASE)
    lazy = quickimport.LazyPattern()
    rng = random.Random(14)
    alphabet = "aZ09.-+:/@[]?#_ \u00e9\u0130\u0131\u017f\u212a\u00a0\U0001f600kKsSxXnN"
    samples = ["https://pix.fr/competences", "HTTPS://WWW.YOUTUBE.COM/watch?v=x9C9tK7SU7g", "ftp://192.168.0.1:8080/x",
               "http://[::1]/", "http://LOCALHOST:80", "http://localhoſt", "hTtP://xn--bcher-kva.example",
               "httſ://x.com", "http://exa_mple.com", "mailto:x@y.fr", "www.pix.fr", "://", "http://-x.com",
               "http://\u00e9cole.fr/\u00e9t\u00e9", "http://\U0001f600.com", "https://a.b"]
    samples += ["".join(rng.choice(alphabet) for _ in range(rng.randint(3, 30))) for _ in range(20_000)]
    samples += [rng.choice(["http://", "HTTPS://", "x+y.z://"]) + "".join(rng.choice(alphabet) for _ in range(20))
                for _ in range(20_000)]
    for text in samples:
        a, b = slow.match(text), lazy.match(text)
        assert (a and (a.group(0), a.groups())) == (b and (b.group(0), b.groups())), text


def test_pyyaml_still_compiles_its_reader_pattern_at_import():
    """When this fails, PyYAML no longer compiles Reader.NON_PRINTABLE at import as quickyaml expects."""
    probe = ("import worksheet_gen.loader, yaml.reader; from worksheet_gen import quickyaml; "
             "print(yaml.reader.Reader.NON_PRINTABLE is quickyaml.NON_PRINTABLE)")
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.stdout.strip() == "True", proc.stdout + proc.stderr


def test_the_non_printable_class_matches_the_same_characters_as_pyyamls():
    from worksheet_gen import quickyaml

    everything = "".join(map(chr, range(sys.maxunicode + 1)))  # surrogates included
    slow = re.compile(quickyaml.PYYAML)
    assert slow.findall(everything) == quickyaml.NON_PRINTABLE.findall(everything)
    assert len(slow.findall(everything)) == 61 + 2048 + 2  # C0 and C1 controls, surrogates, U+FFFE and U+FFFF


def test_pyyamls_own_parser_still_refuses_a_control_character():
    """The pure-Python reader (tabs, a BOM or what libyaml refuses) with the pattern quickyaml gave it."""
    import yaml

    from worksheet_gen import quickyaml  # noqa: F401

    with pytest.raises(yaml.reader.ReaderError, match="#x0007"):
        yaml.SafeLoader("a:\tb\x07").get_single_node()


def test_reportlab_still_imports_the_later_modules_and_gets_them_later():
    """When this fails, reportlab no longer imports a LATER module at import (it no longer applies there),
    or asks one for something while it is imported (it is imported at once: the start-up pays again)."""
    probe = ("import sys, worksheet_gen.render, reportlab.lib.utils as u, reportlab.platypus.paragraph as p, "
             "reportlab.lib.rl_safe_eval as e, reportlab.platypus.xpreformatted as x; "
             "from worksheet_gen.quickimport import LATER; from worksheet_gen.later import Later; "
             "print(type(u.Image) is Later, type(u.pickle) is Later, type(p.pyphen) is Later, type(e.textwrap) is Later, "
             "type(x.PyFontify) is Later, [name for name in LATER if name in sys.modules])")
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.stdout.strip() == "True True True True True []", proc.stdout + proc.stderr


def test_reportlab_colours_python_code_through_the_later_pyfontify():
    from reportlab.lib import PyFontify

    from worksheet_gen.later import Later

    code = "def f(x):  # comment\n    return 'text'\n"
    assert Later("reportlab.lib.PyFontify").fontify(code) == PyFontify.fontify(code) != []


def test_a_fiche_with_pictures_renders_the_same_bytes_with_pillow_imported_later():
    """Its PNG and JPEG drawn through reportlab's Later PIL.Image, and through the module imported first.
    (A build reads the pictures before it imports reportlab: here reportlab is imported first.)"""
    probe = ("import hashlib, sys; from pathlib import Path\n"
             "if sys.argv[1] == 'first': import PIL.Image, pyphen\n"
             "import worksheet_gen.render; from worksheet_gen.build import render_fiche\n"
             "from worksheet_gen.sources import load_fiche\n"
             "import reportlab.lib.utils as u; from worksheet_gen.later import Later\n"
             "fiche, problems = load_fiche(Path(sys.argv[2]))\n"
             "student, key, _ = render_fiche(fiche)\n"
             "print(type(u.Image) is Later, hashlib.sha256(student + key).hexdigest())")
    source = str(ROOT / "tests/data/ci/pictures.yaml")
    runs = {how: subprocess.run([sys.executable, "-c", probe, how, source], capture_output=True, text=True,
                                timeout=120, cwd=ROOT) for how in ("first", "later")}
    first, later = (runs[how].stdout.split() for how in ("first", "later"))
    assert first[0] == "False" and later[0] == "True", runs
    assert first[1] == later[1]


def test_a_later_module_answers_as_the_module():
    from worksheet_gen.later import Later

    later = Later("colorsys")
    assert later.rgb_to_hsv(1, 0, 0) == (0.0, 1.0, 1.0) and later.ONE_THIRD == 1 / 3
    assert later  # reportlab tests `if hyphenator and pyphen:`
    with pytest.raises(AttributeError):
        later.no_such_name  # noqa: B018


def test_building_the_pix_fiche_imports_nothing_it_does_not_use():
    """What the start-up no longer pays for stays unpaid: validating and rendering a fiche without pictures,
    and what the forked renderer does first (die_with), import none of these (a new top-level import would)."""
    probe = ("import os, sys; from pathlib import Path\n"
             "from worksheet_gen.build import render_fiche; from worksheet_gen.forked import die_with; from worksheet_gen.sources import load_fiche\n"
             "fiche, problems = load_fiche(Path(sys.argv[1])); render_fiche(fiche); die_with(os.getppid())\n"
             "print([name for name in ('PIL.Image', 'pickle', 'difflib', 'ctypes', 'signal', 'textwrap', 'inspect', "
             "'click', 'reportlab.lib.PyFontify', 'traceback', 'tokenize') if name in sys.modules])")
    proc = subprocess.run([sys.executable, "-c", probe, str(ROOT / "sources/pix.yaml")], capture_output=True,
                          text=True, timeout=120, cwd=ROOT)
    assert proc.stdout.strip() == "[]", proc.stdout + proc.stderr


def test_dataclasses_imported_with_a_later_inspect():
    """worksheet_gen imports dataclasses with inspect as a Later (later.dataclasses): inspect is imported by no
    module of worksheet-gen's, every dataclass of which has a docstring (dataclasses asks inspect only for the
    signature of one without). When this fails, dataclasses no longer imports inspect at its top (the hook no
    longer applies), or a dataclass without a docstring, or a module importing inspect, came onto the path."""
    probe = ("import sys, worksheet_gen, dataclasses; from worksheet_gen.later import Later\n"
             "print(type(dataclasses.inspect) is Later, 'inspect' in sys.modules)\n"
             "import worksheet_gen.quickcli, worksheet_gen.tree, worksheet_gen.build, worksheet_gen.model, "
             "worksheet_gen.sources, worksheet_gen.validate, worksheet_gen.packs, worksheet_gen.roster\n"
             "print('inspect' in sys.modules)\n"
             "@dataclasses.dataclass\nclass Undocumented:\n    a: int\n"
             "print(Undocumented.__doc__, 'inspect' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.stdout.splitlines() == ["True False", "False", "Undocumented(a: int) True"], proc.stdout + proc.stderr


def test_segno_makes_the_codes_of_an_empty_cache_without_its_writers(tmp_path):
    """later.segno: with an empty user cache, the Pix fiche's QR codes are made by segno with its writers module a
    Later that nothing asks anything of. When this fails, segno no longer imports its writers at its top as
    ``from . import writers`` (the hook no longer applies), or its encoder, or worksheet-gen, now calls a writer (the
    Later imports it, and urllib.request, http, email and ssl with it: the start-up pays again)."""
    probe = ("import sys; from pathlib import Path\n"
             "from worksheet_gen.build import render_fiche; from worksheet_gen.sources import load_fiche\n"
             "from worksheet_gen.later import Later\n"
             "fiche, problems = load_fiche(Path(sys.argv[1])); render_fiche(fiche)\n"
             "import segno\n"
             "print(type(segno.writers) is Later, [name for name in ('segno.writers', 'xml.sax.saxutils', "
             "'urllib.request', 'http.client', 'email', 'ssl', 'gzip') if name in sys.modules])\n"
             "print(segno.make_qr('https://pix.fr').svg_data_uri().startswith('data:image/svg+xml'), "
             "type(segno.writers) is Later)")
    env = {**os.environ, "WORKSHEET_GEN_CACHE": str(tmp_path / "cache"), "XDG_DATA_HOME": str(tmp_path / "data")}
    proc = subprocess.run([sys.executable, "-c", probe, str(ROOT / "sources/pix.yaml")], capture_output=True,
                          text=True, timeout=120, cwd=ROOT, env=env)
    assert proc.stdout.splitlines() == ["True []", "True False"], proc.stdout + proc.stderr
    assert sorted(path.name.split("-")[0] for path in (tmp_path / "cache").glob("qr-*")) == ["qr"] * 3  # made here


def test_reportlab_still_compiles_its_unsafe_names_pattern_at_import():
    """rl_safe_eval's pattern of unsafe names is written in another order by each process (a set joined): deferred,
    it is never compiled, nor kept by quickre. When this fails, reportlab changed how it makes that pattern."""
    probe = ("import worksheet_gen.render, reportlab.lib.rl_safe_eval as r; from worksheet_gen import quickimport; "
             "print(type(r.__rl_unsafe_re__) is quickimport.Deferred, "
             "r.__rl_unsafe_re__.search('x.__code__') is not None, r.__rl_unsafe_re__.search('x.code') is None)")
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.stdout.strip() == "True True True", proc.stdout + proc.stderr


def test_the_standard_library_modules_given_later_are_still_imported_at_the_top_and_never_used():
    """urllib.parse (pathlib imports it) imports ipaddress, shutil (tempfile and platformdirs import it) imports
    bz2 and lzma, at their top (else later.stdlib/later.tempfile no longer apply and this says so); a whole
    build, both forks included, then never asks them for anything: they are never imported."""
    probe = ("import sys; from worksheet_gen.later import Later; import urllib.parse\n"
             "print(type(urllib.parse.ipaddress) is Later, 'ipaddress' in sys.modules)\n"
             "import worksheet_gen.later as later; later.tempfile(); import shutil\n"
             "print(shutil._BZ2_SUPPORTED, shutil._LZMA_SUPPORTED, 'bz2' in sys.modules, 'lzma' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", "import worksheet_gen\n" + probe], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert proc.stdout.splitlines() == ["True False", "True True False False"], proc.stdout + proc.stderr
    for module, name in (("urllib/parse.py", "import ipaddress"), ("shutil.py", "    import bz2\n"),
                         ("shutil.py", "    import lzma\n")):
        assert name in (Path(os.__file__).parent / module).read_text(encoding="utf-8"), (module, name)


def test_a_build_imports_none_of_the_later_standard_modules(tmp_path):
    shutil_ = __import__("shutil")
    shutil_.copy(ROOT / "sources" / "pix.yaml", tmp_path / "pix.yaml")
    probe = ("import os, sys\n"
             "leave = os._exit\n"
             "def seen(code):\n"
             "    print(sorted(n for n in ('ipaddress', 'bz2', 'lzma') if n in sys.modules), flush=True); leave(code)\n"
             "os._exit = seen\n"
             "sys.argv = ['worksheet-gen', 'build', '-q', 'pix.yaml']\n"
             "from worksheet_gen.quickcli import entry\nentry()")
    env = dict(os.environ, WORKSHEET_GEN_CACHE=str(tmp_path / "cache"), XDG_DATA_HOME=str(tmp_path / "data"))
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300, cwd=tmp_path,
                          env=env)
    assert proc.returncode == 0 and (tmp_path / "build" / "pix-eleve.pdf").exists(), proc.stderr
    assert proc.stdout.split("\n")[:-1] == ["[]"] * 3, proc.stdout  # this process and its two forks
