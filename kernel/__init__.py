"""Jupyter front end for Beleidstaal: a kernel whose cells are Beleidstaal, and widgets.

Contract: `kernel.kernel.BeleidKernel` is the kernel (`python -m kernel`), `kernel.session`
the cell language, `kernel.widgets` the case form, step-through player, explanation tree,
what-if and timeline views, `kernel.install` registers the kernelspec. `%load_ext kernel`
in a Python notebook adds the `%%beleid` cell magic (see `kernel.magic`). See docs/notebook.md.
"""


def load_ipython_extension(ipython) -> None:
    """`%load_ext kernel`: register the `%%beleid` cell magic."""
    from kernel.magic import load_ipython_extension as load

    load(ipython)
