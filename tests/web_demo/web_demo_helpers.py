"""Helpers of the web demo tests: where things are, and the rule for a missing browser."""

from __future__ import annotations

import os
import shutil

import pytest

REQUIRE_BROWSER_ENV = "TF_IMGTRANS_REQUIRE_BROWSER"
CHROMIUM = os.environ.get("TF_IMGTRANS_CHROMIUM", "/usr/bin/chromium")
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def require_browser() -> None:
    """Skips the test without Chromium, Node or playwright-core, or fails it when
    TF_IMGTRANS_REQUIRE_BROWSER=1 (as CI sets)."""
    missing = []
    if not os.path.isfile(CHROMIUM):
        missing.append(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    if shutil.which("node") is None:
        missing.append("no Node.js on PATH")
    playwright = os.path.join(REPO, "web_demo", "node_modules", "playwright-core", "package.json")
    if not os.path.isfile(playwright):
        missing.append("playwright-core is not in web_demo/node_modules (npm ci --prefix web_demo)")
    if not missing:
        return
    reason = "browser tests need " + "; ".join(missing)
    if os.environ.get(REQUIRE_BROWSER_ENV) == "1":
        pytest.fail(f"{reason} ({REQUIRE_BROWSER_ENV}=1: the browser is required here)")
    pytest.skip(reason)
