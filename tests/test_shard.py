"""build --shard K/N: N runners of a CI matrix build the tree between them, byte for byte as one build does."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import DATA, SOURCES, cli
from test_build_ci import build, environ, hashes, make_tree


def tree(root: Path) -> Path:
    """A checkout with four fiches (one draws pictures) and a pack file with a roster, in src/."""
    make_tree(root)
    shutil.copy(DATA / "fiches" / "parcoursup.yaml", root / "src")
    shutil.copy(SOURCES / "pix.yaml", root / "src" / "zz-copie.yaml")
    shutil.copy(DATA / "pack" / "eleves-1reB.csv", root / "src")
    (root / "src" / "classe.pack.yaml").write_text("fiches: [pix, parcoursup]\nroster: eleves-1reB.csv\n")
    return root


def test_shards_union_is_the_full_build_and_checks_up_to_date(tmp_path):
    full = tree(tmp_path / "full")
    assert build(full).returncode == 0
    expected = hashes(full / "build")
    assert "pack-classe.pdf" in expected and len(expected) == 9

    final = tree(tmp_path / "final")  # the final job: a fresh checkout, every artifact downloaded into build/
    gathered = final / "build"
    gathered.mkdir()
    slices = []
    for k in (1, 2, 3):
        runner = tree(tmp_path / f"runner{k}")  # a fresh checkout per runner, as in a CI matrix
        proc = build(runner, "--shard", f"{k}/3")
        assert proc.returncode == 0, proc.stdout + proc.stderr
        out = runner / "build"
        slices.append(set(hashes(out)))
        manifests = sorted(p.name for p in out.glob(".*.json"))
        assert manifests == [f".worksheet-gen.shard-{k}-of-3.json"]
        again = build(runner, "--shard", f"{k}/3")  # its own manifest: up to date
        assert again.returncode == 0 and " 0 rendered" in again.stdout
        for p in out.iterdir():
            shutil.copy(p, gathered / p.name)  # the final job downloads every artifact into one folder
    assert all(slices) and sum(map(len, slices)) == len(expected)  # disjoint, none empty
    assert hashes(gathered) == expected

    check = build(final, "--check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "5 rendered; 0 PDFs out of date" in check.stdout  # --check renders every source and compares bytes

    # A whole build there takes the shards' manifests in, leaves every PDF alone and keeps one manifest.
    rebuilt = build(final)
    assert rebuilt.returncode == 0 and "0 PDFs written" in rebuilt.stdout
    assert sorted(p.name for p in gathered.glob(".*.json")) == [".worksheet-gen.json"]
    assert len(json.loads((gathered / ".worksheet-gen.json").read_text())["entries"]) == 5
    assert hashes(gathered) == expected


def test_shard_slices_are_stable_and_by_path(tmp_path):
    from worksheet_gen.sources import in_shard

    paths = [Path(f"src/{name}.yaml") for name in ("b", "a", "d", "c", "e")]
    slices = [in_shard(paths, (k, 2)) for k in (1, 2)]
    assert slices == [[Path("src/a.yaml"), Path("src/c.yaml"), Path("src/e.yaml")],
                      [Path("src/b.yaml"), Path("src/d.yaml")]]
    assert [in_shard(list(reversed(paths)), (k, 2)) for k in (1, 2)] == slices  # whatever order they were found in


def test_a_clash_fails_in_the_shard_that_builds_it_as_in_one_build(tmp_path):
    root = make_tree(tmp_path)
    shutil.copy(SOURCES / "pix.yaml", root / "src" / "Pix.yaml")  # the same PDFs as pix.yaml on Windows and macOS
    full = build(root)
    failed = [k for k in (1, 2, 3) if build(root, "--shard", f"{k}/3", "--out", f"s{k}").returncode]
    assert full.returncode == 1 and len(failed) == 1
    assert "src/pix.yaml:1:1: error: it would write" in full.stdout + full.stderr


@pytest.mark.parametrize("value", ["0/3", "4/3", "1/0", "a/b", "3", "1/3/2", "-1/3"])
def test_bad_shard_is_a_usage_error(tmp_path, value):
    proc = build(make_tree(tmp_path, pix=False), "--shard", value)
    assert proc.returncode == 2 and "--shard" in proc.stderr and "Traceback" not in proc.stderr


def test_the_matrix_recipe_in_the_docs_builds_and_checks_the_union(tmp_path):
    from test_build_ci import _commands, _doc_blocks

    github, gitlab = _doc_blocks()[2:4]
    matrix = github["jobs"]["build"]["strategy"]["matrix"]["shard"]
    upload = github["jobs"]["build"]["steps"][-1]
    assert upload["with"]["include-hidden-files"] is True and upload["with"]["path"] == "build/"
    download = next(s for s in github["jobs"]["check"]["steps"] if "download-artifact" in s.get("uses", ""))
    assert download["with"] == {"pattern": "fiches-*", "merge-multiple": True, "path": "build"}
    assert github["jobs"]["check"]["needs"] == "build"
    def checkout(root: Path) -> Path:  # laid out as the README says: sources/
        tree(root)
        (root / "src").rename(root / "sources")
        return root

    final = checkout(tmp_path / "final")
    for shard in matrix:  # each runner: a checkout of its own, its command as the recipe writes it
        runner = checkout(tmp_path / f"runner{shard}")
        for command in _commands(github["jobs"]["build"]):
            command = command.replace("${{ matrix.shard }}", str(shard)).replace("--format github", "")
            proc = cli(*command.split()[1:], cwd=runner, env=environ())
            assert proc.returncode == 0, (command, proc.stdout, proc.stderr)
        shutil.copytree(runner / "build", final / "build", dirs_exist_ok=True)
    for command in _commands(github["jobs"]["check"]):
        proc = cli(*command.split()[1:], cwd=final, env=environ())
        assert proc.returncode == 0 and "0 PDFs out of date" in proc.stdout, (command, proc.stdout, proc.stderr)
    assert _commands(gitlab) == ["worksheet-gen build --shard $CI_NODE_INDEX/$CI_NODE_TOTAL",
                                 "worksheet-gen build --check"]
