"""Registering the Beleidstaal kernelspec with Jupyter: `beleid kernel install [--user|--sys-prefix|--prefix P]`.

Contract: `install(user, sys_prefix, prefix)` writes the kernelspec `beleidstaal` (kernel.json
from `kernel/kernelspec/`, with `argv[0]` set to this Python so the kernel runs in the
environment where Beleidstaal is installed) through `KernelSpecManager.install_kernel_spec`,
prints where it went in Dutch and returns the exit code (0, or 1 with a Dutch message when the
folder cannot be written). `--user` is the default.

It also copies the prebuilt JupyterLab extension `beleidstaal-highlight` (syntax highlighting,
built from `kernel/labextension/` into `kernel/labextension_build/`) into
`<data dir>/labextensions/beleidstaal-highlight` of the same location (user: `jupyter_data_dir()`;
sys-prefix: `sys.prefix/share/jupyter`; prefix: `P/share/jupyter`), where JupyterLab finds
prebuilt extensions; so highlighting also works from a source checkout. A wheel ships the same
folder as shared data.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

from dsl.errors import os_problem

KERNEL_NAME = "beleidstaal"
SPEC_DIR = Path(__file__).resolve().parent / "kernelspec"
LABEXTENSION_NAME = "beleidstaal-highlight"
LABEXTENSION_DIR = Path(__file__).resolve().parent / "labextension_build" / LABEXTENSION_NAME


def spec() -> dict:
    """The kernel.json this installation registers."""
    data = json.loads((SPEC_DIR / "kernel.json").read_text(encoding="utf-8"))
    data["argv"][0] = sys.executable
    return data


def install(user: bool = True, sys_prefix: bool = False, prefix: str | None = None) -> int:
    from jupyter_client.kernelspec import KernelSpecManager

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / KERNEL_NAME
        folder.mkdir()
        for extra in SPEC_DIR.iterdir():
            if extra.name != "kernel.json" and extra.is_file():
                shutil.copy(extra, folder / extra.name)
        (folder / "kernel.json").write_text(json.dumps(spec(), indent=2, ensure_ascii=False), encoding="utf-8")
        if sys_prefix:
            prefix = sys.prefix
        try:
            where = KernelSpecManager().install_kernel_spec(str(folder), KERNEL_NAME, user=bool(user and not prefix),
                                                            prefix=prefix)
        except OSError as err:
            print(f"fout: kan de kernelspec niet installeren: {os_problem(err)} ({err.filename})", file=sys.stderr)
            return 1
    print(f"Kernel '{KERNEL_NAME}' geïnstalleerd in {where}")
    if LABEXTENSION_DIR.is_dir():
        # the kernelspec went to <data dir>/kernels/beleidstaal: the extension goes next to it
        target = Path(where).parent.parent / "labextensions" / LABEXTENSION_NAME
        try:
            install_labextension(target)
        except OSError as err:
            print(f"fout: kan de JupyterLab-extensie niet installeren: {os_problem(err)} ({err.filename})",
                  file=sys.stderr)
            return 1
        print(f"Syntaxiskleuring en beslistabellen voor JupyterLab ({LABEXTENSION_NAME}) geïnstalleerd in {target}")
    print("Open JupyterLab met: jupyter lab  (kies daarna de kernel 'Beleidstaal')")
    return 0


def install_labextension(target: Path) -> None:
    """Copy the prebuilt labextension to `target`, replacing an older copy."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(LABEXTENSION_DIR, target)
