"""Generator latency on each runtime (Keras eager, tf.function, the folded inference graph, XLA,
SavedModel, TFLite float32/float16/int8, TF.js in Node with wasm), FLOPs, GFLOP/s and the share
of this CPU's float32 peak. Prints a table and one JSON line.

    python benchmarks/infer_speed.py --quick                       # tiny networks, < 1 minute
    python benchmarks/infer_speed.py --model unet_256 --sizes 256 512 1024
    python benchmarks/infer_speed.py --model resnet_9blocks --backends tf_function tflite_int8

Same as `tf-imgtrans bench infer_speed ...`.
"""

import sys

from tf_imgtrans.bench.common import script_main

if __name__ == "__main__":
    sys.exit(script_main("infer_speed", sys.argv[1:]))
