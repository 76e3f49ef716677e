"""Exports a trained generator to a TF.js graph model with manifest.json, checked against Keras.

    python export/to_tfjs.py --model RUN/generator.keras --out OUT [options]

The same as `tf-imgtrans export --format tfjs`; `--help` lists the options. A JSON report of
size, errors against Keras and latency is written next to the export.
"""

import sys

from tf_imgtrans.cli import main

if __name__ == "__main__":
    sys.exit(main(["export", "--format", "tfjs", *sys.argv[1:]]))
