"""Build fiches into PDFs: only what changed, in parallel processes, each file written atomically.

Workers validate and render (bytes or problems come back); only this process writes, through
``write_atomic``, so a build killed at any moment leaves every output complete, old or new.
"""

from __future__ import annotations

import errno
import os
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import field
from pathlib import Path

from . import forked
from .errors import CANNOT_WRITE, CHECK_SPACE, Pos, Problem, os_reason
from .i18n import _
from .manifest import Manifest, epoch_problem, fingerprint, sha256_bytes, sha256_file, shard_name
from .output import Failed, Lock, clean_temp, is_dir, not_a_folder, write_atomic, write_together
from .owners import established_first, expected, form_name, names, recorded, same_file
from .profiles import STANDARD, Profile, choose
from .quickdc import dataclass
from .sources import display, in_shard, is_pack

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (2.9 ms)
if TYPE_CHECKING:
    from .model import Fiche


@dataclass
class Result:
    """What a build did: files written, left alone, removed or out of date, and every problem met."""

    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    stale: list[Path] = field(default_factory=list)  # with check=True: missing, would change or would be removed
    stale_from: dict[Path, tuple[str, str]] = field(default_factory=dict)  # each stale output: (why, its source);
    # why: "missing", "would change", "would remove" (its source writes it no more), "source removed"
    failures: list[str] = field(default_factory=list)  # sources that could not be built
    problems: list[Problem] = field(default_factory=list)
    sources: int = 0
    up_to_date: int = 0  # sources left alone: nothing they depend on changed
    rendered: int = 0  # sources rendered (one that failed is counted in failures, not here)
    seconds: float = 0.0
    check: bool = False

    @property
    def failed(self) -> bool:
        return any(p.severity == "error" for p in self.problems)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed or self.stale or self.failures else 0

    def merge(self, other: Result) -> Result:
        """Add another build's outcome (e.g. packs) to this one."""
        for name in ("written", "unchanged", "removed", "stale", "failures", "problems"):
            getattr(self, name).extend(getattr(other, name))
        self.stale_from.update(other.stale_from)
        self.sources += other.sources
        self.up_to_date += other.up_to_date
        self.rendered += other.rendered
        self.seconds += other.seconds
        return self

    def as_dict(self) -> dict:
        """The counts and file lists, for a JSON report."""
        files = {name: sorted(display(p) for p in getattr(self, name))
                 for name in ("written", "unchanged", "removed", "stale")}
        return {"check": self.check, "sources": self.sources, "up_to_date": self.up_to_date, "rendered": self.rendered,
                "seconds": round(self.seconds, 3), **files, "failed": sorted(self.failures)}


@dataclass
class Outcome:
    """What a worker sends back for one source: the PDFs (by file name) or the problems, and what it read."""

    problems: list[Problem] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    deps: dict[str, str] = field(default_factory=dict)  # absolute path -> sha256 (the source hashed before reading)


def render_fiche(fiche: Fiche, profile: Profile = STANDARD, *,
                 parallel: bool = False) -> tuple[bytes, bytes, list[Problem]]:
    """Render the student sheet and the corrigé; layout warnings come back as problems.

    ``parallel`` renders the student sheet in a forked process while this one renders the
    corrigé (when the build has a core to spare); the bytes are the same.
    """
    student, key, warnings, _ = render_counted(fiche, profile, parallel=parallel)
    return student, key, warnings


def render_counted(fiche: Fiche, profile: Profile = STANDARD, *,
                   parallel: bool = False) -> tuple[bytes, bytes, list[Problem], tuple[int, int]]:
    """What render_fiche() makes, with the page counts of the student sheet and the corrigé."""
    from .fonts import MONO, register
    from .render import render_counted as render

    warnings: dict[tuple, Problem] = {}

    def report(pos: Pos, message: str) -> None:
        warnings.setdefault((pos, message), Problem(pos, message, severity="warning"))

    register(profile.family)  # before forking: the fonts are read once
    register(MONO)  # for code and addresses (every sheet's styles register it)
    child = _fork(lambda: render(fiche, answers=False, report=report, profile=profile), warnings) \
        if parallel and hasattr(os, "fork") else None
    try:
        key = render(fiche, answers=True, report=report, profile=profile)
    finally:
        student = child() if child else None  # always waited for, even when the corrigé failed
    if student is None:  # not forked, or the child failed: render it here
        student = render(fiche, answers=False, report=report, profile=profile)
    from . import hyphens, quickre

    hyphens.save()  # after the child's: each adds the words it learnt
    quickre.save()
    return student[0], key[0], list(warnings.values()), (student[1], key[1])


def _fork(job: Callable[[], tuple[bytes, int]], warnings: dict) -> Callable[[], tuple[bytes, int] | None] | None:
    """Run job, which makes a PDF and its page count, in a forked process; the returned function waits for them
    (None if it failed) and adds the warnings it reported to ``warnings``. None when no process can be forked.
    The child sends a 0 byte, the page count (8 bytes) and the PDF, or, when it reported warnings, a 1 byte and
    all of it pickled (pickle is imported only then: 1.5 ms)."""

    def made() -> tuple[bytes, int]:
        data = job()
        from . import hyphens, quickre

        hyphens.save()
        quickre.save()
        return data

    def send(data: tuple[bytes, int]) -> bytes:
        if warnings:
            import pickle

            return b"\1" + pickle.dumps((data, warnings))
        return b"\0" + data[1].to_bytes(8, "little") + data[0]

    def receive(payload: bytes) -> tuple[bytes, int]:
        if payload[:1] == b"\0":
            return payload[9:], int.from_bytes(payload[1:9], "little")
        import pickle

        data, reported = pickle.loads(payload[1:])
        for key, problem in reported.items():
            warnings.setdefault(key, problem)
        return data

    return forked.start(made, send, receive)


def _worker(parent: int) -> None:
    """A pool worker's start: it ends with this process, and compiles regular expressions as quickre says; Ctrl-C,
    blocked while it started, ends it silently from now on (one already pressed, at once)."""
    import signal

    from . import quickre

    quickre.install()
    forked.die_with(parent)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def images(fiche: Fiche) -> list[str]:
    """The image files a fiche draws."""
    from .model import Image

    blocks = [b for a in fiche.activities for b in a.blocks] + list(fiche.closing.blocks if fiche.closing else ())
    return sorted({b.path for b in blocks if isinstance(b, Image)})


def work(source: Path, root: Path | None, options: Mapping[str, object], parallel: bool = False) -> Outcome:
    """Validate and render one source (in a worker process); never raises.

    ``parallel``: render the two PDFs in two processes (see render_fiche)."""
    from .sources import load_fiche

    outcome = Outcome(deps={str(source.resolve()): sha256_file(source)})  # hashed before reading: never stale-as-fresh
    try:
        if parallel:  # a core to spare: the fiche loaded beside reportlab's import
            from . import overlap

            fiche, outcome.problems = overlap.load_fiche(source, root, options.get("profile"),
                                                         lambda: prepare(options.get("profile")))
        else:
            fiche, outcome.problems = load_fiche(source, root, options.get("profile"))
        if fiche is None:
            return outcome
        from . import pictures  # not imported by a build that renders nothing

        outcome.deps.update((path, pictures.sha256(path)) for path in images(fiche))  # of the bytes decoded
        profile = choose(options.get("profile"), fiche.profile)
        student, key, warnings = render_fiche(fiche, profile, parallel=parallel)
        form = _render_form(fiche, profile) if options.get("form") or fiche.form else None
    except Exception as exc:
        from .render import TooLong, too_long

        if isinstance(exc, TooLong):
            outcome.problems.append(too_long(fiche))
            return outcome  # a bug, not the user's fault: report it and go on with the other fiches
        if isinstance(exc, MemoryError):  # not a bug: this machine, or this process's limit (ulimit -v)
            outcome.problems.append(Problem(Pos(display(source)), _("not enough memory to build it"),
                                            _("close other programs, or build with --jobs 1")))
            return outcome
        message = _("internal error while building: {error}").format(error=f"{type(exc).__name__}: {exc}")
        outcome.problems.append(Problem(Pos(display(source)), message, _("please report it with this source file")))
        return outcome
    outcome.problems += warnings
    file_names = names(fiche.slug, profile)
    outcome.files = {file_names["eleve"]: student, file_names["corrige"]: key}
    if form is not None:
        outcome.files[form_name(fiche.slug, profile)] = form
    return outcome


def prepare(profile: str | None) -> None:
    """Import what rendering needs (reportlab) and read the fonts of the profile asked for, else the standard one's."""
    from . import quickre

    quickre.load()
    from . import render  # noqa: F401
    from .fonts import MONO, register

    register(choose(profile).family)
    register(MONO)


def _render_form(fiche: Fiche, profile: Profile) -> bytes:
    """The fillable form: the student sheet with form fields (its layout warnings are the student sheet's)."""
    from .render import render

    return render(fiche, answers=False, form=True, profile=profile)


def default_jobs() -> int:
    """The number of CPUs this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _run(tasks: list[Path], root: Path | None, options: Mapping, jobs: int) -> Iterator[tuple[Path, Outcome]]:
    """Yield (source, outcome) as each source is rendered: in this process, or in `jobs` worker processes (at most
    one per CPU; pool.py, or multiprocessing's pool where there is no POSIX)."""
    jobs = min(jobs, default_jobs())  # more processes than CPUs would only share them, each with its own memory
    if jobs <= 1 or len(tasks) <= 1:
        for source in tasks:  # a single fiche with a spare core: its two PDFs side by side
            yield source, work(source, root, options, parallel=jobs > 1)
        return
    if os.name == "posix":
        from . import pool

        for index, outcome in pool.imap(work, [(source, root, options) for source in tasks], min(jobs, len(tasks))):
            if isinstance(outcome, pool.Lost):  # its worker died twice (killed, out of memory…)
                outcome = Outcome([Problem(Pos(display(tasks[index])), _(
                    "the process building it was ended ({why}), when tried again too: it is not built").format(
                    why=repr(outcome)), _("the system may have run out of memory: close other programs, or build "
                                          "with --jobs 1"))])
            yield tasks[index], outcome
        return
    import multiprocessing
    import signal
    from concurrent.futures import ProcessPoolExecutor, as_completed

    pool = ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=multiprocessing.get_context("spawn"),
                               initializer=_worker, initargs=(os.getpid(),))
    # The workers start (as the tasks are submitted) with Ctrl-C blocked, which they inherit: the terminal sends it
    # to them too, and until _worker() makes it end them silently, Python would print a traceback (this process
    # says « Aborted! »). Blocked only now: making the pool starts multiprocessing's resource tracker, which
    # unblocks it after.
    held = hasattr(signal, "pthread_sigmask")
    try:
        if held:
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        futures = {pool.submit(work, source, root, options): source for source in tasks}
        if held:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        for future in as_completed(futures):
            source = futures.pop(future)  # its PDFs are let go once written: memory stays flat in the fiches
            try:
                outcome = future.result()
            except Exception as exc:  # the worker process died (killed, out of memory…)
                outcome = Outcome([Problem(Pos(display(source)), _("the process building it stopped: {error}").format(
                    error=str(exc)))])
            yield source, outcome
    finally:
        if held:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        pool.shutdown(wait=True, cancel_futures=True)


def _packs(files: list[Path], parallel: bool) -> Iterator[tuple[Path, Outcome]]:
    """Yield (pack file, outcome) as each declared pack is made, in this process."""
    if not files:
        return
    from .packs import work

    cache: dict = {}  # a fiche in several packs is rendered once
    for file in files:
        yield file, work(file, cache, parallel=parallel)


class _Build:
    """One run of `build`: the manifest, the result so far, and how to tell the terminal."""

    def __init__(self, out_dir: Path, *, check: bool, options: Mapping, progress: Callable[[str, str], None],
                 lock: Lock, shard: tuple[int, int] | None = None):
        self.out_dir, self.check, self.progress, self.lock, self.options = out_dir, check, progress, lock, options
        self.shard = shard
        self.locked = False
        self.manifest = Manifest.load(out_dir, shard_name(shard))
        self.fp = fingerprint(options)
        self.variant = ",".join(f"{key}={options[key]}" if key == "profile" else key
                                for key in ("profile", "form") if options.get(key))
        self.result = Result(check=check, problems=list(self.manifest.problems))

    def writing(self) -> None:
        """Before the first change to the output folder: hold its lock, clear what killed builds left."""
        if not self.locked:
            self.lock.acquire()
            clean_temp(self.out_dir)
            self.locked = True

    def plan(self, sources: list[Path], force: bool, mine: list[Path]) -> list[Path]:
        """Sources of mine (those of this shard) that need rendering; the others are counted as up to date
        (their warnings repeated).

        A source that would write a file another one of sources writes (compared without case, as Windows
        and macOS do) is an error, before anything is written: in every shard as in one build."""
        todo, owners, mine, clashes = [], recorded(self.manifest, sources), set(mine), {}
        for source in established_first(self.manifest, sources):
            clashes[source] = owners.clash(source)
            if clashes[source] is None:
                owners.add(source)
        for source in sources:
            if clashes[source] is not None:
                if source in mine:
                    self.fail(source, [clashes[source]])
                continue
            if source not in mine:
                continue
            if not force and self.manifest.fresh(source, self.fp, self.variant,
                                                 outputs=expected(source, self.options)):
                self.result.up_to_date += 1
                self.result.unchanged += [self.out_dir / name for name in self.manifest.outputs(source, self.variant)]
                self.result.problems += self.manifest.warnings(source, display, self.variant)
                self.progress("done", display(source))
            else:
                todo.append(source)
        return todo

    def fail(self, source: Path, problems: list[Problem]) -> None:
        self.result.problems += problems
        self.result.failures.append(display(source))
        self.progress("done", display(source))

    def apply(self, source: Path, outcome: Outcome) -> None:
        """Write (or, with check, compare) what a worker rendered, and record it in the manifest."""
        if not outcome.files:
            return self.fail(source, outcome.problems)
        read = {os.path.normcase(path) for path in outcome.deps}
        clash = next((self.out_dir / n for n in outcome.files if os.path.normcase((self.out_dir / n).resolve()) in read),
                     None)
        if clash is not None:  # --out among the sources, and a roster named like the pack: never written over
            return self.fail(source, outcome.problems + [Problem(Pos(display(clash)), _('the build would write over a file it reads'), _('rename that file, or build into another folder (--out)'))])
        self.result.problems += outcome.problems
        shas, changed = {}, {}
        for name, data in outcome.files.items():
            path = self.out_dir / name
            shas[name] = sha256_bytes(data)
            if sha256_file(path, follow=False) == shas[name]:
                self.result.unchanged.append(path)
            elif self.check:
                self.result.stale.append(path)
                verb = "missing" if not path.exists() else "would change"
                self.result.stale_from[path] = (verb, display(source))
                self.progress(verb, display(path))
            else:
                changed[path] = data
        if changed:
            try:
                self.writing()
                write_together(changed)  # the student sheet and its corrigé: both replaced, or neither
            except Failed as exc:  # disk full, a folder in its place…: the others are still built
                return self.fail(source, [cannot_write(exc.path, exc.error)])
            except OSError as exc:  # the folder's lock
                return self.fail(source, [cannot_write(next(iter(changed)), exc)])
            for path in changed:
                self.result.written.append(path)
                self.progress("wrote", display(path))
        if not self.check:
            self.remove_replaced(source, set(shas))
            if None not in outcome.deps.values():
                self.manifest.record(source, self.variant, fp=self.fp, deps=outcome.deps, outputs=shas,
                                     problems=outcome.problems)
        self.progress("done", display(source))

    def remove(self, name: str, sha: str, source: str, gone: bool = False) -> None:
        """Delete an output this tool wrote (with check, report it), if it still holds what was written;
        gone: its source was removed."""
        path = self.out_dir / name
        now = sha256_file(path, follow=False)
        if now is None:  # gone, or not a regular file: not what the build wrote
            return
        if now != sha:
            self.result.problems.append(Problem(Pos(display(path)), _("this PDF changed since the build wrote it: "
                                                                      "it is not removed"),
                                                _("delete it by hand if it is no longer needed"), severity="warning"))
        elif self.check:
            self.result.stale.append(path)
            self.result.stale_from[path] = ("source removed" if gone else "would remove", source)
            self.progress("would remove", display(path))
        else:
            try:
                self.writing()
                path.unlink()
            except OSError as exc:
                self.result.problems.append(Problem(Pos(display(path)), _("cannot remove the file: {reason}").format(
                    reason=os_reason(exc)), _("check the permissions of the output folder")))
                return
            self.result.removed.append(path)
            self.progress("removed", display(path))

    def remove_replaced(self, source: Path, now: set[str]) -> None:
        """Delete what source wrote last time and no longer writes (its profile changed), unless another claims it."""
        before = self.manifest.outputs(source, self.variant)
        mine = self.manifest.entry(source, self.variant)
        claimed = {same_file(name) for entry in self.manifest.entries.values() if entry is not mine
                   for name in entry["outputs"]} | {same_file(name) for name in now}
        for name, sha in sorted(before.items()):
            if same_file(name) not in claimed:
                self.remove(name, sha, display(source))

    def remove_orphans(self, claimed: set[str]) -> None:
        """Delete the outputs the manifest says we wrote for sources that no longer exist (unless still claimed)."""
        orphans = self.manifest.orphans()
        claimed = {same_file(name) for name in claimed} | {
            same_file(name) for key, entry in self.manifest.entries.items() if key not in orphans
            for name in entry["outputs"]}
        for key, outputs in orphans.items():
            for name, sha in sorted(outputs.items()):
                if same_file(name) not in claimed:
                    source = display(self.manifest.abs(self.manifest.entries[key]["source"]))
                    self.remove(name, sha, source, gone=True)
            if not self.check:
                del self.manifest.entries[key]

    def save(self, mine: list[Path]) -> None:
        """Write the manifest when it changed (a shard's: the entries of its own sources); a failure is an error
        of the build, never a traceback. A whole build's manifest takes in the shards' it merged, removed then."""
        if self.check:
            return
        if self.shard:
            self.manifest.keep({key for source in mine for key in self.manifest.keys(source)})
        if not self.manifest.changed():
            return
        try:
            self.writing()
            write_atomic(self.manifest.path, self.manifest.dump())
            for merged in [] if self.shard else self.manifest.merged:
                merged.unlink(missing_ok=True)
        except OSError as exc:
            self.result.problems.append(Problem(Pos(display(self.manifest.path)), _(
                "cannot write the build manifest: {reason}").format(reason=os_reason(exc)), _(
                "check the free space and the permissions of the output folder; the next build renders everything "
                "again")))


def cannot_write(path: Path, error: OSError) -> Problem:
    """The error of an output that could not be written: its name too long for the system, or the reason
    the system gives (a full disk, a folder in its place)."""
    if error.errno == errno.ENAMETOOLONG:
        return Problem(Pos(display(path)), _("cannot write the file: its name or its folder's path is too long for "
                                             "the system"), _("give the source a shorter file name, or --out a "
                                                              "shorter folder"))
    return Problem(Pos(display(path)), CANNOT_WRITE.format(reason=os_reason(error)), CHECK_SPACE)


def _quiet(verb: str, path: str) -> None:
    pass


def build(sources: list[Path], out_dir: Path, *, root: Path | None = None, jobs: int = 1, force: bool = False,
          check: bool = False, options: Mapping[str, object] | None = None, packs: list[Path] = (),
          progress: Callable[[str, str], None] = _quiet, shard: tuple[int, int] | None = None) -> Result:
    """Build every source whose outputs are missing or out of date; with check, write nothing, render every
    source and report each output that is missing or differs (and those of deleted sources).

    ``packs`` (pack files) are made after the fiches, in this process, when anything they read
    changed; a build with a profile option leaves them alone (they choose their own profiles).
    ``shard`` (K, N): build only the K-th slice of N (sources.in_shard), with a manifest of its own.
    """
    start = time.monotonic()
    options = dict(options or {})
    sources = list(dict.fromkeys(Path(os.path.abspath(s)) for s in [*sources, *(
        packs if not options.get("profile") else ())]))
    lock = Lock(out_dir, shared=check, waiting=lambda: progress("waiting for another build writing into",
                                                                display(out_dir)))
    try:
        if is_dir(out_dir):  # else taken at the first write: a build that writes nothing creates nothing
            lock.acquire()
        run = _Build(out_dir, check=check, options=options, progress=progress, lock=lock, shard=shard)
        run.result.sources = len(in_shard(sources, shard))
        run.result.problems += [p for p in (epoch_problem(),) if p]
        blocked = not_a_folder(out_dir)
        if blocked is not None:  # /dev/null, a file: said before anything is rendered
            run.result.problems.append(Problem(Pos(display(blocked)), _('the output folder cannot be made: a file stands in its place'), _('give --out a folder, or a name that is free')))
        if is_dir(out_dir) and not check:
            run.writing()
        if run.result.failed:  # the manifest cannot be read nor written, or the dates are wrong: change nothing
            return run.result
        # --check renders everything: a manifest (committed, restored) cannot vouch for the PDFs it checks.
        _build(run, sources, root=root, jobs=jobs, force=force or check, options=options)
    finally:
        lock.release()
    run.result.seconds = time.monotonic() - start
    return run.result


def _build(run: _Build, sources: list[Path], *, root: Path | None, jobs: int, force: bool, options: dict) -> None:
    """Plan, render, write, remove what is no longer built, and save the manifest, whatever happens."""
    mine = in_shard(sources, run.shard)
    try:
        todo = run.plan(sources, force, mine)
        before = len(run.result.failures)
        for source, outcome in _run([s for s in todo if not is_pack(s)], root, options, jobs):
            run.apply(source, outcome)
        for pack, outcome in _packs([s for s in todo if is_pack(s)], parallel=jobs > 1):  # after their fiches
            run.apply(pack, outcome)
        run.result.rendered = len(todo) - (len(run.result.failures) - before)  # a failed one is said as failed
        run.remove_orphans({path.name for path in run.result.written + run.result.unchanged})
    finally:
        run.save(mine)
