"""Benchmark worksheet-gen as a user pays for it: whole processes, imports included.

Run with `make bench` (after `make`). Prints a table and writes build/bench.json.
Each figure is the median of several runs, with min and max, and the peak memory
(maximum resident set size) of the worksheet-gen process, read with os.wait4.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
from gen_tree import generate  # noqa: E402

EXE = Path(sys.executable).with_name("worksheet-gen")
TARGETS = {  # case: (metric, limit, "max" or "min")
    "cold": ("median_s", 0.25, "max"),
    "noop": ("median_s", 0.10, "max"),
    "pack30": ("median_s", 0.35, "max"),
    "tree_jobs2": ("pages_per_s", 150, "min"),
}


def run(args: list[str], cwd: Path) -> tuple[float, int]:
    """Run worksheet-gen once: (wall seconds, peak RSS in MiB)."""
    start = time.perf_counter()
    proc = subprocess.Popen([str(EXE), *args], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode()
    proc.stderr.close()
    if proc.returncode != 0:
        raise SystemExit(f"worksheet-gen {' '.join(args)} failed ({proc.returncode}):\n{err}")
    return wall, usage.ru_maxrss // 1024


def measure(name: str, args: list[str], cwd: Path, runs: int, before=None) -> dict:
    """Median, min and max wall time and peak memory of several runs."""
    walls, peaks = [], []
    for _ in range(runs):
        if before:
            before()
        wall, peak = run(args, cwd)
        walls.append(wall)
        peaks.append(peak)
    return {"case": name, "runs": runs, "median_s": statistics.median(walls), "min_s": min(walls),
            "max_s": max(walls), "peak_mib": max(peaks)}


def pages(folder: Path) -> int:
    from pypdf import PdfReader

    return sum(len(PdfReader(p).pages) for p in folder.glob("*.pdf"))


def main() -> int:
    # Byte-compile the package first, as pip does for an installed one: with PYTHONDONTWRITEBYTECODE
    # set (as on some CI images) an editable install would otherwise recompile it in every run.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "worksheet_gen")], check=True)
    results, sizes = [], {}
    with tempfile.TemporaryDirectory(prefix="wg-bench-") as tmp:
        tmp = Path(tmp)
        src = tmp / "sources"
        src.mkdir()
        shutil.copy(ROOT / "sources" / "pix.yaml", src / "pix.yaml")
        out = tmp / "build"

        # 1. cold full build of the Pix fiche
        results.append(measure("cold", ["build", "--sources", str(src), "--out", str(out)], tmp, 9,
                               before=lambda: shutil.rmtree(out, ignore_errors=True)))
        sizes["eleve"] = (out / "pix-eleve.pdf").stat().st_size
        sizes["corrige"] = (out / "pix-corrige.pdf").stat().st_size

        # 2. no-op rebuild of the same tree
        results.append(measure("noop", ["build", "--sources", str(src), "--out", str(out)], tmp, 15))

        # 3. class packs: 30 copies, and a 30-student roster
        roster = tmp / "eleves.csv"
        roster.write_text("Nom;Prénom;Classe\n" + "".join(f"Élève{i:02d};Prénom{i:02d};1re G{i % 3 + 1}\n"
                                                       for i in range(30)), encoding="utf-8")
        pack_out = tmp / "packs"
        results.append(measure("pack30", ["pack", "pix", "--copies", "30", "--name", "c30", "--sources", str(src),
                                          "--out", str(pack_out)], tmp, 7))
        results.append(measure("pack_roster30", ["pack", "pix", "--roster", str(roster), "--name", "r30",
                                                 "--sources", str(src), "--out", str(pack_out)], tmp, 7))
        sizes["pack30"] = (pack_out / "pack-c30.pdf").stat().st_size
        sizes["pack_roster30"] = (pack_out / "pack-r30.pdf").stat().st_size
        run(["pack", "pix", "--copies", "1", "--name", "c1", "--sources", str(src), "--out", str(pack_out)], tmp)
        sizes["pack1"] = (pack_out / "pack-c1.pdf").stat().st_size
        sizes["per_extra_copy"] = (sizes["pack30"] - sizes["pack1"]) / 29

        # 4. a generated tree of 200 fiches, one and two processes
        tree = tmp / "tree"
        generate(tree, 200)
        tree_out = tmp / "tree-build"
        for jobs in (1, 2):
            r = measure(f"tree_jobs{jobs}", ["build", "--sources", str(tree), "--out", str(tree_out),
                                             "--jobs", str(jobs), "--force"], tmp, 3)
            r["pages"] = pages(tree_out)
            r["pages_per_s"] = r["pages"] / r["median_s"]
            results.append(r)
    by = {r["case"]: r for r in results}
    speedup = by["tree_jobs1"]["median_s"] / by["tree_jobs2"]["median_s"]
    report = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                          "processor": platform.processor() or platform.machine(), "system": platform.platform()},
              "results": results, "sizes": sizes, "speedup_jobs2": speedup, "targets": {}}
    for case, (metric, limit, kind) in TARGETS.items():
        value = by[case][metric]
        report["targets"][case] = {"metric": metric, "limit": limit, "value": value,
                                   "met": value <= limit if kind == "max" else value >= limit}
    report["targets"]["speedup"] = {"metric": "jobs1/jobs2", "limit": 1.7, "value": speedup, "met": speedup >= 1.7}
    report["targets"]["per_extra_copy"] = {"metric": "bytes", "limit": 3072, "value": sizes["per_extra_copy"],
                                           "met": sizes["per_extra_copy"] <= 3072}
    peak = max(r["peak_mib"] for r in results)
    report["targets"]["peak_memory"] = {"metric": "MiB", "limit": 150, "value": peak, "met": peak <= 150}
    _print(report)
    out_file = ROOT / "build" / "bench.json"
    out_file.parent.mkdir(exist_ok=True)
    out_file.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {out_file.relative_to(ROOT)}")
    return 0


def _print(report: dict) -> None:
    print(f"{'case':<16}{'runs':>5}{'median s':>10}{'min s':>8}{'max s':>8}{'peak MiB':>10}{'pages/s':>9}")
    for r in report["results"]:
        pps = f"{r['pages_per_s']:.0f}" if "pages_per_s" in r else ""
        print(f"{r['case']:<16}{r['runs']:>5}{r['median_s']:>10.3f}{r['min_s']:>8.3f}{r['max_s']:>8.3f}"
              f"{r['peak_mib']:>10}{pps:>9}")
    print(f"speed-up --jobs 2 over --jobs 1: {report['speedup_jobs2']:.2f}")
    print("sizes (bytes): " + ", ".join(f"{k} {v:,.0f}" for k, v in report["sizes"].items()))
    print("targets: " + ", ".join(f"{k} {'met' if t['met'] else 'MISSED'} ({t['value']:.3g} vs {t['limit']})"
                                  for k, t in report["targets"].items()))


if __name__ == "__main__":
    sys.exit(main())
