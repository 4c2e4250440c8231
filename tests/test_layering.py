"""The pipeline's layering holds: each stage imports only stages before it (docs/architectuur.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Stages in pipeline order; a module may import its own stage and the stages before it.
STAGES = [
    ("dsl.span", "dsl.types", "dsl.literals", "dsl.errors", "dsl.atomic", "dsl.cache"),   # and the package `dsl` itself
    ("dsl.ast",),
    ("dsl.parser", "dsl.vocabulary"),
    ("dsl.checker",),
    ("dsl.core",),
    ("dsl.runtime",),
    ("dsl.compiler", "dsl.case"),
    ("dsl.policy", "dsl.examples"),
    ("dsl.explain", "dsl.batch", "dsl.analysis", "dsl.dmn", "dsl.testing.strategies"),   # strategies: cases to search
    ("dsl.testing",),
    ("dsl.cli", "kernel"),
]
# After the checker, only these read the syntax tree (docs/architectuur.md).
SYNTAX_READERS = ("dsl.ast", "dsl.parser", "dsl.checker", "dsl.core.lower", "kernel.compose")


def _stage(module: str) -> int | None:
    if module == "dsl":
        return 0
    for rank, prefixes in enumerate(STAGES):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return rank
    return None


def _modules():
    for folder in ("dsl", "kernel"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "labextension" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            yield name, path


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in found if name.split(".")[0] in ("dsl", "kernel")}


MODULES = list(_modules())


@pytest.mark.parametrize("name, path", MODULES, ids=[m for m, _ in MODULES])
def test_a_stage_imports_only_stages_before_it(name, path):
    own = _stage(name)
    assert own is not None, f"{name} is in no stage of STAGES"
    later = sorted(i for i in _imports(path) if (_stage(i) or 0) > own)
    assert not later, f"{name} imports later stages: {later}"


@pytest.mark.parametrize("name, path", MODULES, ids=[m for m, _ in MODULES])
def test_only_the_front_reads_the_syntax_tree(name, path):
    if name.startswith(SYNTAX_READERS):
        return
    assert "dsl.ast" not in _imports(path), f"{name} reads the syntax tree"


def test_the_core_command_line_does_not_import_the_notebook_package():
    assert not any(i.startswith("kernel") for i in _imports(ROOT / "dsl" / "cli.py"))
