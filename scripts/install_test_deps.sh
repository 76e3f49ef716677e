#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh machine: what the main job needs
# (scripts/install.sh), the test and tfds extras, Debian's chromium for the browser tests and the
# CPU PyTorch that the reference comparison runs, so that the README's test command skips nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
# The tfds extra: the tfds:cycle_gan/NAME loader is tested with tfds.testing.mock_data.
python3 -m pip install -q -e ".[test,tfds,export]"
# The web demo's and the run report's browser tests drive Debian's chromium headless (through
# playwright-core from npm, which downloads no browser). apt needs root or password-less sudo;
# without either those tests skip, and pytest's summary says so.
if [ ! -x /usr/bin/chromium ]; then
  if ! command -v apt-get >/dev/null; then
    echo "install_test_deps: no apt-get: chromium not installed, the browser tests will skip" >&2
  elif [ "$(id -u)" = 0 ] || sudo -n true 2>/dev/null; then
    sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo -n"
    $sudo apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
  else
    echo "install_test_deps: no root or sudo: chromium not installed, the browser tests will skip" >&2
  fi
fi
# PyTorch for the PyTorch re-implementation of the reference (train_speed and its tests); it is
# not a dependency of tf_imgtrans. Pinned: on the project's CI machines this is a CPU build.
python3 -m pip install -q torch==2.13.0
