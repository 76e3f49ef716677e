#!/usr/bin/env bash
# Installs tf_imgtrans with everything its main job uses, on a fresh machine: the package with
# its export extra (LiteRT), the TF.js converter and the npm packages that check TF.js exports.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install -q -e ".[export]"
# The TF.js converter is installed without its dependencies, which would downgrade TensorFlow
# (see tf_imgtrans/export/tfjs.py and ../shared/STACK.md).
python3 -m pip install -q --no-deps tensorflowjs==4.22.0 tf-keras==2.21.0 tensorflow-hub==0.16.1
# Pure-JS @tensorflow/tfjs + wasm backend, to run exported TF.js models in Node for parity checks
# and in the web demo's page, and playwright-core, which drives Debian's chromium in the browser
# tests (it downloads no browser).
npm ci --prefix web_demo --no-audit --no-fund
