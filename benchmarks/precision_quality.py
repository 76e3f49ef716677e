"""Does mixed precision train as well as float32? Trains each model twice from one seed (float32,
then mixed_bfloat16 or --precision mixed_float16) and compares validation scores and losses.
Prints a table and one JSON line.

    python benchmarks/precision_quality.py --quick   # tiny networks, 1 epoch: a check that it runs
    python benchmarks/precision_quality.py             # all four models, 5 epochs

Same as `tf-imgtrans bench precision_quality ...`.
"""

import sys

from tf_imgtrans.bench.common import script_main

if __name__ == "__main__":
    sys.exit(script_main("precision_quality", sys.argv[1:]))
