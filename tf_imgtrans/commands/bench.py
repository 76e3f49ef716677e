"""`tf-imgtrans bench NAME`: the speed benchmarks of `tf_imgtrans.bench`."""

from __future__ import annotations

import importlib


def register(commands, models) -> None:
    from tf_imgtrans.bench import BENCHMARKS

    p = commands.add_parser("bench", help="measure training, inference or input-pipeline speed")
    names = p.add_subparsers(dest="benchmark", required=True, metavar="BENCHMARK")
    for name, (module_name, help_text) in BENCHMARKS.items():
        sub = names.add_parser(name, help=help_text, description=help_text)
        # The module's options are declared by the module itself, imported lazily when it runs;
        # argparse needs them now, so import the (TensorFlow-free) argument declarations here.
        importlib.import_module(module_name).add_arguments(sub)
        sub.set_defaults(func=run, bench_module=module_name)


def run(args) -> int:
    module = importlib.import_module(args.bench_module)
    module.run(args)
    return 0
