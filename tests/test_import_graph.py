"""The project's modules import one another without a loop: each layer imports only downwards.

The graph is read from the source with `ast` (imports inside functions included, so a loop cannot hide
behind a late import), between the modules of idp, shared, rp_sofi, rp_soffi and rp_bpf (migrations left
out). `from package import name` is an edge to the submodule when `name` is one, else to the package;
a package's `__init__` run by importing one of its submodules is not counted (create_app and init_app
import their blueprints inside the factory, as the conventions ask)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("idp", "shared", "rp_sofi", "rp_soffi", "rp_bpf")


def project_modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if "migrations" in parts:
                continue
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def imported(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules that module `name` imports, anywhere in its source."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                while parts and ".".join(parts) not in modules:
                    parts.pop()
                if parts:
                    found.add(".".join(parts))
        elif isinstance(node, ast.ImportFrom):
            target = node.module or ""
            if node.level:
                package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
                base = package[: len(package) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            for alias in node.names:
                if f"{target}.{alias.name}" in modules:
                    found.add(f"{target}.{alias.name}")
                elif target in modules:
                    found.add(target)
    found.discard(name)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {name: imported(name, path, modules) for name, path in modules.items()}


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One loop per group of modules that import one another, as a path `a → b → … → a`."""
    cycles = []
    done: set[str] = set()
    for start in sorted(graph):
        if start in done:
            continue
        # Depth-first from `start`, remembering the path: an edge back into the path is a loop.
        path: list[str] = []
        on_path: set[str] = set()
        stack: list[tuple[str, list[str]]] = [(start, sorted(graph[start]))]
        path.append(start)
        on_path.add(start)
        while stack:
            node, todo = stack[-1]
            if not todo:
                stack.pop()
                path.pop()
                on_path.discard(node)
                done.add(node)
                continue
            following = todo.pop(0)
            if following in on_path:
                cycle = [*path[path.index(following) :], following]
                if not any(set(cycle) == set(known) for known in cycles):
                    cycles.append(cycle)
            elif following not in done:
                path.append(following)
                on_path.add(following)
                stack.append((following, sorted(graph[following])))
    return cycles


def test_the_graph_reader_sees_late_and_relative_imports_and_names_loops(tmp_path: Path) -> None:
    source = tmp_path / "login.py"
    source.write_text("from . import forms\n\ndef f():\n    from idp.oidc import authorization\n", encoding="utf-8")
    modules = {name: tmp_path for name in ("idp.views.login", "idp.views.forms", "idp.oidc", "idp.oidc.authorization")}
    assert imported("idp.views.login", source, modules) == {"idp.views.forms", "idp.oidc.authorization"}
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]


def test_the_project_has_no_import_loop() -> None:
    graph = import_graph()
    assert "idp.oidc.authorization" in graph and "shared.oidc_client.access" in graph  # the walk found them
    loops = [" → ".join(cycle) for cycle in find_cycles(graph)]
    assert not loops, "import loops:\n" + "\n".join(loops)
