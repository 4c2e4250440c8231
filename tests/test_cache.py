"""The grammar's cached tables live in the user's own cache folder (dsl.cache), and a file anyone
else could have written there, or in the shared temporary folder, is never unpickled."""

from __future__ import annotations

import hashlib
import os
import pickle
import subprocess
import sys
from pathlib import Path

import lark

from dsl.vocabulary import GRAMMAR_PATH

ROOT = Path(__file__).resolve().parent.parent
LOAD = ("from dsl.parser import parse; "
        "print(type(parse('beleid \"x\"\\ngegevens\\n  a : aantal\\n')).__name__)")


class _Planted:
    """Unpickled, it creates the file `marker` (what a planted cache could do, harmlessly)."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def _run(cache: Path, temp: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, XDG_CACHE_HOME=str(cache), TMPDIR=str(temp))
    return subprocess.run([sys.executable, "-c", LOAD], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)


def _cached_file(cache: Path) -> Path:
    [path] = (cache / "beleidstaal" / "grammatica").iterdir()
    return path


def test_the_tables_are_kept_in_a_folder_of_the_user_alone_and_read_on_the_next_start(tmp_path):
    cache, temp = tmp_path / "cache", tmp_path / "tmp"
    temp.mkdir()
    first = _run(cache, temp)
    assert first.returncode == 0 and first.stdout.strip() == "Policy", first.stderr
    path = _cached_file(cache)
    assert oct(path.parent.stat().st_mode & 0o777) == "0o700"
    assert path.stat().st_mode & 0o022 == 0
    written = path.stat().st_mtime_ns
    second = _run(cache, temp)
    assert second.returncode == 0 and second.stdout.strip() == "Policy", second.stderr
    assert path.stat().st_mtime_ns == written and [p.name for p in path.parent.iterdir()] == [path.name]
    assert list(temp.iterdir()) == []   # nothing in the shared temporary folder


def test_a_planted_cache_is_never_unpickled(tmp_path):
    cache, temp = tmp_path / "cache", tmp_path / "tmp"
    temp.mkdir()
    assert _run(cache, temp).returncode == 0
    path = _cached_file(cache)
    marker = tmp_path / "uitgevoerd"
    planted = pickle.dumps(_Planted(marker))

    # 1. where the tables were kept before: the shared temporary folder, under a name anyone can work out
    grammar = GRAMMAR_PATH.read_text(encoding="utf-8")
    digest = hashlib.sha256((grammar + lark.__version__).encode()).hexdigest()[:16]
    (temp / f"beleidstaal-grammar-{digest}.cache").write_bytes(b"x\n" + planted)
    # 2. the user's own cache file, made writable by others
    path.write_bytes(planted)
    path.chmod(0o666)
    done = _run(cache, temp)
    assert done.returncode == 0 and done.stdout.strip() == "Policy", done.stderr
    assert path.read_bytes() != planted   # made again, by the user
    # 3. a cache folder others may write in
    path.write_bytes(planted)
    path.chmod(0o644)
    path.parent.chmod(0o777)
    done = _run(cache, temp)
    assert done.returncode == 0 and done.stdout.strip() == "Policy", done.stderr
    assert not marker.exists()
    assert path.read_bytes() == planted   # an untrusted folder is not written in either
