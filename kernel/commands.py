"""The `beleid kernel` subcommand, added to the core command line through the
`beleidstaal.opdrachten` entry point (so `dsl.cli` never imports the notebook package)."""

from __future__ import annotations


def register(sub, command) -> None:
    """Add `beleid kernel install [--user | --sys-prefix | --prefix MAP]`."""
    kern = command(sub, "kernel", "installeer de Jupyter-kernel voor Beleidstaal",
                   "Registreer de Beleidstaal-kernel bij Jupyter.")
    kern.add_argument("actie", choices=["install"], metavar="install", help="registreer de kernelspec")
    where = kern.add_mutually_exclusive_group()
    where.add_argument("--user", action="store_true", help="voor deze gebruiker (standaard)")
    where.add_argument("--sys-prefix", action="store_true", help="in de huidige (virtuele) omgeving")
    kern.add_argument("--prefix", metavar="MAP", help="onder een eigen prefix")
    kern.set_defaults(handler=run)


def run(args) -> int:
    from kernel.install import install

    return install(user=not (args.sys_prefix or args.prefix), sys_prefix=args.sys_prefix, prefix=args.prefix)
