#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh machine: the package with its test extras,
# and the tools some tests drive (see README "Development").
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install -q -e ".[test]"
