"""IPython extension: the `%%beleid` cell magic, for Beleidstaal cells in Python notebooks.

Contract: `%load_ext kernel.magic` (or `%load_ext kernel`) registers `%%beleid`, which runs its
cell through the same `Session` as the Beleidstaal kernel (one session per IPython shell, kept
in the user namespace as `__beleid__`, so `%%beleid` cells share policy and case). The value of
the last statement is returned, like a kernel cell; errors are Dutch, never a traceback.
`%%python` in the Beleidstaal kernel is the reverse escape and is handled by its transformer;
the magic registered here under that name only runs Python when the transformer is absent.
"""

from __future__ import annotations

from IPython.core.magic import Magics, cell_magic, magics_class

from kernel.session import Session

NAMESPACE_NAME = "__beleid__"


def session_of(shell) -> Session:
    session = shell.user_ns.get(NAMESPACE_NAME)
    if not isinstance(session, Session):
        session = shell.user_ns[NAMESPACE_NAME] = Session()
    return session


@magics_class
class BeleidMagics(Magics):
    @cell_magic
    def beleid(self, line, cell):
        """Run a Beleidstaal cell (laad, casus, evalueer, policy text ...)."""
        return session_of(self.shell).run_cell(cell)

    @cell_magic
    def python(self, line, cell):
        """Run the cell as Python (for `%%python` where the kernel's transformer is not active)."""
        if self.shell is None:
            raise RuntimeError("%%python werkt alleen in een IPython-shell")
        exec(compile(cell, "<python>", "exec"), self.shell.user_ns)  # the user's own code


def load_ipython_extension(ipython) -> None:
    ipython.register_magics(BeleidMagics)
