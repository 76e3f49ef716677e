"""Running a benchmark module the way `tf-imgtrans bench` does, and reading its output."""

from __future__ import annotations

import argparse
import importlib
import json


def run_benchmark(name: str, argv: list[str], capsys) -> tuple[dict, str]:
    """(the JSON record, the printed table) of benchmark `name` run with `argv`."""
    from tf_imgtrans.bench import BENCHMARKS

    module = importlib.import_module(BENCHMARKS[name][0])
    parser = argparse.ArgumentParser()
    module.add_arguments(parser)
    module.run(parser.parse_args(argv))
    lines = capsys.readouterr().out.strip().splitlines()
    record = json.loads(lines[-1])  # the last line is one JSON object
    assert record["benchmark"] == name
    assert {"date", "cpu", "tensorflow"} <= set(record["machine"])
    return record, "\n".join(lines[:-1])
