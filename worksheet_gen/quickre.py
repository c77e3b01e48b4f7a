"""Regular expressions rebuilt from the user cache instead of compiled again at each start.

A cold build compiles about 120 regular expressions (worksheet-gen's own, reportlab's, PyYAML's…), most
of them when their modules are imported: about 20 ms, a tenth of the build, spent in ``re``'s compiler,
which is written in Python. What it produces is plain data: the pattern's program for ``_sre`` (a list of
integers), its flags and its groups. install() makes ``re.compile`` go through compile(); once load() has
read the table kept in the user cache (cache.py: signed, keyed by Python's exact version and ``_sre``'s
MAGIC, CODESIZE and the byte order), a pattern it holds is given to ``_sre.compile``, as ``re``'s compiler
does last, about a hundred times faster. A pattern it lacks is compiled by ``re``'s compiler;
when the top level of a module or class compiled it, what that compiler gave ``_sre.compile`` (recorded on
the way: nothing is compiled twice) is added to the table by save(). load() is called when a fiche is
loaded: a no-op build does not pay for reading the table, and compiles its twenty patterns.
A program read from the cache is data: ``_sre`` checks it before it runs it (an invalid one is refused with
RuntimeError), and the file is signed with this user's secret. Any failure falls back to ``re.compile``.

``_sre.compile`` and ``re._compiler`` are internals of CPython: install() does nothing where they are not of
the expected shape, and ``tests/test_quickre.py`` checks, on every pattern a build compiles, that the
rebuilt pattern equals the one ``re`` compiles and that a second build compiles few, so the day an
upgrade changes them the test says so.
"""

from __future__ import annotations

import functools
import re
import sys
from array import array

KIND = "regex"
FORMAT = 1  # the layout of the table below
MAX_PATTERNS = 1024  # a table this full stops learning (the patterns of every library imported, a few hundred)
_compile = re.compile  # re's own
_made: dict = {}  # (pattern, flags) -> the pattern object made in this process (from the table, or a top level's)
_table: dict | None = None  # (pattern, flags) -> (final flags, groups, groupindex, program as an array), read once
_new: dict = {}  # (pattern, flags) -> (final flags, groups, groupindex, program) learnt since the last save
_RELAYS = {"compile_lazily", "compile_quickly"}  # quickimport's and quickyaml's: they pass patterns on
_FUNCTION = 0x2  # inspect.CO_NEWLOCALS: a function's code; a module's or a class's top level has not


@functools.lru_cache(maxsize=None)
def _sre():
    try:
        import _sre
        from re import _compiler
    except ImportError:
        return None
    shaped = all(hasattr(m, a) for m, a in ((_sre, "compile"), (_sre, "MAGIC"), (_sre, "CODESIZE"),
                                            (_compiler, "compile"), (_compiler, "_sre")))
    return _sre if shaped and _sre.CODESIZE == 4 and array("I").itemsize == 4 else None


def install() -> None:
    """Make re.compile go through compile() (once per process; nothing where CPython's compiler is not as
    expected). Patterns are looked up and learnt only once load() has read the table."""
    if re.compile is _compile and sys.implementation.name == "cpython" and _sre() is not None:
        re.compile = compile


def load() -> None:
    """Read the table, if install() was called and it is not read yet: called when a fiche is loaded, so that a
    no-op build never pays for it (the cache's secret, platformdirs)."""
    global _table
    if _table is None and re.compile is compile:
        from . import cache

        table = cache.load_blob(KIND, _key(), _read)  # what this compiles (platformdirs…) goes to re, unlearnt
        _table = table or {}


def _key() -> dict:
    sre = _sre()
    return {"python": sys.version, "magic": sre.MAGIC, "codesize": sre.CODESIZE, "order": sys.byteorder,
            "format": FORMAT}


def compile(pattern, flags=0):
    """re.compile(pattern, flags), rebuilt from the table when it holds it."""
    if _table is None or type(pattern) is not str or not isinstance(flags, int) or flags & re.DEBUG:
        return _compile(pattern, flags)
    key = (pattern, int(flags))
    made = _made.get(key)
    if made is None:
        made = _rebuilt(key)
        if made is None:
            made, top = _learnt(key, sys._getframe(1))
            if not top:  # made in a function, maybe from what a run reads: re's own (bounded) cache keeps it
                return made
        _made[key] = made
    return made


def _rebuilt(key: tuple[str, int]):
    found = _table.get(key)
    if found is None:
        return None
    final, groups, groupindex, program = found
    try:
        return _made_of(key[0], final, groups, groupindex, program.tolist())
    except Exception:  # RuntimeError: a program _sre refuses; TypeError: _sre.compile changed
        return None


def _made_of(pattern: str, final: int, groups: int, groupindex: dict, program: list):
    return _sre().compile(pattern, final, program, groups - 1, groupindex, _indexgroup(groups, groupindex))


def _indexgroup(groups: int, groupindex: dict) -> tuple:
    """The names of the groups by number, as re._compiler gives them to _sre.compile."""
    indexgroup = [None] * groups
    for name, i in groupindex.items():
        indexgroup[i] = name
    return tuple(indexgroup)


def _learnt(key: tuple[str, int], caller):
    """The pattern compiled by re's compiler, and whether the top level of a module or class compiled it; what the
    compiler gave ``_sre.compile`` for such a one is added to what save() keeps (patterns made in functions from
    what a run reads would make the table grow without end)."""
    while caller is not None and caller.f_code.co_name in _RELAYS:
        caller = caller.f_back
    if caller is None or caller.f_code.co_flags & _FUNCTION:
        return _compile(*key), False
    if len(_table) + len(_new) >= MAX_PATTERNS:
        return _compile(*key), True
    from re import _compiler

    recorder = _Recorder(_compiler._sre)
    _compiler._sre = recorder  # what re._compiler.compile() asks of _sre goes through it, for this pattern only
    try:
        made = _compiler.compile(*key)
    finally:
        _compiler._sre = recorder.sre
    args = recorder.args
    if args is not None and len(args) == 6 and args[0] == key[0] and type(args[2]) is list:
        final, program, groups, groupindex, indexgroup = args[1:]
        entry = (final, groups + 1, dict(groupindex), program)
        if _indexgroup(groups + 1, groupindex) == indexgroup:  # else an internal that changed: not kept
            _new[key] = entry
    return made, True


class _Recorder:
    """Stands for _sre in re._compiler while it compiles one pattern: keeps what compile() was given."""

    def __init__(self, sre):
        self.sre, self.args = sre, None

    def compile(self, *args):
        self.args = args
        return self.sre.compile(*args)

    def __getattr__(self, name: str):
        return getattr(self.sre, name)


def _read(value: object, blob: memoryview) -> dict:
    """The table kept by save(), checked: ValueError or TypeError when it is not of that shape."""
    codes = array("I")
    codes.frombytes(blob)
    table = {}
    for pattern, flags, final, groups, groupindex, start, count in value:
        if not (type(pattern) is str and all(type(n) is int for n in (flags, final, groups, start, count))
                and isinstance(groupindex, dict) and 0 < groups < 2**16 and 0 <= start <= start + count <= len(codes)
                and all(type(k) is str and type(i) is int and 0 < i < groups for k, i in groupindex.items())):
            raise ValueError("not a pattern")
        table[(pattern, flags)] = (final, groups, groupindex, codes[start:start + count])
    return table


def save() -> None:
    """Add the patterns learnt since the last save to the table (with what other processes added meanwhile)."""
    global _new
    if not _new or _sre() is None:
        return
    from . import cache

    new, _new = _new, {}
    entries = cache.load_blob(KIND, _key(), _read) or {}
    entries.update(new)
    if len(entries) > MAX_PATTERNS:
        return
    value, codes = [], array("I")
    for (pattern, flags), (final, groups, groupindex, program) in sorted(entries.items()):
        value.append([pattern, flags, final, groups, groupindex, len(codes), len(program)])
        codes.extend(program)
    cache.store_blob(KIND, _key(), value, codes.tobytes())
