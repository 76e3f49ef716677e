"""Peak memory and time of translating one large image, tiled versus in one pass.

Each measurement runs in a fresh process, so its peak resident memory (ru_maxrss) belongs to that
configuration alone. Prints a table and one JSON line.

    python benchmarks/translate_memory.py                 # 4096×4096, resnet_9blocks, tiled
    python benchmarks/translate_memory.py --quick         # 1024×1024, small network, < 1 minute
    python benchmarks/translate_memory.py --untiled-sizes 512 1024 2048
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import resource
import subprocess
import sys
import time


def child(args) -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import matplotlib
    import numpy as np
    from PIL import Image

    from tf_imgtrans.inference import translate
    from tf_imgtrans.networks import get_generator

    generator = get_generator(args.model, ngf=args.ngf)
    path = os.path.join(matplotlib.get_data_path(), "sample_data", "grace_hopper.jpg")
    image = np.asarray(Image.open(path).convert("RGB").resize((args.size, args.size)))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    max_pixels = args.max_pixels if args.tiled else args.size * args.size
    out = translate(generator, image, max_pixels=max_pixels, progress=False)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert out.shape == image.shape
    print(
        json.dumps(
            {
                "size": args.size,
                "tiled": args.tiled,
                "seconds": round(seconds, 1),
                "peak_rss_mib": round(peak / 1024),
                "rss_before_mib": round(before / 1024),
            }
        )
    )


def measure(args, size: int, tiled: bool) -> dict:
    cmd = [
        sys.executable,
        __file__,
        "--child",
        "--size",
        str(size),
        "--model",
        args.model,
        "--ngf",
        str(args.ngf),
        "--max-pixels",
        str(args.max_pixels),
    ]
    if tiled:
        cmd.append("--tiled")
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        return {"size": size, "tiled": tiled, "error": result.stderr.strip().splitlines()[-1]}
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", type=int, default=4096)
    p.add_argument("--model", default="resnet_9blocks")
    p.add_argument("--ngf", type=int, default=64)
    p.add_argument("--max-pixels", type=int, default=512 * 512)
    p.add_argument(
        "--untiled-sizes",
        type=int,
        nargs="*",
        default=[1024],
        help="sizes also translated in one pass, for comparison",
    )
    p.add_argument("--quick", action="store_true")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--tiled", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        return child(args)
    if args.quick:
        args.size, args.ngf, args.max_pixels, args.untiled_sizes = 1024, 16, 256 * 256, [512]
    rows = [measure(args, args.size, True)] + [measure(args, s, False) for s in args.untiled_sizes]
    print(f"{'image':>11s} {'mode':>8s} {'seconds':>8s} {'peak RSS MiB':>13s}")
    for r in rows:
        mode = "tiled" if r["tiled"] else "one pass"
        if "error" in r:
            print(f"{r['size']:>5d}×{r['size']:<5d} {mode:>8s}  failed: {r['error']}")
        else:
            print(
                f"{r['size']:>5d}×{r['size']:<5d} {mode:>8s} {r['seconds']:8.1f} "
                f"{r['peak_rss_mib']:13d}"
            )
    import tensorflow as tf

    print(
        json.dumps(
            {
                "benchmark": "translate_memory",
                "date": datetime.date.today().isoformat(),
                "machine": platform.processor() or platform.machine(),
                "cpus": os.cpu_count(),
                "tensorflow": tf.__version__,
                "model": args.model,
                "ngf": args.ngf,
                "max_pixels": args.max_pixels,
                "results": rows,
            }
        )
    )


if __name__ == "__main__":
    main()
