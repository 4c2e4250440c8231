"""The user's own cache folder, and files in it that nobody else can have written.

Contract: `private_folder(*parts)` is `$XDG_CACHE_HOME/beleidstaal/<parts>` (by default under
`~/.cache`), made with mode 0700 where it is missing, or None when it cannot be made or cannot be
trusted: not a folder (a link, say), not owned by this user, or writable by others.
`read_private(path)` gives the bytes of a file in such a folder, or None when it is missing, is no
regular file, is not the user's own or is writable by others. Files are written there with
`dsl.atomic.write_bytes`.

Why: what is kept here may be read with pickle (Lark's parser tables, `dsl.vocabulary`), and
unpickling runs code. A cache in the shared temporary folder under a name anyone can work out
(as Lark's own `cache=` option makes it) could be put there first by any user of the machine; the
next `beleid` run would then load it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

__all__ = ["private_folder", "read_private", "user_cache"]


def _trusted(info: os.stat_result) -> bool:
    """Owned by this user and writable by nobody else (where the system knows owners)."""
    uid = getattr(os, "getuid", None)
    return (uid is None or info.st_uid == uid()) and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def user_cache() -> Path:
    """`$XDG_CACHE_HOME/beleidstaal`, by default `~/.cache/beleidstaal` (RuntimeError without a home)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache", "beleidstaal")


def private_folder(*parts: str) -> Path | None:
    """The folder `parts` in the user's cache, made if missing, or None (see the module contract)."""
    try:
        folder = user_cache().joinpath(*parts)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.lstat()
    except (OSError, RuntimeError):   # RuntimeError: no home folder to be found
        return None
    return folder if stat.S_ISDIR(info.st_mode) and _trusted(info) else None


def read_private(path: Path) -> bytes | None:
    """The bytes of the user's own file at `path`, or None (see the module contract)."""
    try:
        with open(path, "rb") as stream:
            info = os.fstat(stream.fileno())
            if not stat.S_ISREG(info.st_mode) or not _trusted(info):
                return None
            return stream.read()
    except OSError:
        return None
