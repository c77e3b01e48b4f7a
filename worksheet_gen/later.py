"""Modules given to a library as placeholders while it is imported, imported themselves when first used.

A library that imports a module at its top but uses it only in a path worksheet-gen never takes makes every
run pay that import. While such a library is imported, :func:`importing` puts a :class:`Later` in
``sys.modules`` for each of those modules: the library binds it, and the first attribute it asks of it
imports the real module (which answers from then on). Once the library is imported, any other importer
gets the real module. It works for ``import x`` in the library, not ``from x import name`` (which asks for
the attribute at once: correct, and only not quicker).
"""

from __future__ import annotations

import contextlib
import importlib
import sys
import types


class Later(types.ModuleType):
    """Stands for a module while a library is imported: the module is imported the first time one of its
    attributes is asked for, and answers from then on."""

    def __getattr__(self, name: str):
        module = sys.modules.get(self.__name__)
        if module is None or module is self:  # asked while the library is still being imported: the real one now
            sys.modules.pop(self.__name__, None)
            module = importlib.import_module(self.__name__)
        return getattr(module, name)


@contextlib.contextmanager
def importing(names: tuple[str, ...]):
    """While the block runs (it imports a library), each module of names not yet imported is a Later."""
    later = [name for name in names if name not in sys.modules]
    sys.modules.update((name, Later(name)) for name in later)  # what `import` finds, and binds in the library
    try:
        yield
    finally:
        for name in later:
            if isinstance(sys.modules.get(name), Later):
                del sys.modules[name]  # any other importer gets the real module


def dataclasses() -> None:
    """Import dataclasses with inspect as a Later: dataclasses asks inspect only for the signature of a class
    without a docstring (every dataclass of worksheet-gen has one), and inspect imports ast, dis and tokenize
    (about 5 ms of every run, a tenth of a no-op build)."""
    if "dataclasses" not in sys.modules:
        with importing(("inspect",)):
            import dataclasses  # noqa: F401


def segno():
    """segno, imported with its writers module (SVG, PNG, EPS… files; worksheet-gen draws the modules itself) as a
    Later: writers imports xml.sax.saxutils, which imports urllib.request, http, email and ssl (about 18 ms of a
    build with an empty user cache, in each of its two rendering processes)."""
    if "segno" not in sys.modules:
        with importing(("segno.writers",)):
            import segno  # noqa: F401
    return sys.modules["segno"]


def stdlib() -> None:
    """Import urllib.parse (pathlib imports it) with ipaddress as a Later: it asks ipaddress only to check a
    bracketed host name (about 1.2 ms of every run)."""
    if "urllib.parse" not in sys.modules:
        with importing(("ipaddress",)):
            import urllib.parse  # noqa: F401


def tempfile():
    """tempfile, imported (with shutil) with bz2 and lzma as Laters: shutil imports them only to know whether it
    can make such archives (about 2 ms)."""
    if "shutil" not in sys.modules:
        with importing(("bz2", "lzma")):
            import shutil  # noqa: F401
    import tempfile as module

    return module
