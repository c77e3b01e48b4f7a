"""The user cache (fonts, QR codes, hyphenation): the same PDF bytes with it, without it, cold or warm, and
whatever was done to its files (damaged, forged, another user's) or to its secret; and the checks that tell
the day a reportlab release makes it wrong."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import random
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SOURCES, cli

PIX = SOURCES / "pix.yaml"


# `worksheet-gen` without the parsed faces the package ships: every face parsed, or read from the user cache.
UNSHIPPED = ("import runpy, sys; from pathlib import Path; from worksheet_gen import shippedfaces; "
             "shippedfaces.FOLDER = Path('/nowhere/parsed'); sys.argv[0] = 'worksheet-gen'; "
             "runpy.run_module('worksheet_gen', run_name='__main__', alter_sys=True)")


def build(tmp_path: Path, cache: Path | str, name: str, *args: str, data: Path | None = None,
          shipped: bool = False) -> dict[str, bytes]:
    """Build the Pix fiche into a new folder with that cache (and that user data folder, where the cache's secret
    is: the session's unless given), without the shipped faces unless asked (the faces then go through the user
    cache); the PDFs' bytes by name."""
    out = tmp_path / name
    env = {**os.environ, "WORKSHEET_GEN_CACHE": str(cache), **({"XDG_DATA_HOME": str(data)} if data else {})}
    if shipped:
        proc = cli("build", str(PIX), "--out", str(out), *args, check=True, env=env)
    else:
        proc = subprocess.run([sys.executable, "-c", UNSHIPPED, "build", str(PIX), "--out", str(out), *args],
                              cwd=ROOT, capture_output=True, text=True, env=env, timeout=300)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stderr == "", proc.stderr
    return {p.name: p.read_bytes() for p in sorted(out.glob("*.pdf"))}


def key_of(data: Path | None = None) -> Path:
    """The cache's secret of the user whose data folder is data (the session's user when None)."""
    from worksheet_gen import cache

    old = os.environ.get("XDG_DATA_HOME")
    os.environ["XDG_DATA_HOME"] = str(data or old)
    try:
        return cache.key_path()
    finally:
        os.environ["XDG_DATA_HOME"] = old


def body(path: Path) -> bytes:
    """A cache file's content below its first line (the MAC): JSON, or for a .bin file a line of JSON and bytes."""
    return path.read_bytes().partition(b"\n")[2]


def head(path: Path) -> dict:
    """The JSON of a cache file, below its MAC (and above the bytes of a .bin file)."""
    return json.loads(body(path).partition(b"\n")[0])


def signed(path: Path, secret: bytes) -> bool:
    """Whether a cache file's first line is the HMAC-SHA256 of the rest under secret (computed here, not by the tool)."""
    mac, _, rest = path.read_bytes().partition(b"\n")
    return hmac.compare_digest(mac, hmac.new(secret, rest, hashlib.sha256).hexdigest().encode())


def sign(body_: bytes, secret: bytes) -> bytes:
    return hmac.new(secret, body_, hashlib.sha256).hexdigest().encode() + b"\n" + body_


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict[str, bytes]:
    """The Pix PDFs built with no cache at all."""
    return build(tmp_path_factory.mktemp("nocache"), "off", "out")


def test_same_bytes_without_cache_cold_and_warm(tmp_path, reference):
    folder = tmp_path / "cache"
    assert len(reference) == 2
    assert build(tmp_path, folder, "cold") == reference
    kinds = sorted({p.name.split("-")[0] for p in folder.iterdir()})
    assert kinds == ["hyphens", "qr", "regex", "sha256", "ttf"]  # the cold build filled it
    secret = key_of().read_bytes()
    assert len(secret) == 32 and stat.S_IMODE(key_of().stat().st_mode) == 0o600
    assert not key_of().is_relative_to(folder)  # a copied cache folder does not bring its secret
    # a MAC, then plain JSON (and arrays of numbers: a face's metrics, patterns' programs, which _sre checks before
    # it runs them): no Python code, nothing pickled
    for path in folder.iterdir():
        assert signed(path, secret)
        assert path.suffix == (".bin" if path.name.startswith(("ttf-", "regex-")) else ".json")
        assert isinstance(head(path), dict) and (path.suffix == ".bin" or json.loads(body(path)) == head(path))
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert build(tmp_path, folder, "warm") == reference
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == before  # read, not written again


def test_adapted_profile_same_bytes_with_cache(tmp_path):
    """The dys profile's font (Andika) goes through the cache too."""
    off = build(tmp_path, "off", "off", "--profile", "dys")
    folder = tmp_path / "cache"
    assert build(tmp_path, folder, "cold", "--profile", "dys") == off
    assert build(tmp_path, folder, "warm", "--profile", "dys") == off


def _damage(path: Path, how: str, tmp_path: Path) -> None:
    data = path.read_bytes()
    if how == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif how == "garbage":
        path.write_bytes(bytes(random.Random(path.name).randrange(256) for _ in range(4000)))
    elif how == "valid-json-wrong-shape":  # signed with this user's secret: the shape checks must refuse it
        doc = head(path)
        if path.name.startswith("ttf"):  # arrays that lie beyond the bytes
            doc["value"]["charToGlyph"] = {"keys": {"ints": ["h", 0, 10**6]}, "values": {"ints": ["h", 0, 10**6]}}
            path.write_bytes(sign(json.dumps(doc).encode() + b"\n" + bytes(64), key_of().read_bytes()))
        else:
            doc["value"] = [[1, 2], "x"]
            path.write_bytes(sign(json.dumps(doc).encode(), key_of().read_bytes()))
    elif how == "another-key":  # a well-formed file of another entry, copied over this one
        other = sorted(p for p in path.parent.iterdir() if p.name.split("-")[0] == path.name.split("-")[0]
                       and p != path)
        path.write_bytes(other[0].read_bytes() if other else b"{}")
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "folder":
        path.unlink()
        path.mkdir()
    elif how == "link-to-device":
        path.unlink()
        path.symlink_to("/dev/zero")
    elif how == "link-to-huge":
        huge = tmp_path / "huge.json"
        with open(huge, "wb") as fh:
            fh.truncate(64 * 2**20)  # sparse: larger than any cache file may be
        path.unlink()
        path.symlink_to(huge)
    elif how == "deep-json":
        path.write_text("[" * 100_000 + "]" * 100_000)


@pytest.mark.parametrize("how", ["truncated", "garbage", "valid-json-wrong-shape", "another-key", "empty", "folder",
                                 "link-to-device", "link-to-huge", "deep-json"])
def test_damaged_cache_is_rebuilt_and_bytes_unchanged(tmp_path, reference, how):
    folder = tmp_path / "cache"
    build(tmp_path, folder, "fill")
    for path in sorted(folder.iterdir()):
        _damage(path, how, tmp_path)
    assert build(tmp_path, folder, "after") == reference
    if how != "folder":  # a folder in its place stays; anything else is written anew
        for path in folder.iterdir():
            assert path.is_file() and not path.is_symlink()
            assert signed(path, key_of().read_bytes())
            assert isinstance(head(path)["value"], (dict, list, str))
    assert build(tmp_path, folder, "again") == reference


EVIL = "https://evil.example/p"


def _forged(path: Path) -> bytes:
    """The content of a cache file below its MAC, with its key kept and a value of the right shape that changes the
    PDFs: the QR code of another address, a face whose 3 and 5, O and N swap glyphs, breaks anywhere in every word,
    the hash of the bold face's file that is the regular one's."""
    from types import SimpleNamespace

    import segno

    from worksheet_gen.faceblob import decode_face, encode_face
    from worksheet_gen.fonts import FONT_DIR

    doc, blob = head(path), body(path).partition(b"\n")[2]
    kind = path.name.split("-")[0]
    if kind == "qr":
        made = segno.make_qr(EVIL, error="m", boost_error=True)
        doc["value"] = ["".join("01"[bool(v)] for v in row) for row in made.matrix]
    elif kind == "ttf":
        state = decode_face(doc["value"], memoryview(blob))[0]
        glyphs = state["charToGlyph"]
        for a, b in ("35", "ON"):
            glyphs[ord(a)], glyphs[ord(b)] = glyphs[ord(b)], glyphs[ord(a)]
        made = bytearray()
        doc["value"] = encode_face(SimpleNamespace(**state), made)
        return json.dumps(doc, ensure_ascii=False).encode() + b"\n" + bytes(made)
    elif kind == "sha256":  # the regular face's hash for the bold face's file (the other way round fails the build)
        assert json.loads(doc["key"])["key"]["path"].endswith("Lato-Bold.ttf")
        doc["value"] = hashlib.sha256((FONT_DIR / "Lato-Regular.ttf").read_bytes()).hexdigest()
    else:
        doc["value"] = {word: [[word[:i], word[i:]] for i in range(1, len(word))] for word in doc["value"]}
    return json.dumps(doc, ensure_ascii=False).encode()


@pytest.mark.parametrize("kind", ["qr", "ttf", "hyphens", "sha256"])
@pytest.mark.parametrize("how", ["original-mac", "another-users-secret", "this-users-secret"])
def test_forged_cache_is_ignored(tmp_path, reference, kind, how):
    """A file with the right name, key and shape but another value prints nothing of it unless it carries a MAC
    under this user's secret, which no one else has: the last case shows that each forgery would change the PDFs."""
    folder = tmp_path / "cache"
    build(tmp_path, folder, "fill")
    secret = key_of().read_bytes()
    forged = sorted(p for p in folder.glob(f"{kind}-*") if kind != "sha256" or "Lato-Bold.ttf" in head(p)["key"])
    assert forged
    for path in forged:
        text = _forged(path)
        if how == "original-mac":  # the value changed below the MAC of what was there
            path.write_bytes(path.read_bytes().partition(b"\n")[0] + b"\n" + text)
        else:
            path.write_bytes(sign(text, secret if how == "this-users-secret" else os.urandom(32)))
    after = build(tmp_path, folder, "after")
    if how == "this-users-secret":
        assert after != reference  # the forgery is one that would print
        return
    assert after == reference
    for path in forged:  # written anew, with what the libraries give
        assert signed(path, secret) and body(path) != _forged(path)


def test_cache_folder_of_another_user_is_rebuilt(tmp_path, reference):
    """A cache folder restored or shared from elsewhere comes without the secret it was signed with."""
    folder = tmp_path / "cache"
    build(tmp_path, folder, "fill", data=tmp_path / "alice")
    alice = key_of(tmp_path / "alice").read_bytes()
    assert build(tmp_path, folder, "bob", data=tmp_path / "bob") == reference
    bob = key_of(tmp_path / "bob").read_bytes()
    assert alice != bob
    assert all(signed(p, bob) and not signed(p, alice) for p in folder.iterdir())
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert build(tmp_path, folder, "bob-again", data=tmp_path / "bob") == reference
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == before  # now Bob's: read, not written


def _spoil_key(key: Path, how: str) -> None:
    key.parent.mkdir(parents=True)
    if how == "link":  # even to a good secret
        real = key.parent / "elsewhere"
        real.write_bytes(os.urandom(32))
        real.chmod(0o600)
        key.symlink_to(real)
    elif how == "dangling-link":
        key.symlink_to(key.parent / "nothing")
    elif how == "fifo":
        os.mkfifo(key, 0o600)
    elif how == "folder":
        key.mkdir()
    else:
        key.write_bytes({"empty": b"", "short": os.urandom(31), "long": os.urandom(33)}.get(how, os.urandom(32)))
        key.chmod({"others-may-read": 0o644, "unreadable": 0o000}.get(how, 0o600))


@pytest.mark.parametrize("how", ["link", "dangling-link", "fifo", "folder", "empty", "short", "long",
                                 "others-may-read", "unreadable"])
def test_untrusted_key_turns_cache_off(tmp_path, reference, how):
    """A secret that cannot be trusted is neither used nor replaced: no cache for the run, the same bytes, no
    message, no wait (a pipe is never opened)."""
    data = tmp_path / "data"
    key = key_of(data)
    _spoil_key(key, how)
    before = (os.lstat(key).st_mode, os.readlink(key) if key.is_symlink() else None)
    folder = tmp_path / "cache"
    assert build(tmp_path, folder, "out", data=data) == reference
    assert (os.lstat(key).st_mode, os.readlink(key) if key.is_symlink() else None) == before
    if how == "unreadable" and os.access(key, os.R_OK):  # root reads it all the same: a good secret, then
        assert {p.name.split("-")[0] for p in folder.iterdir()} == {"hyphens", "qr", "regex", "sha256", "ttf"}
    else:
        assert not folder.exists() or not any(folder.iterdir())


def test_secret_inside_the_cache_folder_turns_it_off(tmp_path, reference):
    """WORKSHEET_GEN_CACHE naming the user data folder (or a folder holding it) would put the secret in the
    cache folder, where a copy of the folder would bring it along: no cache then."""
    data = tmp_path / "data"
    for n, folder in enumerate((key_of(data).parent, data)):
        assert build(tmp_path, folder, f"out{n}", data=data) == reference
        assert not data.exists() or not [p for p in data.rglob("*") if p.is_file()]


@pytest.mark.parametrize("links", [True, False])
def test_secret_made_once_and_kept(tmp_path, monkeypatch, links):
    """The first use makes the secret (32 random bytes, 0600, by a hard link of a finished file, or in place where
    the file system has no hard links); later uses, in this process or another, read the same."""
    from worksheet_gen import cache

    monkeypatch.setenv(cache.ENV, str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    if not links:
        def no_link(*_):
            raise PermissionError("no hard links here")
        monkeypatch.setattr(os, "link", no_link)
    cache.reset()
    try:
        assert cache.folder() == tmp_path / "cache"
        key = cache.key_path()
        secret = key.read_bytes()
        assert len(secret) == 32 and stat.S_IMODE(key.stat().st_mode) == 0o600
        assert [p.name for p in key.parent.iterdir()] == ["cache.key"]  # no temporary file left
        cache.store("qr", "x", ["1"])
        assert cache.load("qr", "x", list) == ["1"]
        cache.reset()
        assert cache.folder() is not None and key.read_bytes() == secret
        assert cache.load("qr", "x", list) == ["1"]
    finally:
        cache.reset()


def test_unusable_cache_folder_never_fails_a_build(tmp_path, reference):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert build(tmp_path, blocker, "file") == reference
    assert build(tmp_path, blocker / "below", "below") == reference


def same_font(made, parsed) -> None:
    """A font facecache made is, attribute by attribute, what reportlab's TTFont made: a reportlab release that adds
    or changes an attribute of TTFont or TTFontFace fails here rather than changing a PDF."""
    from worksheet_gen.facecache import LATER

    for name in LATER:  # decoded when first read
        assert getattr(made.face, name) == getattr(parsed.face, name)
    assert vars(made).keys() == vars(parsed).keys()
    for key in ("fontName", "_asciiReadable", "_shapable"):
        assert getattr(made, key) == getattr(parsed, key)
    assert type(made.encoding) is type(parsed.encoding) and vars(made.encoding) == vars(parsed.encoding)
    assert type(made.state) is type(parsed.state) and len(made.state) == 0
    assert isinstance(made.face, type(parsed.face))
    mine, theirs = vars(made.face), vars(parsed.face)
    assert mine.keys() == theirs.keys()
    for key in theirs.keys() - {"_pdfScale"}:
        assert mine[key] == theirs[key] and type(mine[key]) is type(theirs[key]), key
    for x in (0, 1, 2.5, 1000, -7, 123456):
        assert mine["_pdfScale"](x) == theirs["_pdfScale"](x)


def test_face_from_cache_is_the_parsed_face(tmp_path, monkeypatch):
    """What facecache rebuilds from the user cache is what reportlab's parser makes."""
    from reportlab.pdfbase.ttfonts import TTFont

    from worksheet_gen import cache, facecache, shippedfaces
    from worksheet_gen.fonts import FAMILIES, FONT_DIR

    monkeypatch.setenv(cache.ENV, str(tmp_path))
    monkeypatch.setattr(shippedfaces, "FOLDER", tmp_path / "nowhere")
    cache.reset()
    try:
        for name, file in {face for fam in FAMILIES.values() for face in fam.faces}:
            parsed = TTFont(name, str(FONT_DIR / file))
            same_font(facecache.font(name, FONT_DIR / file), parsed)  # parses and stores
            assert any(tmp_path.glob("ttf-*.bin"))
            same_font(facecache.font(name, FONT_DIR / file), parsed)  # from the cache
            assert type(facecache.face(FONT_DIR / file)) is not type(parsed.face)
    finally:
        cache.reset()


def test_qr_from_cache_is_segnos(tmp_path, monkeypatch):
    import segno

    from worksheet_gen import cache, media

    monkeypatch.setenv(cache.ENV, str(tmp_path))
    cache.reset()
    try:
        urls = ["https://pix.fr", "https://www.youtube.com/watch?v=x9C9tK7SU7g", "http://example.org/" + "a" * 90]
        for url in urls:
            for _ in range(2):  # made, then read back
                media.qr_code.cache_clear()
                code = media.qr_code(url)
                made = segno.make_qr(url, error="m", boost_error=True)
                assert list(code.matrix_iter()) == [tuple(r) for r in made.matrix_iter(scale=1, border=4)]
                assert code.symbol_size() == made.symbol_size(scale=1, border=4)[0]
    finally:
        media.qr_code.cache_clear()
        cache.reset()


@pytest.mark.parametrize("value", [[], [[0, 1]], ["0" * 21] * 21 + ["1" * 21], ["2" * 21] * 21, ["0" * 22] * 22,
                                   {"a": 1}, None])
def test_qr_cache_refuses_what_is_not_a_code(value):
    from worksheet_gen.media import _rows

    with pytest.raises(ValueError):
        _rows(value)


@pytest.mark.parametrize("value", [{"maison": [["mai", "sonx"]]}, {"maison": [["", "maison"]]},
                                   {"maison": "mai-son"}, {"maison": [["mai", "son", "x"]]}, [["a", "b"]]])
def test_hyphenation_cache_refuses_what_does_not_split_its_word(value):
    from worksheet_gen.hyphens import _words

    with pytest.raises(ValueError):
        _words(value)


def test_hyphenation_from_cache_is_pyphens(tmp_path, monkeypatch):
    import pyphen

    from worksheet_gen import cache, hyphens

    monkeypatch.setenv(cache.ENV, str(tmp_path))
    cache.reset()
    try:
        words = ["compétences", "orientation", "numérique", "établissement", "a"]
        first = hyphens.Words("fr_FR")
        assert [first.pairs(w) for w in words] == [tuple(pyphen.Pyphen(lang="fr_FR").iterate(w)) for w in words]
        first.save()
        second = hyphens.Words("fr_FR")
        assert [second.pairs(w) for w in words] == [first.pairs(w) for w in words]
        assert second.dic is None  # every word came from the cache
    finally:
        cache.reset()


@pytest.mark.parametrize("bad", [{"ints": ["h", 0, 10**7]}, {"ints": ["x", 0, 1]}, {"ints": ["h", -2, 1]},
                                 {"ints": "AAAA"}, {"lens": ["b", 0, 2], "ints": ["b", 0, 1]}, {"columns": []},
                                 {"name": 3}, {"tuple": "x"}, {"keys": {"list": [1]}, "values": {"list": [1, 2]}},
                                 {"ints": ["b", 0, 4], "floats at": [[9, 1.5]]}, {"ints": ["b", 0, 4], "x": 1}, [1]])
@pytest.mark.parametrize("attribute", ["glyphPos", "charToGlyph", "name"])
def test_face_cache_refuses_what_is_not_a_face(bad, attribute):
    """A well-formed kept face with one attribute spoilt (arrays outside the bytes, unknown types, shapes that do
    not fit) is refused as a whole."""
    from worksheet_gen import shippedfaces
    from worksheet_gen.faceblob import decode_face
    from worksheet_gen.fonts import FONT_DIR

    line, _, blob = shippedfaces.path_of(FONT_DIR / "Lato-Regular.ttf").read_bytes().partition(b"\n")
    value = json.loads(line)["value"]
    decode_face(value, memoryview(blob))  # as shipped: a face
    with pytest.raises((ValueError, TypeError)):
        decode_face({**value, attribute: bad}, memoryview(blob))


def test_a_write_removes_what_killed_builds_left_in_the_cache_folder(tmp_path, monkeypatch):
    """A build killed while it wrote a cache file leaves its temporary file; the next write removes it (only the
    tool's own regular files, of a process that is gone), as a build does in its output folder."""
    from worksheet_gen import cache, output

    folder = tmp_path / "cache"
    folder.mkdir()
    monkeypatch.setenv(cache.ENV, str(folder))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    gone = 2**22 + 4321  # past Linux's largest process number: no process has it
    dead = folder / f".regex-abc.bin.{output.TEMP_TAG}-{gone}-x1y2.tmp"
    alive = folder / f".qr-abc.json.{output.TEMP_TAG}-{os.getpid()}-x1y2.tmp"
    not_ours = folder / f".notes.{output.TEMP_TAG}-{gone}-x1y2.txt"
    a_folder = folder / f".qr-def.json.{output.TEMP_TAG}-{gone}-zz.tmp"
    impossible = folder / f".qr-ghi.json.{output.TEMP_TAG}-{'9' * 20}-zz.tmp"  # no process has such a number
    for path in (dead, alive, not_ours, impossible):
        path.write_bytes(b"half")
    a_folder.mkdir()
    cache.reset()
    try:
        cache.store("test", {"k": 1}, {"v": 2})
        assert cache.load("test", {"k": 1}, lambda v: v) == {"v": 2}
    finally:
        cache.reset()
    assert not dead.exists() and not impossible.exists() and alive.exists() and not_ours.exists()
    assert a_folder.is_dir()


def test_a_full_cache_loses_its_oldest_files_and_nothing_else(tmp_path):
    """A cache holding more files than MAX_FILES (a QR code per web address ever built, for years) is pruned when a
    build writes to it: the oldest written go, down to KEPT_FILES; the newest stay, and so does what is not a cache
    file (another program's file, a link or a folder named like one); the build still makes its PDFs."""
    most, kept = 4000, 3000  # cache.MAX_FILES and cache.KEPT_FILES, as docs/performance.md says
    folder = tmp_path / "cache"
    folder.mkdir()
    over = most + 50
    names = [f"qr-{hashlib.sha256(str(i).encode()).hexdigest()[:40]}.json" for i in range(over)]
    for age, name in enumerate(names):  # names[0] the oldest
        path = folder / name
        path.write_bytes(b"old")
        os.utime(path, ns=(10**18 + age * 10**9, 10**18 + age * 10**9))
    link = folder / f"qr-{'a' * 40}.json"
    link.symlink_to(folder / names[-1])
    os.utime(link, ns=(10**9, 10**9), follow_symlinks=False)  # older than any: still not removed
    other = folder / "notes.json"
    other.write_bytes(b"mine")
    os.utime(other, ns=(10**9, 10**9))
    named_folder = folder / f"qr-{'b' * 40}.bin"
    named_folder.mkdir()
    pdfs = build(tmp_path, folder, "out", shipped=True)
    left = {p.name for p in folder.iterdir()}
    assert link.is_symlink() and other.read_bytes() == b"mine" and named_folder.is_dir()
    assert set(names[-kept + 20:]) <= left  # the newest stay (the build wrote a few of its own)
    assert not set(names[:over - kept]) & left  # the oldest went
    ours = [n for n in left if re.fullmatch(r"[a-z0-9]+-[0-9a-f]{40}\.(json|bin)", n)]
    assert kept <= len(ours) <= kept + 20
    assert pdfs and all(data.startswith(b"%PDF-") for data in pdfs.values())
