"""Exports a trained generator to TFLite (float32, float16, dynamic-range or int8), checked
against Keras.

    python export/to_tflite.py --model RUN/generator.keras --out OUT [options]

The same as `tf-imgtrans export --format tflite`; `--help` lists the options. A JSON report of
size, errors against Keras and latency is written next to the export.
"""

import sys

from tf_imgtrans.cli import main

if __name__ == "__main__":
    sys.exit(main(["export", "--format", "tflite", *sys.argv[1:]]))
