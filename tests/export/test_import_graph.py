"""tf_imgtrans.export imports without a circle: every module imports its siblings at the top (read
here with `ast`, nothing imported), the modules form no cycle, and no function body imports
anything but the optional tools that must load late."""

from __future__ import annotations

import ast
import os

import tf_imgtrans.export

PACKAGE = "tf_imgtrans.export"
FOLDER = os.path.dirname(os.path.abspath(tf_imgtrans.export.__file__))
MODULES = sorted(f[:-3] for f in os.listdir(FOLDER) if f.endswith(".py"))

# (module, what it imports inside a function): optional packages that a module-level import
# would make `import tf_imgtrans.export.<module>` fail without.
LATE_IMPORTS = {
    ("tools", "ai_edge_litert"),  # LiteRT, the `export` extra
    ("tfjs", "tensorflowjs.converters"),  # after the stand-ins that its import needs
}


def _tree(module: str) -> ast.Module:
    with open(os.path.join(FOLDER, f"{module}.py")) as f:
        return ast.parse(f.read())


def _function_bodies(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            yield node


def _imported(node: ast.Import | ast.ImportFrom, module: str) -> list[str]:
    """The absolute names an import statement of `module` brings in (each `from` name joined to
    its module, as it may be a submodule)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:  # relative: from the package, or `..` above it
        parts = PACKAGE.split(".")[: len(PACKAGE.split(".")) - node.level + 1]
        base = ".".join([*parts, *([base] if base else [])])
    return [base, *(f"{base}.{alias.name}" for alias in node.names)]


def _siblings(names: list[str]) -> set[str]:
    """The export modules among imported names (a name the package exports lazily counts as
    the module that defines it)."""
    found = set()
    for name in names:
        if name.startswith(PACKAGE + "."):
            found.add(name[len(PACKAGE) + 1 :].split(".")[0])
        elif name == PACKAGE:
            found.add("__init__")
    lazy = {f"{PACKAGE}.{n}": m for n, m in tf_imgtrans.export._EXPORTS.items()}
    for name in names:
        if name in lazy:
            found.add(lazy[name][len(PACKAGE) + 1 :])
    return found & set(MODULES)


def import_graph() -> dict[str, set[str]]:
    """{module: the export modules it imports at module level}."""
    graph = {}
    for module in MODULES:
        tree = _tree(module)
        nested = {id(n) for body in _function_bodies(tree) for n in ast.walk(body)}
        edges: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)) and id(node) not in nested:
                edges |= _siblings(_imported(node, module))
        graph[module] = edges - {module}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as [a, b, …, a], or None."""
    state: dict[str, str] = {}  # "open" while on the path, "done" after
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_test_sees_imports_and_cycles():
    graph = import_graph()
    assert "source" in graph["parity"] and "runners" in graph["parity"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_export_modules_import_each_other_without_a_cycle():
    graph = import_graph()
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle in tf_imgtrans/export: " + " -> ".join(cycle)
    assert graph["__init__"] == set(), "the lazy namespace must import no export module"


def test_no_imports_inside_functions():
    found = set()
    for module in MODULES:
        for body in _function_bodies(_tree(module)):
            for node in ast.walk(body):
                if isinstance(node, ast.Import):
                    found |= {(module, alias.name) for alias in node.names}
                elif isinstance(node, ast.ImportFrom):
                    found.add((module, "." * node.level + (node.module or "")))
    unexpected = sorted(found - LATE_IMPORTS)
    assert not unexpected, f"imports inside functions (move them to the top): {unexpected}"
    assert found == LATE_IMPORTS, f"no longer imported late, drop from LATE_IMPORTS: {found}"


def test_every_public_name_resolves_in_the_module_listed():
    for name, module in sorted(tf_imgtrans.export._EXPORTS.items()):
        value = getattr(tf_imgtrans.export, name)
        defined_in = getattr(value, "__module__", module)
        assert defined_in == module, f"{name} is listed under {module}, defined in {defined_in}"
