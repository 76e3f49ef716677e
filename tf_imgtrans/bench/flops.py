"""How much arithmetic a network does, and how much this CPU could do.

`count_flops` walks a Keras model's layer graph at a given input size (shapes only, nothing is
computed) and counts the multiply-adds of its convolutions, transposed convolutions and dense
layers; one multiply-add is 2 FLOPs, the convention of papers and of TensorFlow's profiler.
Normalisation, activations, padding and additions are not counted: they are memory-bound and
small beside the convolutions (under 1 % of the FLOPs of the generators here).

`cpu_peak` states what the CPU can do: a derived peak (cores × clock × FLOPs per cycle per
core, from the instruction set) and a measured one (a large float32 matrix product).
"""

from __future__ import annotations

import math
import os
import platform
import shutil
import subprocess
import tempfile
import time

# === FLOPs ===


def _product(values) -> int:
    return int(math.prod(int(v) for v in values))


def layer_macs(layer, input_shape: tuple, output_shape: tuple) -> int:
    """Multiply-adds of one call of `layer` mapping `input_shape` to `output_shape` (both with
    the batch dimension). 0 for layers whose cost is not counted (see the module docstring).

    Conv2D: out_h · out_w · kh · kw · (C_in / groups) · C_out per image. Conv2DTranspose: every
    input pixel scatters a kh × kw × C_out patch: in_h · in_w · kh · kw · C_in · C_out (the
    direct method's work, not the zero-stuffed convolution's). DepthwiseConv2D: out_h · out_w ·
    kh · kw · C_in · depth_multiplier. Dense: (input elements / C_in) · C_in · units.
    """
    import keras

    batch = int(input_shape[0] or 1)
    if isinstance(layer, keras.layers.Conv2DTranspose):
        kh, kw = layer.kernel_size
        _, h, w, c_in = input_shape
        return batch * h * w * kh * kw * c_in * layer.filters
    if isinstance(layer, keras.layers.DepthwiseConv2D):
        kh, kw = layer.kernel_size
        _, h, w, c_out = output_shape
        return batch * h * w * kh * kw * c_out
    if isinstance(layer, keras.layers.Conv2D):
        kh, kw = layer.kernel_size
        c_in = input_shape[-1] // layer.groups
        _, h, w, c_out = output_shape
        return batch * h * w * kh * kw * c_in * c_out
    if isinstance(layer, keras.layers.Dense):
        return _product(input_shape[:-1]) * input_shape[-1] * layer.units
    return 0


def _first_shape(value) -> tuple | None:
    import keras

    for x in keras.tree.flatten(value):
        if hasattr(x, "shape"):
            return tuple(x.shape)
    return None


def _walk(model, inputs, rows: list, prefix: str):
    """Runs `model`'s graph on symbolic `inputs`, recording every layer's shapes."""
    import keras

    def record(op):
        def run(*args, **kwargs):
            if isinstance(op, keras.Model) and hasattr(op, "_run_through_graph"):
                return _walk(op, args[0], rows, f"{prefix}{op.name}/")
            out = op.compute_output_spec(*args, **kwargs)
            in_shape, out_shape = _first_shape(args), _first_shape(out)
            macs = layer_macs(op, in_shape, out_shape) if in_shape and out_shape else 0
            rows.append(
                {
                    "layer": prefix + op.name,
                    "type": type(op).__name__,
                    "input": in_shape,
                    "output": out_shape,
                    "macs": macs,
                }
            )
            return out

        return run

    # Functional models expose their graph only through this (private) runner; it is what
    # `Model.compute_output_spec` uses, with `record` in place of each layer's own spec.
    return model._run_through_graph(inputs, operation_fn=record)


def count_flops(model, input_shape: tuple[int, ...]) -> dict:
    """Counts the FLOPs (2 × multiply-adds) of one forward pass of a functional Keras model.

    Args:
        model: keras.Model. A functional (or Sequential) model; nested functional models are
            walked into.
        input_shape: tuple. The input's shape with the batch, e.g. (1, 256, 256, 3).

    Returns:
        {"flops", "macs", "by_type": {layer type: flops}, "layers": [{"layer", "type", "input",
        "output", "macs"}, ...]} (layers in execution order).

    Example:
    >>> import keras
    >>> x = keras.Input((8, 8, 4))
    >>> m = keras.Model(x, keras.layers.Conv2D(8, 3, padding="same")(x))
    >>> count_flops(m, (1, 8, 8, 4))["flops"]  # 2 · 8 · 8 · 8 · 3 · 3 · 4
    36864
    """
    import keras

    if not hasattr(model, "_run_through_graph"):
        raise ValueError(
            f"count_flops needs a functional Keras model (built with keras.Input); "
            f"{model.name!r} is a {type(model).__name__}. Received: model={model.name!r}"
        )
    rows: list[dict] = []
    spec = keras.KerasTensor(tuple(input_shape), dtype=model.inputs[0].dtype)
    _walk(model, spec, rows, "")
    macs = sum(r["macs"] for r in rows)
    by_type: dict[str, int] = {}
    for r in rows:
        if r["macs"]:
            by_type[r["type"]] = by_type.get(r["type"], 0) + 2 * r["macs"]
    return {"flops": 2 * macs, "macs": macs, "by_type": by_type, "layers": rows}


# === Peak ===

_CLOCK_C = r"""
#include <stdio.h>
#include <time.h>
int main(void) {
  struct timespec a, b;
  long n = 100000000L, x = 3, y = 1;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
  for (long i = 0; i < n; i++)
    __asm__ volatile("imul %1, %0\n\timul %1, %0\n\timul %1, %0\n\timul %1, %0"
                     : "+r"(x) : "r"(y));
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
  printf("%.6f\n", 3.0 * 4 * n / ((b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) * 1e-9) / 1e9);
  return x == 0;
}
"""
# No x86-64 CPU runs a core above this; a faster "clock" means the measurement was fooled.
MAX_PLAUSIBLE_GHZ = 7.0


def measure_clock_ghz(runs: int = 3) -> float | None:
    """The core clock under load, measured: a chain of dependent 64-bit integer multiplications
    (3 cycles each on every x86-64 core since Sandy Bridge and Zen) timed with the thread's CPU
    time, so time the thread spends descheduled on a shared machine does not count. A chain of
    dependent additions, used before, is not one cycle per add on recent Intel cores (it read
    12.4 GHz on a 3.7 GHz Xeon). Needs a C compiler (`cc`) and x86-64; None otherwise, or when
    the result is not a plausible clock (over `MAX_PLAUSIBLE_GHZ`)."""
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None or platform.machine() not in ("x86_64", "AMD64"):
        return None
    with tempfile.TemporaryDirectory(prefix="clock-") as tmp:
        src, exe = os.path.join(tmp, "clock.c"), os.path.join(tmp, "clock")
        with open(src, "w") as f:
            f.write(_CLOCK_C)
        try:
            subprocess.run([cc, "-O2", src, "-o", exe], check=True, capture_output=True)
            values = [
                float(subprocess.run([exe], capture_output=True, text=True).stdout)
                for _ in range(runs)
            ]
        except (OSError, subprocess.CalledProcessError, ValueError):
            return None
    best = max(values)
    return best if 0 < best <= MAX_PLAUSIBLE_GHZ else None


def _cpuinfo() -> dict:
    info: dict = {}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if ":" not in line:
                    if info:
                        break  # the first processor's block is enough
                    continue
                key, value = (s.strip() for s in line.split(":", 1))
                info.setdefault(key, value)
    except OSError:
        pass
    return info


def flops_per_cycle(info: dict | None = None) -> tuple[int, int | None, str]:
    """float32 FLOPs and int8 operations per cycle per core this CPU's vector units can retire,
    with the assumption they rest on. int8 is None without VNNI."""
    info = _cpuinfo() if info is None else info
    flags = set(info.get("flags", "").split())
    vendor, family = info.get("vendor_id", ""), int(info.get("cpu family", "0") or 0)
    vnni = "avx512_vnni" in flags or "avx_vnni" in flags
    if vendor == "AuthenticAMD" and family == 25 and "avx512f" in flags:
        return (
            32,
            128 if vnni else None,
            "AMD Zen 4: 2 FMA pipes of 256 bits (a 512-bit FMA takes both halves for one cycle) "
            "= 2 × 8 float32 lanes × 2 FLOPs = 32 FLOPs/cycle/core; int8 VNNI: 2 × 256-bit "
            "VPDPBUSD per cycle × 32 multiply-adds × 2 = 128 ops/cycle/core",
        )
    if vendor == "AuthenticAMD" and family >= 26 and "avx512f" in flags:
        return 64, 256 if vnni else None, "AMD Zen 5: 2 FMA pipes of 512 bits = 64 FLOPs/cycle"
    if "avx512f" in flags:
        return (
            64,
            256 if vnni else None,
            "AVX-512 with 2 FMA units (Xeon Scalable) = 2 × 16 lanes × 2 = 64 FLOPs/cycle/core",
        )
    if "fma" in flags and "avx2" in flags:
        return 32, None, "AVX2 with 2 FMA units = 2 × 8 lanes × 2 = 32 FLOPs/cycle/core"
    return 8, None, "SSE, no FMA: 4 lanes × (1 add + 1 mul) = 8 FLOPs/cycle/core (assumed)"


def measured_matmul_gflops(n: int = 2048, repeats: int = 5) -> tuple[float, float]:
    """An achievable float32 peak: an n × n matrix product in TensorFlow (oneDNN/Eigen, all of
    its threads), best of `repeats`. Returns (GFLOP/s of wall time, GFLOP per CPU-second of
    this process): the first is what the machine gave under its current load, the second does
    not count time taken by other jobs (multiply by the cores for an unloaded machine)."""
    import tensorflow as tf

    a = tf.random.normal((n, n), seed=1)
    b = tf.random.normal((n, n), seed=2)
    matmul = tf.function(tf.linalg.matmul)
    matmul(a, b).numpy()  # trace and warm up
    wall = cpu = math.inf
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        matmul(a, b).numpy()
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    return 2 * n**3 / wall / 1e9, 2 * n**3 / cpu / 1e9


def cpu_peak(cores: int | None = None, measure: bool = True, matmul_size: int = 2048) -> dict:
    """This CPU's float32 peak, derived and measured.

    Derived: cores × clock × float32 FLOPs/cycle/core (`flops_per_cycle`); the clock is measured
    (`measure_clock_ghz`) when a C compiler is there, else the "cpu MHz" of /proc/cpuinfo (on a
    VM often the nominal, not the boost clock). Measured: `measured_matmul_gflops`.

    Returns:
        {"cores", "clock_ghz", "clock_source", "flops_per_cycle", "assumption",
        "derived_gflops", "int8_derived_gops", "measured_gflops" (per CPU-second × cores: as
        on an unloaded machine), "measured_wall_gflops", "measured_how"}.
    """
    info = _cpuinfo()
    cores = cores or os.cpu_count() or 1
    per_cycle, int8_per_cycle, assumption = flops_per_cycle(info)
    clock = measure_clock_ghz() if measure else None
    source = "measured (dependent-imul chain, thread CPU time)"
    if clock is None:
        clock = float(info.get("cpu MHz", "0") or 0) / 1e3 or None
        source = "/proc/cpuinfo 'cpu MHz'"
    derived = cores * clock * per_cycle if clock else None
    peak = {
        "cores": cores,
        "clock_ghz": clock,
        "clock_source": source if clock else "unknown",
        "flops_per_cycle": per_cycle,
        "assumption": assumption,
        "derived_gflops": derived,
        "int8_derived_gops": cores * clock * int8_per_cycle if clock and int8_per_cycle else None,
        "measured_gflops": None,
        "measured_wall_gflops": None,
        "measured_how": None,
    }
    if measure:
        wall, per_cpu_second = measured_matmul_gflops(matmul_size, repeats=10)
        peak["measured_gflops"] = per_cpu_second * cores
        peak["measured_wall_gflops"] = wall
        peak["measured_how"] = (
            f"TensorFlow float32 matmul {matmul_size}², best of 10: FLOPs per CPU-second × "
            f"{cores} cores (wall time under the current load: {wall:.0f} GFLOP/s)"
        )
    return peak


__all__ = [
    "count_flops",
    "cpu_peak",
    "flops_per_cycle",
    "layer_macs",
    "measure_clock_ghz",
    "measured_matmul_gflops",
]
