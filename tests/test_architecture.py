"""docs/ARCHITECTURE.md stays true: the package's modules import only modules of their own layer
or below (the table in that file), and the command line imports no TensorFlow."""

from __future__ import annotations

import ast
import os

ROOT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tf_imgtrans")
LAYERS = [
    ["__init__", "_version", "_lazy", "files", "messages", "optional", "precision", "distribute",
     "configs", "native_logs", "checks", "pixels", "curves"],
    ["layers"],
    ["networks"],
    ["losses", "metrics", "data", "inference", "saving"],
    ["models"],
    ["callbacks", "training", "style", "evaluation", "translate_files"],
    ["export", "bench", "demo", "demo_server"],
    ["commands", "cli"],
]  # fmt: skip
RANK = {name: i for i, names in enumerate(LAYERS) for name in names}


def top_module(path: str) -> str:
    rel = os.path.relpath(path, ROOT).split(os.sep)
    return rel[0][:-3] if rel[0].endswith(".py") else rel[0]


def imports_of(path: str):
    for node in ast.walk(ast.parse(open(path).read())):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tf_imgtrans."):
            yield node.module.split(".")[1], node.lineno
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("tf_imgtrans."):
                    yield alias.name.split(".")[1], node.lineno


def test_every_module_is_in_the_architecture_table():
    tops = {top_module(os.path.join(d, f)) for d, _, fs in os.walk(ROOT) for f in fs
            if f.endswith(".py")}  # fmt: skip
    assert tops <= set(RANK), f"not in docs/ARCHITECTURE.md's table: {sorted(tops - set(RANK))}"


def test_imports_point_down_the_layers():
    upward = []
    for folder, _, files in os.walk(ROOT):
        for name in files:
            if not name.endswith(".py"):
                continue
            path = os.path.join(folder, name)
            source = top_module(path)
            for target, line in imports_of(path):
                if RANK[target] > RANK[source]:
                    upward.append(f"{os.path.relpath(path, ROOT)}:{line} imports {target}")
    assert not upward, "imports up the layers:\n" + "\n".join(upward)
