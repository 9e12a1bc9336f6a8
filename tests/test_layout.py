"""The package's layout: no import cycle between its modules, and stages in their order."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "enrich"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The enrich modules ``path`` imports when it is loaded (not under TYPE_CHECKING)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in tree.body:  # module level only: imports inside functions run later
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name in modules}


def _graph() -> dict[str, set[str]]:
    paths = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    modules = set(paths)
    return {name: _imports(path, modules) - {name} for name, path in paths.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def _package_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "enrich"


def test_no_import_cycle_between_modules() -> None:
    """No module of enrich imports, directly or not, a module that imports it back."""
    graph = _graph()
    # a package's __init__ importing its own modules is not a cycle of the modules
    modules = {
        name: {
            dep for dep in deps if not (dep.count(".") < name.count(".") and name.startswith(dep))
        }
        for name, deps in graph.items()
    }
    assert _cycle(modules) is None, _cycle(modules)


def test_stages_import_only_earlier_stages() -> None:
    """extract and entrez know nothing of audit, report or run; audit nothing of report or
    run; report nothing of run: the folder list reads as the pipeline."""
    later = {
        "extract": {"entrez", "audit", "report", "run", "cli"},
        "entrez": {"extract", "audit", "report", "run", "cli"},
        "audit": {"report", "run", "cli"},
        "report": {"run", "cli"},
        "run": {"cli"},
    }
    for module, deps in _graph().items():
        forbidden = later.get(_package_of(module), set())
        wrong = sorted(dep for dep in deps if _package_of(dep) in forbidden)
        assert not wrong, f"{module} imports {wrong}"
