"""Benchmark worksheet-gen as a user pays for it: whole processes, imports included.

Run with `make bench` (after `make`); `make bench CASES="cold_warm watch"` runs some cases only.
Prints a table and writes build/bench.json. Each figure is the median of several runs, with min
and max, and the peak memory (maximum resident set size) of the worksheet-gen process (os.wait4).

The CPU column is the median CPU time (user + system) of the process and of the workers it
waited for: other programs inflate it much less than wall time (waiting for a core is not counted).

Before and after each case the benchmark samples the machine for half a second, while nothing of
its own runs: the cores other programs kept busy (from /proc/stat) and the load average. A case
is quiet when both samples show less than a fifth of a core busy; a figure from a contended case
says so. Each run is appended to a history kept in the user cache folder, and the figures are
printed as ratios to the previous run of the same machine.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
from gen_tree import generate  # noqa: E402

EXE = Path(sys.executable).with_name("worksheet-gen")
TARGETS = {  # case: (metric, limit, "max" or "min")
    "cold_warm": ("median_s", 0.20, "max"),
    "cold_empty": ("median_s", 0.25, "max"),
    "noop": ("median_s", 0.05, "max"),
    "pack30": ("median_s", 0.35, "max"),
    "tree_jobs2": ("pages_per_s", 200, "min"),
    "watch": ("median_s", 0.10, "max"),
}
CASES = ("cold_warm", "cold_empty", "noop", "pack30", "pack_roster30", "tree_jobs1", "tree_jobs2", "watch")
QUIET_CORES = 0.2  # other programs' busy cores below which a sample is quiet
EDITS = ("Cultivez", "Renforcez")  # the one-word edit of the watch case, back and forth


def busy_sample(seconds: float = 0.5) -> dict:
    """The cores other programs kept busy over the next seconds (Linux; None elsewhere), and the load average."""
    def stat() -> tuple[int, int] | None:
        try:
            fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        except (OSError, ValueError):
            return None
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
        return sum(fields[:8]) - idle, sum(fields[:8])

    first = stat()
    time.sleep(seconds)
    second = stat()
    busy = None
    if first and second and second[1] > first[1]:
        busy = round((second[0] - first[0]) / (second[1] - first[1]) * (os.cpu_count() or 1), 2)
    load = os.getloadavg() if hasattr(os, "getloadavg") else (None, None, None)
    return {"busy_cores": busy, "load1": round(load[0], 2) if load[0] is not None else None}


def quiet(samples: list[dict]) -> bool | None:
    known = [s["busy_cores"] for s in samples if s["busy_cores"] is not None]
    return all(b < QUIET_CORES for b in known) if known else None


def run(args: list[str], cwd: Path, env: dict) -> tuple[float, int, float]:
    """Run worksheet-gen once: (wall seconds, peak RSS in MiB, CPU seconds of it and the workers it waited for)."""
    start = time.perf_counter()
    proc = subprocess.Popen([str(EXE), *args], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode()
    proc.stderr.close()
    if proc.returncode != 0:
        raise SystemExit(f"worksheet-gen {' '.join(args)} failed ({proc.returncode}):\n{err}")
    return wall, usage.ru_maxrss // 1024, usage.ru_utime + usage.ru_stime


def summary(name: str, walls: list[float], peaks: list[int], cpus: list[float], made: str,
            samples: list[dict]) -> dict:
    return {"case": name, "runs": len(walls), "median_s": statistics.median(walls), "min_s": min(walls),
            "max_s": max(walls), "peak_mib": max(peaks) if peaks else None,
            "cpu_s": statistics.median(cpus) if cpus else None, "made": made,
            "machine": samples, "quiet": quiet(samples)}


def measure(name: str, args: list[str], cwd: Path, env: dict, runs: int, made: str, before=None) -> dict:
    """Median, min and max wall time and peak memory of several runs, with the machine's state around them."""
    samples, walls, peaks, cpus = [busy_sample()], [], [], []
    for _ in range(runs):
        if before:
            before()
        wall, peak, cpu = run(args, cwd, env)
        walls.append(wall)
        peaks.append(peak)
        cpus.append(cpu)
    samples.append(busy_sample())
    return summary(name, walls, peaks, cpus, made, samples)


def edit(source: Path, i: int) -> None:
    """A one-word edit saved as editors save: a new file renamed over the old one."""
    text = source.read_text(encoding="utf-8")
    old, new = EDITS[i % 2], EDITS[(i + 1) % 2]
    tmp = source.with_name(f".{source.name}.swp")
    tmp.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.replace(tmp, source)


def measure_watch(tmp: Path, env: dict, runs: int) -> dict:
    """From a save of sources/pix.yaml (a one-word edit) to both PDFs replaced, in a running `worksheet-gen watch`."""
    tree = tmp / "watched"
    (tree / "sources").mkdir(parents=True)
    source = tree / "sources" / "pix.yaml"
    shutil.copy(ROOT / "sources" / "pix.yaml", source)
    pdfs = [tree / "build" / name for name in ("pix-eleve.pdf", "pix-corrige.pdf")]
    samples, walls = [busy_sample()], []  # before the watcher starts: its first build is no other program
    proc = subprocess.Popen([str(EXE), "watch", "--debounce", "5"], cwd=tree, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=env, start_new_session=True)
    lines: list[str] = []
    seen = threading.Condition()

    def read() -> None:
        for line in proc.stdout:
            with seen:
                lines.append(line)
                seen.notify_all()

    def wait_for(pattern: str, after: int) -> None:
        with seen:
            if not seen.wait_for(lambda: any(re.search(pattern, x) for x in lines[after:]) or proc.poll() is not None,
                                 timeout=60) or proc.poll() is not None:
                raise SystemExit("worksheet-gen watch did not answer:\n" + "".join(lines))

    threading.Thread(target=read, daemon=True).start()
    try:
        wait_for(r"^watching ", 0)
        for i in range(runs):
            time.sleep(0.3)  # the previous build finished and settled
            before, mark = [p.stat().st_ino for p in pdfs], len(lines)
            start = time.perf_counter()
            edit(source, i)
            while any(p.stat().st_ino == ino for p, ino in zip(pdfs, before)):
                time.sleep(0.001)
            walls.append(time.perf_counter() - start)
            wait_for(r"PDFs? written", mark)
    finally:
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C, as a terminal sends it
        proc.wait(timeout=30)
    samples.append(busy_sample())
    return summary("watch", walls, [], [], "a running `worksheet-gen watch --debounce 5`; save → both PDFs replaced",
                   samples)


def pages(folder: Path) -> int:
    from pypdf import PdfReader

    return sum(len(PdfReader(p).pages) for p in folder.glob("*.pdf"))


def machine() -> dict:
    """What the figures depend on, and an id for this machine (its history)."""
    ident = ""
    for path in ("/etc/machine-id", "/var/lib/dbus/machine-id"):
        try:
            ident = Path(path).read_text().strip()
            break
        except OSError:
            pass
    cpu = platform.processor() or platform.machine()
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    info = {"python": platform.python_version(), "cpus": os.cpu_count(), "processor": cpu,
            "system": platform.platform()}
    info["id"] = hashlib.sha256(json.dumps([ident, platform.node(), cpu, os.cpu_count()]).encode()).hexdigest()[:16]
    return info


def commit() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True).stdout.strip()
        return head + ("+changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def history_file() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("worksheet-gen", appauthor=False)) / "bench" / "history.jsonl"


def previous(machine_id: str) -> list[dict]:
    """The runs recorded for this machine, oldest first."""
    try:
        runs = [json.loads(line) for line in history_file().read_text(encoding="utf-8").splitlines() if line.strip()]
    except (OSError, ValueError):
        return []
    return [r for r in runs if isinstance(r, dict) and r.get("machine", {}).get("id") == machine_id]


def remember(report: dict) -> None:
    try:
        path = history_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(report) + "\n")
    except OSError as exc:
        print(f"(history not kept: {exc})")


def main(argv: list[str]) -> int:
    chosen = [c for c in argv if c] or list(CASES)
    unknown = sorted(set(chosen) - set(CASES))
    if unknown:
        raise SystemExit(f"unknown case(s) {', '.join(unknown)}: choose among {', '.join(CASES)}")
    # Byte-compile the package first, as pip does for an installed one: with PYTHONDONTWRITEBYTECODE
    # set (as on some CI images) an editable install would otherwise recompile it in every run.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "worksheet_gen")], check=True)
    results, sizes = [], {}
    started, made_by = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), commit()  # the code measured
    with tempfile.TemporaryDirectory(prefix="wg-bench-") as tmp:
        tmp = Path(tmp)
        src = tmp / "sources"
        src.mkdir()
        shutil.copy(ROOT / "sources" / "pix.yaml", src / "pix.yaml")
        out, cache = tmp / "build", tmp / "cache"
        # the user's own cache left alone, and its secret (cache.key, in the user data folder) too
        env = {**os.environ, "WORKSHEET_GEN_CACHE": str(cache), "XDG_DATA_HOME": str(tmp / "data")}
        build = ["build", "--sources", str(src), "--out", str(out)]

        def fresh(with_cache: bool):
            def clean() -> None:
                shutil.rmtree(out, ignore_errors=True)
                if not with_cache:
                    shutil.rmtree(cache, ignore_errors=True)
            return clean

        run(build, tmp, env)  # fills the user cache
        if "cold_warm" in chosen:
            results.append(measure("cold_warm", build, tmp, env, 11, "build of pix.yaml into an empty folder, "
                                   "both PDFs, new process, warm user cache", before=fresh(True)))
            sizes["eleve"] = (out / "pix-eleve.pdf").stat().st_size
            sizes["corrige"] = (out / "pix-corrige.pdf").stat().st_size
        if "cold_empty" in chosen:
            results.append(measure("cold_empty", build, tmp, env, 11, "the same with an empty user cache (a fresh "
                                   "CI runner)", before=fresh(False)))
        run(build, tmp, env)
        if "noop" in chosen:
            results.append(measure("noop", build, tmp, env, 15, "the same build again, nothing changed"))

        roster = tmp / "eleves.csv"
        roster.write_text("Nom;Prénom;Classe\n" + "".join(f"Élève{i:02d};Prénom{i:02d};1re G{i % 3 + 1}\n"
                                                       for i in range(30)), encoding="utf-8")
        pack_out = tmp / "packs"
        if "pack30" in chosen:
            results.append(measure("pack30", ["pack", "pix", "--copies", "30", "--name", "c30", "--sources", str(src),
                                              "--out", str(pack_out)], tmp, env, 9, "`pack pix --copies 30` (fiche "
                                   "rendered from its source), warm user cache"))
            sizes["pack30"] = (pack_out / "pack-c30.pdf").stat().st_size
            run(["pack", "pix", "--copies", "1", "--name", "c1", "--sources", str(src), "--out", str(pack_out)],
                tmp, env)
            sizes["pack1"] = (pack_out / "pack-c1.pdf").stat().st_size
            sizes["per_extra_copy"] = (sizes["pack30"] - sizes["pack1"]) / 29
        if "pack_roster30" in chosen:
            results.append(measure("pack_roster30", ["pack", "pix", "--roster", str(roster), "--name", "r30",
                                                     "--sources", str(src), "--out", str(pack_out)], tmp, env, 7,
                                   "`pack pix --roster` of 30 students, warm user cache"))
            sizes["pack_roster30"] = (pack_out / "pack-r30.pdf").stat().st_size

        tree = tmp / "tree"
        tree_out = tmp / "tree-build"
        for jobs in (1, 2):
            if f"tree_jobs{jobs}" not in chosen:
                continue
            if not tree.exists():
                generate(tree, 200)
            r = measure(f"tree_jobs{jobs}", ["build", "--sources", str(tree), "--out", str(tree_out),
                                             "--jobs", str(jobs), "--force"], tmp, env, 1,
                        f"200 generated fiches (2,000 pages), `--jobs {jobs} --force`, measured once")
            r["pages"] = pages(tree_out)
            r["pages_per_s"] = r["pages"] / r["median_s"]
            results.append(r)
        if "watch" in chosen:
            results.append(measure_watch(tmp, env, 21))

    by = {r["case"]: r for r in results}
    info = machine()
    report = {"date": started, "commit": made_by, "machine": info, "results": results, "sizes": sizes,
              "targets": {}}
    if "tree_jobs1" in by and "tree_jobs2" in by:
        report["speedup_jobs2"] = by["tree_jobs1"]["median_s"] / by["tree_jobs2"]["median_s"]
    for case, (metric, limit, kind) in TARGETS.items():
        if case in by:
            value = by[case][metric]
            report["targets"][case] = {"metric": metric, "limit": limit, "value": value, "quiet": by[case]["quiet"],
                                       "met": value <= limit if kind == "max" else value >= limit}
    if results:
        report["peak_mib"] = max(r["peak_mib"] or 0 for r in results)
    report["quiet"] = quiet([s for r in results for s in r["machine"]])
    _print(report, previous(info["id"]))
    out_file = ROOT / "build" / "bench.json"
    out_file.parent.mkdir(exist_ok=True)
    out_file.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    remember(report)
    print(f"\nwrote {out_file.relative_to(ROOT)}; history: {history_file()}")
    return 0


def _print(report: dict, history: list[dict]) -> None:
    old, runs = {}, {}  # case -> its result in the last run that measured it, and that run
    for run_ in history:
        for r in run_.get("results", []):
            old[r["case"]], runs[r["case"]] = r, run_
    print(f"{'case':<15}{'runs':>5}{'median s':>10}{'min s':>8}{'max s':>8}{'CPU s':>7}{'MiB':>5}{'pages/s':>9}"
          f"{'vs prev':>9}  machine (other programs' busy cores / load, before and after)")
    for r in report["results"]:
        pps = f"{r['pages_per_s']:.0f}" if "pages_per_s" in r else ""
        ratio = f"×{r['median_s'] / old[r['case']]['median_s']:.2f}" if r["case"] in old else ""
        state = ", ".join(f"{s['busy_cores']} / {s['load1']}" for s in r["machine"])
        cpu = f"{r['cpu_s']:.3f}" if r.get("cpu_s") is not None else ""
        print(f"{r['case']:<15}{r['runs']:>5}{r['median_s']:>10.3f}{r['min_s']:>8.3f}{r['max_s']:>8.3f}{cpu:>7}"
              f"{r['peak_mib'] or '':>5}{pps:>9}{ratio:>9}  {'quiet' if r['quiet'] else 'CONTENDED'} ({state})")
    compared = {id(runs[r["case"]]): runs[r["case"]] for r in report["results"] if r["case"] in runs}
    if compared:
        print("vs prev: median now / median of the last run of this machine that measured the case: " + "; ".join(
            f"{b['date']}, commit {b['commit']}, {'quiet' if b.get('quiet') else 'contended'}"
            for b in compared.values()))
    else:
        print("no previous run of this machine to compare with")
    if "speedup_jobs2" in report:
        print(f"speed-up --jobs 2 over --jobs 1: {report['speedup_jobs2']:.2f}")
    if report["sizes"]:
        print("sizes (bytes): " + ", ".join(f"{k} {v:,.0f}" for k, v in report["sizes"].items()))
    print("targets: " + ", ".join(f"{k} {'met' if t['met'] else 'MISSED'} ({t['value']:.3g} vs {t['limit']}"
                                  f"{'' if t['quiet'] else ', contended'})" for k, t in report["targets"].items()))
    print(f"machine: {report['machine']['processor']}, {report['machine']['cpus']} cores, Python "
          f"{report['machine']['python']}; the run was {'QUIET' if report['quiet'] else 'CONTENDED'} "
          f"(quiet: other programs below {QUIET_CORES} of a core before and after each case)")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
