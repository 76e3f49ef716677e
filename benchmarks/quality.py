"""Does it learn as well as the reference? Trains ours, the tutorial-style TF step and the PyTorch
reference on the same training stream, scores the held-out split at checkpoints over seeds, and
plots held-out PSNR against training time. Prints a table and one JSON line.

    python benchmarks/quality.py --quick   # tiny networks, one seed: a check that it runs
    python benchmarks/quality.py           # 3 seeds, the papers' networks at 64 px

Same as `tf-imgtrans bench quality ...`.
"""

import sys

from tf_imgtrans.bench.common import script_main

if __name__ == "__main__":
    sys.exit(script_main("quality", sys.argv[1:]))
