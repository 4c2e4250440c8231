"""The Beleidstaal Jupyter kernel: IPython's kernel whose cells are Beleidstaal.

Contract: `BeleidKernel` is ipykernel's `IPythonKernel` (so comms, widgets, display, history,
execution counts and interrupts are IPython's) with one input transformer: a cell that is not
Python becomes a single call `__beleid__.run_cell(<the cell's text>, ...)` on the kernel's
`Session`. A cell starting with `%%python` is plain Python; any other cell starting with `%`
(an IPython magic) or `!` is left to IPython. Errors are `BeleidError`s whose
`_render_traceback_` gives the Dutch message with the cell line, so no Python traceback is
shown; the session commits a cell only when it succeeds. Completion, inspection and
is_complete for Beleidstaal cells come from `kernel.assist`; for Python cells from IPython.
`kernel_info` advertises no debugger: the debugger steps through Python, not policies.
"""

from __future__ import annotations

import inspect as pyinspect
from importlib.metadata import PackageNotFoundError, version

from ipykernel.ipkernel import IPythonKernel
from traitlets import List
from typing_extensions import override

from kernel import assist
from kernel.cells import COMMANDS
from kernel.session import Session

NAMESPACE_NAME = "__beleid__"
PYTHON_MARKER = "%%python"
try:
    __version__ = version("beleidstaal")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0"

LANGUAGE_INFO: dict[str, object] = {
    "name": "beleidstaal",
    "version": __version__,
    "mimetype": "text/x-beleidstaal",
    "file_extension": ".beleid",
    "pygments_lexer": "beleid",
    "codemirror_mode": "beleidstaal",
    "nbconvert_exporter": "html",
}


def transform_cell(lines: list[str]) -> list[str]:
    """A Beleidstaal cell -> one call on the session; Python and magics unchanged."""
    code = "".join(lines)
    if assist.is_python(code):
        stripped = code.lstrip()
        if stripped.startswith(PYTHON_MARKER):
            _, _, rest = stripped.partition("\n")
            return ["\n", *rest.splitlines(keepends=True)]  # keep the line numbers of the Python
        return lines
    if not code.strip():
        return lines
    return [f"{NAMESPACE_NAME}.run_cell({code!r})\n"]


class CellTransformer:
    """IPython clean-up transformer for the top-level cell only.

    Magics run their own body through `transform_cell` again while the cell executes
    (`%time 1 + 1`, `%%timeit`); that body is Python and must pass unchanged. The shell's
    `pre_execute` / `post_execute` events (fired for every execution, silent ones included,
    after the cell itself was transformed) mark that window.
    """

    def __init__(self):
        self.executing = False

    def __call__(self, lines: list[str]) -> list[str]:
        return lines if self.executing else transform_cell(lines)

    def started(self) -> None:
        self.executing = True

    def finished(self) -> None:
        self.executing = False


class BeleidKernel(IPythonKernel):
    implementation = "beleidstaal"
    implementation_version = __version__
    language_info = LANGUAGE_INFO
    help_links = List([
        {"text": "Beleidstaal in notebooks", "url": "https://github.com/beleidstaal/beleidstaal/blob/main/docs/notebook.md"},
        {"text": "De taal", "url": "https://github.com/beleidstaal/beleidstaal/blob/main/docs/taal.md"},
    ])
    banner = (f"Beleidstaal {__version__} — cellen zijn Beleidstaal; begin een cel met %%python voor Python.\n"
              f"Opdrachten: {', '.join(COMMANDS)}.")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # not `self.session`: that is a kernel trait (the message session)
        self.beleid = Session(display=None)
        shell = self.ipython
        shell.user_ns[NAMESPACE_NAME] = self.beleid
        # first, before IPython's own clean-up dedents the cell and shifts the columns of errors
        self.transformer = CellTransformer()
        shell.input_transformers_cleanup.insert(0, self.transformer)
        shell.events.register("pre_execute", self.transformer.started)
        shell.events.register("post_execute", self.transformer.finished)
        shell.events.register("pre_run_cell", self._before_cell)
        shell.events.register("post_run_cell", self._release_closed_outputs)
        shell.run_line_magic("load_ext", "kernel.magic")

    @property
    def ipython(self):
        """The kernel's IPython shell (ipykernel creates it before `__init__` returns)."""
        if self.shell is None:
            raise RuntimeError("de Beleidstaal-kernel heeft geen IPython-shell")
        return self.shell

    @property
    @override
    def kernel_info(self) -> dict:
        info = super().kernel_info
        info["supported_features"] = [f for f in info.get("supported_features", []) if f != "debugger"]
        info.pop("debugger", None)
        return info

    def _release_closed_outputs(self, result=None) -> None:
        """IPython keeps every result in `Out[N]`, `_N` and `_`; a dashboard closed since (its cell run
        again or deleted) is dropped from there too, so memory stays flat over re-runs."""
        shell = self.ipython
        out = shell.user_ns.get("Out")
        if isinstance(out, dict):
            for key in [k for k, v in out.items() if _closed_widget(v)]:
                del out[key]
        for ns in (shell.user_ns, shell.user_ns_hidden):   # IPython writes `_`, `_7` into both
            for name in ("_", "__", "___"):
                if _closed_widget(ns.get(name)):
                    ns[name] = ""
            for name in [k for k, v in ns.items() if k[:1] == "_" and k[1:].isdigit() and _closed_widget(v)]:
                del ns[name]   # `_7`: the result of cell 7

    def _before_cell(self, info) -> None:
        self.beleid.cell_id = getattr(info, "cell_id", None)
        # IPython counts the cell before this event (since IPython 9): its prompt number is one less
        count = self.ipython.execution_count - (1 if getattr(info, "store_history", True) else 0)
        self.beleid.cell_name = f"cel[{count}]"
        parent = self.get_parent() or {}
        deleted = (parent.get("metadata") or {}).get("deletedCells")
        if deleted:
            self.beleid.forget_cells(deleted)

    @override
    async def do_complete(self, code, cursor_pos):
        if assist.is_python(code):
            return await _maybe(super().do_complete(code, cursor_pos))
        cursor_pos = len(code) if cursor_pos is None else cursor_pos
        found = assist.complete(self.beleid, code, cursor_pos)
        kinds = [{"start": found["cursor_start"], "end": found["cursor_end"], "text": m, "type": t}
                 for m, t in zip(found["matches"], found["types"])]
        return {"status": "ok", "matches": found["matches"], "cursor_start": found["cursor_start"],
                "cursor_end": found["cursor_end"], "metadata": {"_jupyter_types_experimental": kinds}}

    @override
    async def do_inspect(self, code, cursor_pos, detail_level=0, omit_sections=()):
        if assist.is_python(code):
            return await _maybe(super().do_inspect(code, cursor_pos, detail_level, omit_sections))
        text = assist.inspect(self.beleid, code, len(code) if cursor_pos is None else cursor_pos)
        return {"status": "ok", "found": text is not None, "data": {"text/plain": text} if text else {},
                "metadata": {}}

    @override
    async def do_is_complete(self, code):
        if assist.is_python(code):
            return await _maybe(super().do_is_complete(code))
        status, indent = assist.is_complete(code)
        return {"status": status, "indent": indent} if status == "incomplete" else {"status": status}


def _closed_widget(value) -> bool:
    return hasattr(value, "comm") and hasattr(value, "close") and getattr(value, "comm", True) is None


async def _maybe(value):
    return await value if pyinspect.isawaitable(value) else value
