#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh machine: the package with its test extras,
# and the tools some tests drive (see README "Development").
set -euo pipefail
cd "$(dirname "$0")/.."
# The tfds extra: the tfds:cycle_gan/NAME loader is tested with tfds.testing.mock_data.
python3 -m pip install -q -e ".[test,tfds]"
# Export tests: the LiteRT interpreter runs .tflite files; the TF.js converter is installed without
# its dependencies, which would downgrade TensorFlow (see tf_imgtrans/export/tfjs.py); the npm
# packages of web_demo (pure-JS @tensorflow/tfjs + wasm backend) run TF.js models in Node.
python3 -m pip install -q "ai-edge-litert==2.3.0"
python3 -m pip install -q --no-deps tensorflowjs==4.22.0 tf-keras==2.21.0 tensorflow-hub==0.16.1
npm ci --prefix web_demo --no-audit --no-fund
