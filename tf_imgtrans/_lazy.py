"""Lazy package namespaces: a package lists its public names and the modules that define them;
a name's module is imported the first time the name is used (PEP 562), so importing the package
(e.g. for the command line's `--help`) loads no TensorFlow."""

from __future__ import annotations

import importlib


def lazy_namespace(package: str, exports: dict[str, str], namespace: dict):
    """`(__getattr__, __dir__)` for the package `package` whose module namespace is `namespace`
    (its `globals()`): `exports` maps each public name to the module that defines it."""

    def __getattr__(name: str):
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value  # later lookups do not come here
        return value

    def __dir__():
        return sorted(set(namespace) | set(exports))

    return __getattr__, __dir__


def exports_of(modules: dict[str, list[str]]) -> dict[str, str]:
    """{module: [names]} -> {name: module}."""
    return {name: module for module, names in modules.items() for name in names}
