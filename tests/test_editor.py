"""A real editor's view of a fiche: yaml-language-server (the language server of VS Code's YAML extension,
from npm) driven over stdio on a fiche made by `worksheet-gen new`, found through its modeline.

It reports nothing on the new fiche; on a broken copy, one problem at the line and column the command
line gives; on a new block it offers each kind of block once, described in French. It also reads YAML
scalars as tests/yaml12.py does, which the agreement test (test_agreement.py) relies on.
"""

from __future__ import annotations

import json
import re
import subprocess

import pytest

import yaml12
from conftest import cli, need, node_package
from lsp import Server
from worksheet_gen.spec import BLOCKS

SETTINGS = {"yaml": {"validate": True, "completion": True, "hover": True, "format": {"enable": False},
                     "schemaStore": {"enable": False}, "yamlVersion": "1.2"}}


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A folder where `worksheet-gen new essai` was run, and a broken copy of the fiche."""
    root = tmp_path_factory.mktemp("editor")
    cli("new", "essai", cwd=root, check=True)
    sources = root / "sources"
    text = (sources / "essai.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=fiche.schema.json\n")
    (sources / "casse.yaml").write_text(text.replace("lines: 3 ", "lignes: 3"), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def server(project):
    node = need("node")
    binary = node_package("yaml-language-server") / "bin" / "yaml-language-server"
    lsp = Server([node, str(binary), "--stdio"], project, SETTINGS)
    yield lsp
    lsp.close()


def test_the_new_fiche_has_no_problem(project, server):
    uri = server.open(project / "sources" / "essai.yaml")
    assert server.diagnostics_of(uri) == []


def test_a_broken_fiche_has_one_problem_where_the_command_line_says(project, server):
    proc = cli("check", "sources/casse.yaml", cwd=project)
    (line, col), = [tuple(map(int, m.groups())) for m in re.finditer(r"casse\.yaml:(\d+):(\d+): error", proc.stderr)]
    uri = server.open(project / "sources" / "casse.yaml")
    (problem,) = server.diagnostics_of(uri)
    start = problem["range"]["start"]
    assert (start["line"] + 1, start["character"] + 1) == (line, col)
    assert "lignes" in problem["message"]


def test_a_new_block_offers_each_kind_once_in_french(project, server):
    path = project / "sources" / "essai.yaml"
    text = path.read_text(encoding="utf-8")
    head, tail = text.split("      - callout:", 1)
    doc = head + "      - \n      - callout:" + tail
    uri = server.open(path.with_name("nouveau.yaml"), doc)
    line = head.count("\n")
    items = server.complete(uri, line, len("      - "))
    labels = [item["label"] for item in items]
    assert sorted(labels) == sorted(BLOCKS)
    docs = {item["label"]: json.dumps(item.get("documentation", ""), ensure_ascii=False) for item in items}
    assert "question numérotée" in docs["question"] and "Exemple" in docs["question"]


def test_a_question_offers_the_keys_of_its_kind(project, server):
    path = project / "sources" / "essai.yaml"
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("        answer: free")) + 1
    doc = "".join(lines[:at] + ["        \n"] + lines[at:])
    uri = server.open(path.with_name("ouinon.yaml"), doc)
    line = at
    labels = {item["label"] for item in server.complete(uri, line, 8)}
    assert "inline" in labels and "explain" in labels
    assert "options" not in labels and "answer" not in labels  # a yes/no question has fixed options


def test_the_editor_reads_scalars_as_the_agreement_test_does():
    node = need("node")
    yaml_js = node_package("yaml")
    scalars = ["3", "3.0", "03", "+3", "-0", "0x1F", "0o7", "1e1", ".5", "3.", ".nan", ".inf", "-.inf", "1_0",
               "0b11", "2024-01-01", "12:30", "true", "True", "tRue", "yes", "oui", "~", "null", "NULL", "", "'3'"]
    text = "".join(f"k{i}: {s}\n" for i, s in enumerate(scalars))
    script = ("const Y = require(process.argv[1]); const d = Y.parse(process.argv[2], {version: '1.2'});"
              "for (const k in d) { if (typeof d[k] === 'number' && !isFinite(d[k])) d[k] = String(d[k]); }"
              "process.stdout.write(JSON.stringify(d));")
    seen = json.loads(subprocess.run([node, "-e", script, str(yaml_js), text], capture_output=True, text=True,
                                     check=True).stdout)
    mine = yaml12.load(text)
    for key, value in mine.items():
        if isinstance(value, float) and value != value:
            value = "NaN"
        elif value in (float("inf"), float("-inf")):
            value = "Infinity" if value > 0 else "-Infinity"
        assert seen[key] == value and type(seen[key]) is type(value) or (
            isinstance(value, (int, float)) and not isinstance(value, bool) and seen[key] == value), (key, value)
