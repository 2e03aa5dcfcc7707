"""The package's layout: no import circles, and imports point the way DESIGN §4 draws them.

Every import counts, wherever it is written: at the top, inside a function, or under
`if TYPE_CHECKING:`. A lazy import still ties two modules together for a reader (and for mypy).
"""

from __future__ import annotations

import ast
from pathlib import Path

import retail_stage

PACKAGE = Path(retail_stage.__file__).parent

ABSENT = {"retail_stage.unrolled"}
"""Modules treated as gone: the generated scorer, removed by the engine rewrite (issue 12)."""


def _module_name(path: Path) -> str:
    parts = ["retail_stage", *path.relative_to(PACKAGE).with_suffix("").parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    found = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}
    return {name: path for name, path in found.items() if name not in ABSENT}


def _package_names(init: Path) -> set[str]:
    """Names a package's `__init__` defines itself (assigned, defined or imported)."""
    names: set[str] = set()
    for node in ast.parse(init.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.ImportFrom | ast.Import):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return names


def _imported(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The modules of the package (and the outside packages) that module `name` imports."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module or ""
            for alias in node.names:
                # `from package import X`: X is the submodule when there is one, else a name
                # the package's __init__ defines.
                submodule = f"{source}.{alias.name}"
                if submodule in modules or submodule in ABSENT:
                    targets.add(submodule)
                else:
                    targets.add(source)
    found: set[str] = set()
    for target in targets:
        if target in ABSENT or target == "__future__":
            continue
        # `import retail_stage.render.table` names that module; `import rich.console`, rich.
        while target not in modules and "." in target and target.startswith("retail_stage"):
            target = target.rpartition(".")[0]
        if target.startswith("retail_stage") or target.split(".")[0] in OUTSIDE:
            found.add(target if target.startswith("retail_stage") else target.split(".")[0])
    found.discard(name)
    return found


OUTSIDE = {"rich", "typer", "pydantic", "yaml"}
"""Outside packages whose importers the direction test looks at."""


def import_graph() -> dict[str, set[str]]:
    """Each module of the package and the package modules (and OUTSIDE packages) it imports."""
    modules = _modules()
    return {name: _imported(name, path, modules) for name, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One circle of imports among the package's modules, as [a, b, ..., a]; None if none."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if target not in graph:
                continue
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (cycle := visit(target)) is not None:
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)) is not None:
            return cycle
    return None


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for target in graph.get(todo.pop(), ()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def test_no_module_imports_one_that_imports_it_back() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import circle: " + " -> ".join(cycle or [])


def test_the_cycle_finder_finds_a_circle_and_names_it() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set()}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_the_graph_counts_lazy_and_type_checking_imports() -> None:
    graph = import_graph()
    # batch imports the engine only inside a function and under TYPE_CHECKING.
    assert "retail_stage.engine" in graph["retail_stage.batch"]
    assert "retail_stage.render.formats" in graph["retail_stage.cli"]


CORE = [
    "retail_stage.engine",
    "retail_stage.rubric",
    "retail_stage.rubric_model",
    "retail_stage.profile",
    "retail_stage.sources",
]
"""The engine and the models (and `sources` beside them): DESIGN §4's bottom layer."""

ABOVE = (
    "retail_stage.cli",
    "retail_stage.batch",
    "retail_stage.render",
    "retail_stage.questionnaire",
)


def test_the_engine_and_the_models_import_no_service_no_rich_no_typer() -> None:
    graph = import_graph()
    present = [name for name in CORE if name in graph]
    assert "retail_stage.rubric" in present
    for name in present:
        reached = _reachable(graph, name) | graph[name]
        wrong = sorted(
            target
            for target in reached
            if target in {"rich", "typer"}
            or any(target == up or target.startswith(up + ".") for up in ABOVE)
        )
        assert wrong == [], f"{name} imports (directly or through others) {wrong}"
