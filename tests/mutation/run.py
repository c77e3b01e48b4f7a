"""Mutation testing: each mutation of mutations.py alone, in a copy of the project, under the whole suite.

    .venv/bin/python tests/mutation/run.py             # every mutation (make mutation)
    .venv/bin/python tests/mutation/run.py M03 M17     # some of them
    .venv/bin/python tests/mutation/run.py --check     # only say which mutations no longer apply

A mutation whose old text is not found exactly once in its file is reported "stale" (the code
moved: update it), never skipped in silence. Each mutation runs the suite with -x in two phases,
the second only if the first passed: first the test meant to catch it (its ``by``) or the test
files most likely to (LIKELY, by the mutated file), then all the others. A mutation is "caught" at
its first failing test, which the report names, once that test fails again run alone (a test that
then passes failed by chance: it is left out as flaky, reported, and the phase runs again);
"survived" means the whole suite passed; "timeout" (TIMEOUT) counts as not caught. Exit status 0 when nothing is stale, at least TARGET of
the mutations are caught, and each mutation with a ``by`` is caught by that test.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mutations import MUTATIONS, Mutation  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
TARGET = 0.95
TIMEOUT = 3600  # seconds for one run of tests; then "timeout": undecided, counted as not caught (a busy
# machine can take 20 minutes for the suite; a mutation that makes it hang is rare and worth a look)
_ANYWHERE = shutil.ignore_patterns("__pycache__", ".pytest_cache", ".hypothesis", "*.egg-info")


def IGNORE(folder: str, names: list[str]) -> set[str]:
    """What the copy leaves out: the checkout's .git, .venv and build/ (not a library's own build/ folder,
    as in tests/js/node_modules), and caches anywhere."""
    top = {".git", ".venv", "build"} & set(names) if Path(folder) == ROOT else set()
    return top | _ANYWHERE(folder, names)
FIRST = ["test_readback.py", "test_text.py", "test_fiche.py", "test_content.py", "test_profiles.py", "test_sheet.py",
         "test_pack_profiles.py", "test_pack.py", "test_pack_print.py", "test_build_ci.py"]  # close to what is
# printed: a mutation fails early; the slow ones that seldom catch a layout bug (forms, fuzz, hostile input) last
LIKELY = {  # by the mutated file: the test files most likely to catch a mutation there, run before the others
    "worksheet_gen/layout/": ["test_readback.py", "test_content.py", "test_fiche.py", "test_profiles.py", "test_sheet.py"],
    "worksheet_gen/validate.py": ["test_readback.py", "test_content.py", "test_schema.py", "test_fiche.py"],
    "worksheet_gen/render.py": ["test_fiche.py", "test_sheet.py", "test_readback.py", "test_profiles.py"],
    "worksheet_gen/text.py": ["test_text.py", "test_fiche.py", "test_profiles.py"],
    "worksheet_gen/pack": ["test_pack_profiles.py", "test_pack.py", "test_pack_print.py"],
    "worksheet_gen/assemble": ["test_pack_profiles.py", "test_pack.py", "test_pack_print.py"],
    "worksheet_gen/manifest.py": ["test_build_ci.py", "test_pack.py", "test_hostile.py"],
}


def named(index: int) -> str:
    return f"M{index + 1:02d}"


def fits(root: Path, m: Mutation) -> bool:
    """Whether the mutation's old text is in its file exactly once, and the mutated file still compiles
    (else the mutation is stale: a syntax error would be caught by any test, and prove nothing)."""
    path = root / m.file
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    if text.count(m.old) != 1:
        return False
    try:
        compile(text.replace(m.old, m.new), str(path), "exec")
    except SyntaxError:
        return False
    return True


def apply(root: Path, m: Mutation) -> None:
    path = root / m.file
    path.write_text(path.read_text(encoding="utf-8").replace(m.old, m.new), encoding="utf-8")


def suite(root: Path, flaky=()) -> list[str]:
    """The test files, those quick and close to what is printed first."""
    tests = sorted(p.name for p in (root / "tests").glob("test_*.py"))
    return [f"tests/{t}" for t in FIRST if t in tests] + [f"tests/{t}" for t in tests if t not in FIRST]


def phases(root: Path, m: Mutation) -> list[list[str]]:
    """What to run on a mutation, in turn, each phase only if the one before passed: first the test meant to
    catch it (or the test files most likely to), then all the others."""
    if m.by:
        return [[m.by], [*suite(root), "--deselect", m.by]]
    likely = next((files for prefix, files in LIKELY.items() if m.file.startswith(prefix)), [])
    first = [f"tests/{t}" for t in likely if (root / "tests" / t).is_file()]
    rest = [t for t in suite(root) if t not in first]
    return [first, rest] if first else [rest]


def pytest(args: list[str], flaky=()) -> list[str]:
    deselect = [arg for test in flaky for arg in ("--deselect", test)]
    return [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *deselect, *args]


def environment(root: Path) -> dict:
    """This environment, with the copy first on the path of every Python the tests start (the CLI included)."""
    env = {k: v for k, v in os.environ.items() if k not in ("WORKSHEET_GEN_QUICK", "PYTHONPATH")}
    env["PYTHONPATH"] = str(root)
    return env


def run(root: Path, args: list[str], flaky=()) -> tuple[bool, str, float]:
    """Run these tests in a copy, less those found flaky, stopping at the first failure:
    (passed, first failure, seconds)."""
    start = time.monotonic()
    try:
        proc = subprocess.run(pytest(args, flaky), cwd=root, env=environment(root), capture_output=True,
                              text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return False, f"timeout after {TIMEOUT} s", time.monotonic() - start
    failed = re.search(r"^(?:FAILED|ERROR) (.+?)(?: - .*)?$", proc.stdout, re.M)  # an id may hold spaces
    first = failed.group(1) if failed else proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
    return proc.returncode == 0, first, time.monotonic() - start


def fails_alone(root: Path, test: str) -> bool:
    """Whether one test fails when run alone in a copy (a timeout or an error outside a test counts as failing)."""
    if "::" not in test:
        return True
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test]
    return subprocess.run(command, cwd=root, env=environment(root), capture_output=True, timeout=TIMEOUT).returncode != 0


def judged(copy: Path, runs: list[list[str]], flaky: list[str]) -> tuple[bool, str, int, float]:
    """Run each phase in turn on a (mutated) copy until one fails: (passed, first failure, index of the failing
    phase, seconds). A test that fails is run again alone: if it then passes, it failed by chance (a timing
    test on a busy machine), not because of the mutation; it joins ``flaky`` (left out from then on, and
    reported) and the phase runs again without it."""
    total = 0.0
    for index, args in enumerate(runs):
        while True:
            ok, first, seconds = run(copy, args, flaky)
            total += seconds
            if ok or fails_alone(copy, first):
                break
            flaky.append(first)
            print(f"  {first} failed, then passed alone: left out as flaky", flush=True)
        if not ok:
            return False, first, index, total
    return True, "", len(runs), total


def isolated(root: Path) -> bool:
    """Whether a Python started elsewhere with this environment imports the copy's package."""
    probe = [sys.executable, "-c", "import worksheet_gen; print(worksheet_gen.__file__)"]
    out = subprocess.run(probe, cwd=tempfile.gettempdir(), env=environment(root), capture_output=True, text=True)
    return out.stdout.strip().startswith(str(root))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("only", nargs="*", help="mutation names (M01…); default: all")
    parser.add_argument("--check", action="store_true", help="only report stale mutations")
    parser.add_argument("--report", type=Path, help="write the results as JSON to this file")
    parser.add_argument("--no-baseline", action="store_true",
                        help="do not run the whole suite unmutated first (only when it has just passed on this tree)")
    args = parser.parse_args(argv)
    chosen = [(named(i), m) for i, m in enumerate(MUTATIONS) if not args.only or named(i) in args.only]
    results = []
    with tempfile.TemporaryDirectory(prefix="wg-mutation-") as tmp:
        base = Path(tmp) / "base"
        shutil.copytree(ROOT, base, ignore=IGNORE)
        stale = [name for name, m in chosen if not fits(base, m)]
        for name in stale:
            print(f"{name} stale: its old text is not in {MUTATIONS[int(name[1:]) - 1].file} exactly once, "
                  "or the mutated file does not compile")
        if args.check:
            return 1 if stale else 0
        if not isolated(base):
            print("the copy's package is not the one the tests import: aborting", file=sys.stderr)
            return 2
        flaky: list[str] = []
        if not args.no_baseline:
            ok, first, _, seconds = judged(base, [suite(base)], flaky)
            print(f"baseline: {'passed' if ok else 'FAILED ' + first} ({seconds:.0f} s)", flush=True)
            if not ok:
                return 2
        for name, m in chosen:
            if name in stale:
                results.append({"name": name, "status": "stale", **m._asdict()})
                continue
            copy = Path(shutil.copytree(base, Path(tmp) / name))
            apply(copy, m)
            ok, first, phase, seconds = judged(copy, phases(copy, m), flaky)
            shutil.rmtree(copy)
            status = "survived" if ok else "timeout" if first.startswith("timeout") else "caught"
            missed = bool(m.by) and not ok and phase > 0  # caught, but not by the test meant to catch it
            results.append({**m._asdict(), "name": name, "status": status, "caught_by": "" if ok else first,
                            "missed_by_aim": missed, "seconds": round(seconds)})
            print(f"{name} {status:8} {seconds:5.0f} s  {m.file}: {m.why}" + ("" if ok else f"\n      by {first}")
                  + (f"\n      NOT by {m.by}, the test meant to catch it" if missed else ""), flush=True)
    caught = sum(r["status"] == "caught" for r in results)
    applied = sum(r["status"] in ("caught", "survived", "timeout") for r in results)
    score = caught / applied if applied else 0.0
    print(f"\n{caught} caught / {applied} applied ({score:.0%}); {len(stale)} stale; target {TARGET:.0%}")
    for test in flaky:
        print(f"  left out as flaky: {test}")
    for r in results:
        if r["status"] in ("survived", "timeout"):
            print(f"  {r['status']} {r['name']}: {r['file']}: {r['why']}")
    aimless = [r["name"] for r in results if r["status"] == "survived" and r["by"] or r["missed_by_aim"]]
    for name in aimless:
        print(f"  {name} was not caught by the test meant to catch it")
    if args.report:
        args.report.write_text(json.dumps({"score": score, "flaky": flaky, "results": results}, indent=1,
                                          ensure_ascii=False) + "\n", encoding="utf-8")
    return 0 if score >= TARGET and not stale and not aimless else 1


if __name__ == "__main__":
    sys.exit(main())
