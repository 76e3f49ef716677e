"""Web demo speed: the in-browser translation (TF.js 4.22 in headless Chromium, driven by
playwright-core) on each backend (cpu, wasm, webgl), next to Keras on the same CPU.

The networks are exported to TF.js (untrained, seeded: speed does not depend on the weights),
served by `tf_imgtrans.demo_server` on 127.0.0.1 and run by the page itself (web_demo/tools/
bench.mjs): a first translation (weight upload, shader compilation or wasm warm-up included),
then `--repeat` timed runs (input tensor, model, read-back; drawing excluded). Keras is timed in
this process (tf.function, batch 1) on the same image size. Prints a table and one JSON line.

    python benchmarks/web_demo_speed.py            # demo U-Net 128 (ngf 32) at 128², ResNet-6
                                                   # (ngf 32), fast style net, AdaIN (wasm) at 256²
    python benchmarks/web_demo_speed.py --quick    # tiny networks at 64², about a minute
    python benchmarks/web_demo_speed.py --networks unet_128 --backends wasm webgl

Needs Node, `npm ci --prefix web_demo` and Debian's chromium (/usr/bin/chromium). In headless
Chromium with --disable-gpu, WebGL runs on SwiftShader (software on the CPU): its figures are not
those of a GPU.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# name: (builder keyword arguments, image side, what it is)
NETWORKS = {
    "unet_128": ({"name": "unet_128", "ngf": 32}, 128, "U-Net 128, ngf 32 (the demo's generator)"),
    "resnet_6blocks": (
        {"name": "resnet_6blocks", "ngf": 32},
        256,
        "ResNet-6, ngf 32, instance norm (CycleGAN layout, half width)",
    ),
    "fast_style": (
        {"name": "style_transfer_net", "filters": 32, "n_blocks": 5},
        256,
        "Johnson transformation net, 32 filters, 5 blocks",
    ),
    "adain": ({}, 256, "AdaIN stylizer (VGG16 encoder to relu4_1 + decoder), 256² style"),
    # --quick
    "unet_tiny": ({"name": "unet", "num_downs": 5, "ngf": 8}, 64, "U-Net, 5 downs, ngf 8"),
    "resnet_tiny": (
        {"name": "resnet", "n_blocks": 2, "ngf": 8, "norm": "instance"},
        64,
        "ResNet, 2 blocks, ngf 8",
    ),
}
DEFAULT = ("unet_128", "resnet_6blocks", "fast_style", "adain")
SLOW = {"adain": ("cpu", "webgl")}  # 80 GFLOP per image: several minutes per run there
QUICK = ("unet_tiny", "resnet_tiny")


def build(name: str):
    import keras

    from tf_imgtrans.networks import get_generator

    keras.utils.set_random_seed(0)
    kwargs = dict(NETWORKS[name][0])
    if name == "adain":
        from tf_imgtrans.networks import adain_decoder, adain_encoder, adain_stylizer

        return adain_stylizer(adain_encoder(weights=None), adain_decoder())
    return get_generator(kwargs.pop("name"), **kwargs)


def keras_ms(model, side: int, repeat: int) -> float:
    """Median ms of the Keras model (tf.function, batch 1) at side × side."""
    import numpy as np
    import tensorflow as tf

    from tf_imgtrans.export.parity import latency_ms

    x = np.random.default_rng(0).uniform(-1, 1, (1, side, side, 3)).astype("float32")
    if len(model.inputs) == 2:
        call = tf.function(lambda c: model([c, tf.constant(x)], training=False))
    else:
        call = tf.function(lambda c: model(c, training=False))
    return latency_ms(lambda c: np.asarray(call(tf.constant(c))), x, repeat)["median"]


def gflops(model, side: int) -> float | None:
    """GFLOP of one image (the AdaIN stylizer: encoder on content and style, then decoder)."""
    from tf_imgtrans.bench.flops import count_flops

    try:
        if len(model.inputs) == 2:
            from tf_imgtrans.networks.adain import split_stylizer

            encoder, decoder = split_stylizer(model)
            flops = 2 * count_flops(encoder, (1, side, side, 3))["flops"]
            flops += count_flops(decoder, (1, side // 8, side // 8, 512))["flops"]
        else:
            flops = count_flops(model, (1, side, side, 3))["flops"]
    except (ValueError, TypeError, KeyError):
        return None
    return flops / 1e9


def image(path: str, side: int, seed: int) -> str:
    import numpy as np
    from PIL import Image

    pixels = np.random.default_rng(seed).integers(0, 256, (side, side, 3), dtype=np.uint8)
    Image.fromarray(pixels).save(path)
    return path


def run(args) -> list[dict]:
    from tf_imgtrans.bench.common import emit, format_table
    from tf_imgtrans.demo_server import DemoServer
    from tf_imgtrans.export import export_model

    names = args.networks or (QUICK if args.quick else DEFAULT)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="web_demo_speed-") as tmp:
        models_dir = os.path.join(tmp, "models")
        cases, facts = [], {}
        for name in names:
            model = build(name)
            side = NETWORKS[name][1]
            export_model(model, os.path.join(models_dir, name), "tfjs", parity=False, verbose=False)
            facts[name] = {
                "side": side,
                "gflop": gflops(model, side),
                "keras_ms": keras_ms(model, side, args.repeat),
                "params": model.count_params(),
            }
            content = image(os.path.join(tmp, f"{name}_content.png"), side, 0)
            style = (
                image(os.path.join(tmp, f"{name}_style.png"), side, 1) if name == "adain" else None
            )
            for backend in args.backends:
                if name in SLOW and backend in SLOW[name] and not args.all_backends:
                    print(
                        f"{name} on {backend}: skipped (minutes per run; --all-backends times it)"
                    )
                    continue
                repeat = args.cpu_repeat if backend == "cpu" else args.repeat
                cases.append(
                    {
                        "model": name,
                        "backend": backend,
                        "image": content,
                        "style": style,
                        "repeat": repeat,
                    }
                )
        job_path = os.path.join(tmp, "job.json")
        result_path = os.path.join(tmp, "result.json")
        with DemoServer(models_dir, port=0) as server:
            rows = []
            for case in cases:  # one bench.mjs run per case: its own repeat count
                job = {
                    "url": server.url,
                    "repeat": case.pop("repeat"),
                    "result": result_path,
                    "cases": [case],
                }
                with open(job_path, "w") as f:
                    json.dump(job, f)
                subprocess.run(
                    ["node", os.path.join(REPO, "web_demo", "tools", "bench.mjs"), job_path],
                    check=True,
                    timeout=args.timeout,
                )
                with open(result_path) as f:
                    rows.extend(json.load(f))
    for row in rows:
        fact = facts[row["model"]]
        row["size"] = f"{fact['side']}²"
        row["keras_ms"] = fact["keras_ms"]
        row["params_m"] = fact["params"] / 1e6
        if row.get("median_ms") and fact["gflop"]:
            row["gflop_per_s"] = fact["gflop"] / (row["median_ms"] / 1000)
        row["vs_keras"] = row["median_ms"] / fact["keras_ms"] if row.get("median_ms") else None
    figures = {"rows": rows, "load_before": load_before, "load_after": os.getloadavg()}
    table = format_table(
        rows,
        [
            "model",
            "size",
            "backend",
            "first_ms",
            "median_ms",
            "min_ms",
            "gflop_per_s",
            "keras_ms",
            "vs_keras",
            "error",
        ],
        title="Web demo: TF.js in headless Chromium, per backend (ms per image, batch 1)",
    )
    emit("web_demo_speed", args, figures, table)
    return rows


def main(argv=None) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--networks", nargs="+", choices=sorted(NETWORKS), help="default: " + " ".join(DEFAULT)
    )
    p.add_argument(
        "--backends", nargs="+", default=["cpu", "wasm", "webgl"], choices=["cpu", "wasm", "webgl"]
    )
    p.add_argument("--repeat", type=int, default=5, help="timed runs after the first (wasm, webgl)")
    p.add_argument("--cpu-repeat", type=int, default=2, help="timed runs on the slow cpu backend")
    p.add_argument("--quick", action="store_true", help="tiny networks at 64²")
    p.add_argument(
        "--all-backends", action="store_true", help="also time AdaIN on cpu and webgl (slow)"
    )
    p.add_argument("--timeout", type=int, default=1800, help="seconds per case")
    run(p.parse_args(argv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
