"""Exports a trained generator to SavedModel (uint8 and float signatures), checked against Keras.

    python export/to_savedmodel.py --model RUN/generator.keras --out OUT [options]

The same as `tf-imgtrans export --format savedmodel`; `--help` lists the options. A JSON report of
size, errors against Keras and latency is written next to the export.
"""

import sys

from tf_imgtrans.cli import main

if __name__ == "__main__":
    sys.exit(main(["export", "--format", "savedmodel", *sys.argv[1:]]))
