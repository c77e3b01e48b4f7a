"""The suite itself: no success with tests skipped for a missing tool, unless the quick subset is asked for."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import ROOT

TOOL_TEST = "tests/test_fiche.py::test_fonts_are_embedded"  # needs pdffonts


def pytest_run(tmp_path, *args, quick: bool = False):
    """Run pytest on some tests with a PATH holding only this Python: no PDF tool is found."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "WORKSHEET_GEN_QUICK")}
    env["PATH"] = str(bin_dir)
    if quick:
        env["WORKSHEET_GEN_QUICK"] = "1"
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def test_a_missing_tool_fails_the_run_naming_it(tmp_path):
    proc = pytest_run(tmp_path, TOOL_TEST)
    assert proc.returncode == 1, proc.stdout
    assert "pdffonts is missing: install poppler-utils" in proc.stdout and "make test-quick" in proc.stdout
    assert "2 failed" in proc.stdout


def test_the_quick_subset_skips_them_when_asked(tmp_path):
    proc = pytest_run(tmp_path, TOOL_TEST, quick=True)
    assert proc.returncode == 0, proc.stdout
    assert "2 skipped" in proc.stdout and "pdffonts not installed (quick subset)" in proc.stdout


def test_a_full_run_with_a_skipped_test_fails(tmp_path):
    test = tmp_path / "test_skips.py"
    test.write_text("import pytest\n\n\ndef test_left_out():\n    pytest.skip('no reason')\n", encoding="utf-8")
    (tmp_path / "conftest.py").write_bytes((ROOT / "tests" / "conftest.py").read_bytes())  # its hooks
    env = {k: v for k, v in os.environ.items() if k != "WORKSHEET_GEN_QUICK"}
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--rootdir", str(tmp_path),
                           "-c", os.devnull, str(test)], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120)
    assert "1 skipped" in proc.stdout and proc.returncode == 1, proc.stdout


def test_make_test_names_the_tools_it_cannot_install(tmp_path):
    """tests/tools.sh (run by make test) on a machine with neither the tools nor a way to install them."""
    proc = subprocess.run(["/bin/sh", str(ROOT / "tests" / "tools.sh")], env={"PATH": str(tmp_path)},
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert "error: missing pdftotext pdftoppm pdffonts zbarimg qpdf node npm" in proc.stderr
    assert "make test-quick" in proc.stderr
