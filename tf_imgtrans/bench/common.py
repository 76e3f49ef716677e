"""What every benchmark shares: the machine it ran on, timing, peak memory, and the output format
(a table for people, one JSON line for machines)."""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import resource
import statistics
import time
from collections.abc import Callable, Sequence


def machine_info() -> dict:
    """The machine and software versions a figure belongs to."""
    import keras
    import numpy as np
    import tensorflow as tf

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    gpus = [d.name for d in tf.config.list_physical_devices("GPU")]
    info = {
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "host": platform.node(),
        "cpu": cpu,
        "cpu_count": os.cpu_count(),
        "gpus": gpus,
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "numpy": np.__version__,
    }
    try:
        info["load_average"] = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        pass
    return info


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far, MiB (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def time_calls(
    fn: Callable[[], object],
    warmup: int,
    repeats: int,
    sync: Callable[[object], object] | None = None,
) -> dict:
    """Calls `fn` `warmup` times untimed, then `repeats` times timed.

    Args:
        fn: callable. One unit of work (a training step, a forward pass).
        warmup: int. Untimed calls first (tracing, compilation, allocator warm-up).
        repeats: int. Timed calls (>= 1).
        sync: callable or None. Applied to `fn`'s result inside the timing, to wait for
            asynchronous work (e.g. ``lambda r: r.numpy()``).

    Returns:
        {"median_ms", "mean_ms", "min_ms", "max_ms", "repeats", "warmup", "first_ms"}; first_ms is
        the first (warm-up) call, which includes tracing and compilation.
    """
    if repeats < 1:
        raise ValueError(f"`repeats` must be >= 1. Received: repeats={repeats}")
    first_ms = None
    for i in range(warmup):
        start = time.perf_counter()
        result = fn()
        if sync is not None:
            sync(result)
        if i == 0:
            first_ms = (time.perf_counter() - start) * 1e3
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        if sync is not None:
            sync(result)
        times.append((time.perf_counter() - start) * 1e3)
    return _summary(times, warmup, first_ms)


def _summary(
    times: list[float], warmup: int, first_ms: float | None, cpu_times: list[float] | None = None
) -> dict:
    extra = {} if cpu_times is None else {"cpu_median_ms": statistics.median(cpu_times)}
    return {
        **extra,
        "median_ms": statistics.median(times),
        "mean_ms": statistics.fmean(times),
        "min_ms": min(times),
        "max_ms": max(times),
        "repeats": len(times),
        "warmup": warmup,
        "first_ms": first_ms,
    }


def time_round_robin(
    fns: dict[str, Callable[[], object]],
    warmup: int,
    repeats: int,
    sync: Callable[[object], object] | None = None,
) -> dict[str, dict]:
    """Times several callables side by side: each is warmed up, then every round calls each
    once, in turn. On a machine that other jobs load, the load then falls on all of them
    alike, so their ratios hold better than those of runs one after the other. The CPU time
    this process spends in each call (all its threads; time other jobs take is not counted) is
    kept too, as ``cpu_median_ms``.

    Args:
        fns: {name: callable}. Units of work to compare.
        warmup, repeats, sync: as in `time_calls` (`repeats` rounds).

    Returns:
        {name: the `time_calls` dict of that callable, with ``cpu_median_ms``}.
    """
    if repeats < 1:
        raise ValueError(f"`repeats` must be >= 1. Received: repeats={repeats}")

    def timed(fn) -> tuple[float, float]:
        start, cpu = time.perf_counter(), time.process_time()
        result = fn()
        if sync is not None:
            sync(result)
        return (time.perf_counter() - start) * 1e3, (time.process_time() - cpu) * 1e3

    first = {name: [timed(fn)[0] for _ in range(warmup)][:1] for name, fn in fns.items()}
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            times[name].append(timed(fn))
    return {
        name: _summary(
            [t for t, _ in times[name]],
            warmup,
            (first[name] or [None])[0],
            [c for _, c in times[name]],
        )
        for name in fns
    }


def parse_list(text: str, valid: tuple[str, ...], flag: str, everything: str) -> list[str]:
    """The items of a comma-separated option `flag` (`everything` or "both": all of `valid`;
    "none": none); ValueError naming `valid` for anything else."""
    if text in (everything, "both"):
        return list(valid)
    if text == "none":
        return []
    items = [s.strip() for s in text.split(",") if s.strip()]
    bad = [s for s in items if s not in valid]
    if bad or not items:
        raise ValueError(f"{flag} takes {', '.join(valid)} (comma-separated). Received: {text!r}")
    return items


def format_table(rows: Sequence[dict], columns: Sequence[str], title: str = "") -> str:
    """A Markdown table of `rows` (dicts) with `columns`; floats get 3 significant figures-ish."""

    def cell(value) -> str:
        if value is None:
            return "—"
        if isinstance(value, float):
            if value == 0 or 0.01 <= abs(value) < 1e5:
                return f"{value:.3g}" if abs(value) < 100 else f"{value:.0f}"
            return f"{value:.2e}"
        return str(value)

    lines = [f"### {title}", ""] if title else []
    lines.append("| " + " | ".join(columns) + " |")
    lines.append("|" + "---|" * len(columns))
    for row in rows:
        lines.append("| " + " | ".join(cell(row.get(c)) for c in columns) + " |")
    return "\n".join(lines)


def emit(name: str, args: argparse.Namespace, figures: dict, table: str) -> dict:
    """Prints `table`, then one JSON line {"benchmark", "machine", "args", "figures"}.

    Returns:
        The JSON record."""
    record = {
        "benchmark": name,
        "machine": machine_info(),
        "args": {k: v for k, v in vars(args).items() if not callable(v)},
        "figures": figures,
    }
    print(table)
    print(json.dumps(record, default=str), flush=True)
    return record


def script_main(name: str, argv: Sequence[str] | None = None) -> int:
    """Entry point of the thin scripts in ``benchmarks/``: parses the module's options, runs it."""
    import importlib

    from tf_imgtrans.bench import BENCHMARKS

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    module_name, help_text = BENCHMARKS[name]
    module = importlib.import_module(module_name)
    parser = argparse.ArgumentParser(prog=f"benchmarks/{name}.py", description=help_text)
    module.add_arguments(parser)
    args = parser.parse_args(argv)
    module.run(args)
    return 0
