"""Training speed: steady-state ms/step, images/s, first-step (trace/compile) time and peak memory
of each trainer with each speed option (precision, XLA) on and off, side by side with the
tutorial-style TensorFlow step and the PyTorch reference implementation. Prints a table and one
JSON line.

    python benchmarks/train_speed.py --quick --model all            # small networks, 64², CI
    python benchmarks/train_speed.py --model pix2pix                # U-Net-256 + PatchGAN, 256²
    python benchmarks/train_speed.py --model cyclegan --options float32,mixed_bfloat16

Same as `tf-imgtrans bench train_speed ...`.
"""

import sys

from tf_imgtrans.bench.common import script_main

if __name__ == "__main__":
    sys.exit(script_main("train_speed", sys.argv[1:]))
