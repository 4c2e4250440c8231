"""Ctrl-C during an analysis always stops it: no interrupt is lost, wherever it lands.

Contract: `with interruptible(): ...` around an analysis (the consistency check, a diff) makes
every Ctrl-C (SIGINT, the kernel's interrupt, `_thread.interrupt_main`) that arrives inside it
end it with a `KeyboardInterrupt`; `raise_if_interrupted()` is called by `dsl.analysis.smt.check`
after every z3 check. Importing this module switches off z3's own Ctrl-C handling (`ctrl_c`).

Why: an interrupt was lost in about one run in five of a kernel's `controleer` (the check then
ran on for as long as its search budget allowed), in two ways, both reproduced with a loop of
small z3 checks and an outside SIGINT:
  - z3 puts its own C handler on SIGINT while it checks; it cancels the check, but when the
    check had just finished it answers `sat`/`unsat` as usual and the interrupt is gone (Python's
    handler never ran);
  - Python raises the KeyboardInterrupt in whatever Python code runs next, which is often the
    `__del__` of a z3 object (every z3 term frees itself through the C API); an exception in
    `__del__` is printed as "Exception ignored" and dropped.
So SIGINT stays with Python (z3's `ctrl_c` off: a running check ends first; the slowest single
check of the shipped policies took 0.09 s), and inside `interruptible()` the handler also
remembers the interrupt, so that the next check (or the end of the block) raises it again when
a destructor swallowed it. A handler installed before (Python's own, or PySpark's, which cancels
the cluster's jobs and then raises KeyboardInterrupt) still runs first and is put back at the end.
Outside the main thread, or when SIGINT is ignored or not handled in Python, `interruptible()`
changes nothing.
A third way was seen in a kernel under load: the KeyboardInterrupt was raised while ctypes
converted an argument of a z3 call, and ctypes made it an `ArgumentError` (shown as "interne
fout" instead of "onderbroken"). So an error that leaves the block after an interrupt arrived is
raised as that interrupt.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator

import z3

z3.set_param("ctrl_c", False)

_pending = False   # an interrupt arrived inside `interruptible()` and has not been raised since


class _Remembering:
    """A SIGINT handler that remembers the interrupt, then lets `previous` handle it; it raises
    KeyboardInterrupt itself when `previous` returns."""

    def __init__(self, previous: Callable) -> None:
        self.previous = previous

    def __call__(self, signum, frame) -> None:
        global _pending
        _pending = True
        self.previous(signum, frame)
        raise KeyboardInterrupt


def raise_if_interrupted() -> None:
    """Raise the KeyboardInterrupt of an interrupt that arrived but was swallowed."""
    global _pending
    if _pending:
        _pending = False
        raise KeyboardInterrupt


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """See the module docstring; nested blocks are one block."""
    global _pending
    previous = signal.getsignal(signal.SIGINT) if threading.current_thread() is threading.main_thread() else None
    if not callable(previous) or isinstance(previous, _Remembering):
        yield
        return
    _pending = False
    signal.signal(signal.SIGINT, _Remembering(previous))
    try:
        yield
        raise_if_interrupted()
    except Exception as err:
        if _pending:   # the interrupt came out as another error (ctypes: an ArgumentError)
            raise KeyboardInterrupt from err
        raise
    finally:
        signal.signal(signal.SIGINT, previous)
        _pending = False
