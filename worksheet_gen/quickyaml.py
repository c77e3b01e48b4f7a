"""Import PyYAML without compiling its reader's character class at start-up.

``yaml/reader.py`` compiles ``Reader.NON_PRINTABLE`` when imported: every character but the controls,
written as ranges up to U+FFFD that Python's compiler marks one character at a time (about 4 ms). Only
PyYAML's own parser uses it, never libyaml's. NON_PRINTABLE here is the same set written as what it holds
(controls, surrogates, U+FFFE and U+FFFF), which compiles at once; while yaml is imported, re.compile
gives it for PyYAML's text. Every other call is passed through. Importing this module does it.

``tests/test_quickimport.py`` checks that PyYAML still compiles that very text at import (else this
module no longer applies and the test says so) and that both match the same characters on all of Unicode.
"""

from __future__ import annotations

import re
import sys

PYYAML = "[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010ffff]"  # yaml.reader.Reader
NON_PRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


def _yaml() -> None:
    if "yaml" in sys.modules:
        return
    compile_ = re.compile

    def compile_quickly(pattern, flags=0):
        if pattern == PYYAML and flags == 0:
            return NON_PRINTABLE
        return compile_(pattern, flags)

    re.compile = compile_quickly
    try:
        import yaml  # noqa: F401
    finally:
        re.compile = compile_


_yaml()
