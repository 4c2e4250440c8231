"""An interrupt during an analysis is never lost (dsl.analysis.interrupts): not when Python raises
it inside a destructor, which drops it, and not to z3's own Ctrl-C handler."""

from __future__ import annotations

import _thread
import ctypes
import signal
import sys

import pytest
import z3

from dsl.analysis.interrupts import interruptible, raise_if_interrupted


class SwallowsTheInterrupt:
    """An object whose `__del__` runs while the interrupt is delivered, as a z3 term's does."""

    def __del__(self):
        _thread.interrupt_main()   # the KeyboardInterrupt is raised in here: Python prints and drops it
        sum(range(1000))


@pytest.fixture(autouse=True)
def _python_handles_ctrl_c(python_handles_ctrl_c):
    """Every test here runs under Python's own SIGINT handler (`tests.conftest.python_handles_ctrl_c`)."""


@pytest.fixture
def dropped(monkeypatch) -> list:
    """The exceptions Python drops (sys.unraisablehook), by type name."""
    seen: list = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: seen.append(u.exc_type.__name__))
    return seen


def _swallowed() -> None:
    SwallowsTheInterrupt()   # made and freed at once


def test_without_the_block_a_swallowed_interrupt_is_gone(dropped):
    _swallowed()
    assert dropped == ["KeyboardInterrupt"]   # "Exception ignored in ... __del__"
    raise_if_interrupted()   # nothing remembered: it is lost


def test_an_interrupt_swallowed_by_a_destructor_is_raised_at_the_next_check(dropped):
    x = z3.Int("x")
    checked = []
    with pytest.raises(KeyboardInterrupt), interruptible():
        _swallowed()
        solver = z3.Solver()
        solver.add(x > 1)
        checked.append(solver.check())
        raise_if_interrupted()   # what dsl.analysis.smt.check does after every check
        checked.append("verder")
    assert checked == [z3.sat]
    assert dropped == ["KeyboardInterrupt"]


def test_an_interrupt_swallowed_after_the_last_check_is_raised_at_the_end_of_the_block(dropped):
    with pytest.raises(KeyboardInterrupt), interruptible():
        _swallowed()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_an_interrupt_that_was_raised_is_not_raised_again_in_the_next_analysis():
    with pytest.raises(KeyboardInterrupt), interruptible():
        _thread.interrupt_main()
        sum(range(1000))
    with interruptible():
        raise_if_interrupted()
    raise_if_interrupted()


def test_z3_leaves_sigint_to_python():
    assert z3.get_param("ctrl_c") == "false"


def test_a_handler_installed_before_still_runs_and_the_swallowed_interrupt_is_not_lost(dropped):
    """PySpark puts its own SIGINT handler in place (it cancels the cluster's jobs, then raises
    KeyboardInterrupt): inside the block an interrupt swallowed by a destructor is still raised, the
    earlier handler is called, and it is in place again afterwards. (The block used to change
    nothing under another handler than Python's: a kernel that had used Spark lost about one
    Ctrl-C of `controleer` in five.)"""
    cancelled = []

    def like_pyspark(signum, frame):
        cancelled.append(signum)
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, like_pyspark)
    with pytest.raises(KeyboardInterrupt), interruptible():
        _swallowed()
    assert cancelled == [signal.SIGINT] and dropped == ["KeyboardInterrupt"]
    assert signal.getsignal(signal.SIGINT) is like_pyspark
    with interruptible():   # nothing pending from before
        raise_if_interrupted()


def test_an_ignored_sigint_stays_ignored():
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with interruptible():
        assert signal.getsignal(signal.SIGINT) == signal.SIG_IGN


class _InterruptedWhileConverted:
    """A ctypes argument type whose conversion is where the interrupt lands, as it can in a z3 call
    (z3's arguments are converted by Python code): ctypes turns the KeyboardInterrupt raised there
    into an `ArgumentError`."""

    @classmethod
    def from_param(cls, value):
        _thread.interrupt_main()
        sum(range(1000))
        return value


def _converted_call() -> None:
    labs = ctypes.CDLL(None).labs
    labs.argtypes = [_InterruptedWhileConverted]
    labs(-1)


def test_an_interrupt_that_ctypes_turned_into_another_error_is_still_an_interrupt():
    """Seen in a kernel under load: Ctrl-C during `controleer` ended as "interne fout in de kernel
    (ArgumentError: argument 1: KeyboardInterrupt)" instead of "onderbroken"."""
    with pytest.raises(ctypes.ArgumentError, match="KeyboardInterrupt"):
        _converted_call()   # outside the block the error is what ctypes makes of it
    with pytest.raises(KeyboardInterrupt) as raised, interruptible():
        _converted_call()
    assert isinstance(raised.value.__cause__, ctypes.ArgumentError)
    with interruptible():   # nothing pending from before
        raise_if_interrupted()
    with pytest.raises(ValueError), interruptible():   # another error, without an interrupt, stays itself
        raise ValueError("geen onderbreking")
