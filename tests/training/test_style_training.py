import json
import os

import numpy as np
import pytest
from PIL import Image

from tf_imgtrans.training import AdaINConfig, FastStyleConfig, train_adain, train_fast_style

OUTPUTS = {"samples", "checkpoints", "history.json", "losses.png", "config.json"}


def write_images(folder, n, seed, size=(40, 36)):
    rng = np.random.default_rng(seed)
    os.makedirs(folder, exist_ok=True)
    for i in range(n):
        Image.fromarray(rng.integers(0, 256, (*size, 3), dtype=np.uint8)).save(
            os.path.join(folder, f"{i}.png")
        )
    return str(folder)


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("style_data")
    return {
        "content": write_images(root / "content", 5, 0),
        "style": write_images(root / "style", 3, 1, size=(30, 50)),
        "style_image": os.path.join(write_images(root / "one", 1, 2), "0.png"),
    }


def test_fast_style_run_writes_outputs_and_resumes(tmp_path, folders):
    out = str(tmp_path / "run")
    tiny = {
        "style": folders["style_image"],
        "data": folders["content"],
        "image_size": 32,
        "batch_size": 2,
        "filters": 4,
        "n_blocks": 1,
        "vgg_weights": "random",
        "tensorboard": False,
    }
    first = train_fast_style(FastStyleConfig(epochs=1, **tiny), out, verbose=0)
    assert OUTPUTS | {"generator.keras"} <= set(os.listdir(out))
    assert os.listdir(os.path.join(out, "samples")) == ["epoch_0001.png"]
    assert int(first.model.g_optimizer.iterations.numpy()) == 3  # 5 images, batch 2
    second = train_fast_style(FastStyleConfig(epochs=2), out, resume=True, verbose=0)
    assert second.initial_epoch == 1
    assert int(second.model.g_optimizer.iterations.numpy()) == 6
    history = json.load(open(os.path.join(out, "history.json")))
    assert history["epoch"] == [1, 2] and len(history["style"]) == 2
    with pytest.raises(FileNotFoundError, match="--style"):
        train_fast_style(FastStyleConfig(**dict(tiny, style="nope.png")), str(tmp_path / "x"))


def test_adain_run_writes_the_stylizer(tmp_path, folders):
    out = str(tmp_path / "run")
    config = AdaINConfig(
        content=folders["content"],
        style=folders["style"],
        epochs=1,
        image_size=32,
        load_size=40,
        batch_size=2,
        vgg_weights="random",
        tensorboard=False,
    )
    result = train_adain(config, out, verbose=0)
    assert OUTPUTS | {"decoder.keras", "stylizer.keras"} <= set(os.listdir(out))
    assert int(result.model.d_optimizer.iterations.numpy()) == 3  # 5 content images, batch 2
    grid = Image.open(os.path.join(out, "samples", "epoch_0001.png"))
    assert grid.size[0] > 3 * 32  # content | style | stylized
    with pytest.raises(ValueError, match="multiple of 8"):
        train_adain(AdaINConfig(**dict(vars(config), image_size=36)), str(tmp_path / "y"))
