"""Atomic output: every file the tool writes appears whole or not at all.

Contract: `write_text(path, text)` writes `text` (UTF-8; `write_bytes(path, data)` the bytes
`data`) to a private temporary file in the target's own folder, flushes it to disk and renames it
over `path` in one step; when anything fails on the way (a full disk, a file-size limit, an
interrupt) the temporary file is removed and the error (an `OSError`) is raised for the caller
to report in Dutch: no half-written file and no stray temporary is left, and an older file at
`path` is untouched. A target that exists
but is no regular file or folder (a device such as /dev/null, a pipe) is refused (`NotAFile`),
never replaced. `publish(temp, target)` puts a temporary file or folder that a caller wrote
itself (batch output, in chunks) in place the same way, with the permissions a new file of the
user gets.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

__all__ = ["NotAFile", "publish", "refuse_special", "temporary_beside", "write_bytes", "write_text"]


class NotAFile(OSError):
    """The target exists and is no regular file (a device such as /dev/null, a pipe): writing a
    file in its place would replace it, so the write is refused; `dsl.errors.os_problem` says so."""

    dutch = "dit is geen gewoon bestand (een apparaat of pijp); kies een bestandsnaam"


def refuse_special(target: Path) -> None:
    """NotAFile when `target` exists and is neither a regular file nor a folder."""
    if target.exists() and not target.is_file() and not target.is_dir():
        raise NotAFile(str(target))


def temporary_beside(target: Path, *, folder: bool = False) -> Path:
    """A new private temporary file (or folder) next to `target`, named after it and hidden."""
    if folder:
        return Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    return Path(name)


def publish(temp: Path, target: Path) -> None:
    """Put a fully written file or folder in place: the permissions any new file of the user
    gets (mkstemp and mkdtemp make them private), then one rename (an old target is replaced)."""
    refuse_special(target)
    umask = os.umask(0)
    os.umask(umask)
    if temp.is_dir():
        os.chmod(temp, 0o777 & ~umask)
        for part in temp.iterdir():
            os.chmod(part, 0o666 & ~umask)
        if target.is_dir():
            shutil.rmtree(target)
    else:
        os.chmod(temp, 0o666 & ~umask)
    os.replace(temp, target)


def write_text(path: str | os.PathLike, text: str) -> Path:
    """Write `text` to `path` atomically (see the module contract); returns the path."""
    return write_bytes(path, text.encode("utf-8"))


def write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write `data` to `path` atomically (see the module contract); returns the path."""
    target = Path(path)
    if target.is_dir():
        raise IsADirectoryError(21, "Is a directory", str(target))
    refuse_special(target)
    temp = temporary_beside(target)
    try:
        with temp.open("wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        publish(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return target
