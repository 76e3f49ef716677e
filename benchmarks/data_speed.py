"""Input pipeline images/s (Pillow decode, resize, random crop and mirror, batch) with each
pipeline option on and off, against the images/s a Pix2Pix and a CycleGAN training step consume.
Prints a table and one JSON line.

    python benchmarks/data_speed.py --quick       # 64 px, tiny trainers, < 1 minute
    python benchmarks/data_speed.py               # 256 px crops, 400 JPEG files, paper networks

Same as `tf-imgtrans bench data_speed ...`.
"""

import sys

from tf_imgtrans.bench.common import script_main

if __name__ == "__main__":
    sys.exit(script_main("data_speed", sys.argv[1:]))
