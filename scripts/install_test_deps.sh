#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh machine: what the main job needs
# (scripts/install.sh), plus the test and tfds extras.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
# The tfds extra: the tfds:cycle_gan/NAME loader is tested with tfds.testing.mock_data.
python3 -m pip install -q -e ".[test,tfds,export]"
