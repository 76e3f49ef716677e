"""`tf-imgtrans demo`: a short Pix2Pix training on the built-in synthetic facades, scored on its
held-out test split against ground truth and two trivial baselines."""

from __future__ import annotations

import json
import os
import time

import numpy as np
from PIL import Image

from tf_imgtrans.callbacks import atomic_write_text, make_grid, write_report
from tf_imgtrans.data import save_image, to_uint8
from tf_imgtrans.data.paired import load_paired_dataset
from tf_imgtrans.data.spec import resolve_paired_spec
from tf_imgtrans.evaluation import evaluate_paired, format_report
from tf_imgtrans.export.demo import export_demo
from tf_imgtrans.training import Pix2PixConfig, train_pix2pix

# Sized for a few minutes on a 2-core CPU: 128×128, a U-Net and PatchGAN of half the paper's
# width, batch 1 as in the paper. The full-size setup is `tf-imgtrans train pix2pix`.
DEMO_DEFAULTS = {"epochs": 6, "image_size": 128, "ngf": 32, "ndf": 32, "n_train": 400}


def run_demo(
    out: str = "demo_out",
    epochs: int | None = None,
    image_size: int | None = None,
    n_train: int | None = None,
    steps_per_epoch: int | None = None,
) -> dict:
    """Trains the demo Pix2Pix into `out`, translates the test split into `out/test_translated/`,
    writes `out/test_grid.png` and `out/demo_report.json`, exports the generator to `out/export/`,
    refreshes `out/report.html`, prints the scores and returns the report. Re-running continues
    the same run (it resumes from its checkpoints)."""
    epochs = epochs or DEMO_DEFAULTS["epochs"]
    image_size = image_size or DEMO_DEFAULTS["image_size"]
    n_train = n_train or DEMO_DEFAULTS["n_train"]
    data = f"builtin:facades?n_train={n_train}"
    config = Pix2PixConfig(
        data=data,
        epochs=epochs,
        image_size=image_size,
        ngf=DEMO_DEFAULTS["ngf"],
        ndf=DEMO_DEFAULTS["ndf"],
        decay_epochs=epochs // 2,
        tensorboard=False,
    )
    start = time.time()
    run = train_pix2pix(config, out, resume=True, steps_per_epoch=steps_per_epoch)
    train_seconds = time.time() - start

    root = resolve_paired_spec(data, image_size=image_size)
    test = load_paired_dataset(root, "test", image_size=image_size, batch_size=8)
    train = load_paired_dataset(
        root, "train", image_size=image_size, batch_size=8, augment=False, shuffle=False
    )
    generator = run.model.generator
    scores = evaluate_paired(generator, test, train_dataset=train)

    translated_dir = os.path.join(out, "test_translated")
    rows = []
    index = 0
    for x, y in test:
        fake = np.asarray(generator(x, training=False))
        for i in range(fake.shape[0]):
            save_image(os.path.join(translated_dir, f"{index:04d}.png"), to_uint8(fake[i]))
            index += 1
        if len(rows) < 1:
            rows.append((x[:6], fake[:6], y[:6]))
    grid = make_grid(["input", "output", "ground truth"], list(rows[0]))
    Image.fromarray(grid).save(os.path.join(out, "test_grid.png"))

    report = {
        "data": data,
        "image_size": image_size,
        "epochs": epochs,
        "train_seconds": round(train_seconds, 1),
        "test_images": index,
        "scores": scores,
        "psnr_gain_over_input_db": round(scores["model"]["psnr"] - scores["input"]["psnr"], 2),
        "psnr_gain_over_mean_target_db": round(
            scores["model"]["psnr"] - scores["mean_target"]["psnr"], 2
        ),
        "outputs": {
            **run.paths,
            "test_translated": translated_dir,
            "test_grid": os.path.join(out, "test_grid.png"),
        },
    }
    atomic_write_text(os.path.join(out, "demo_report.json"), json.dumps(report, indent=2))
    print("\nHeld-out test split, against ground truth:")
    print(format_report(scores))

    # The trained generator in every deployment format, each checked against Keras.
    report["exports"] = export_demo(
        run.paths["generator"], os.path.join(out, "export"), data=data, image_size=image_size
    )
    atomic_write_text(os.path.join(out, "demo_report.json"), json.dumps(report, indent=2))
    write_report(out)  # report.html again, now with the test scores and export parity
    return report
