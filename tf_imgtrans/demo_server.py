"""The web demo's server: the page shipped in the package (`tf_imgtrans/web_demo/`), the TF.js
files it needs from a node_modules folder (`web_demo/node_modules` of a checkout, or
$TF_IMGTRANS_NODE_MODULES), and the exported TF.js models of a folder, on 127.0.0.1 only.

Routes (GET and HEAD):

- ``/`` and the page's own files (``index.html``, ``css/``, ``js/``);
- ``/vendor/<package>/<file>``: only the TF.js dist files the page loads (`VENDOR_FILES`);
- ``/models/index.json``: the models found under the models folder, read afresh on each request;
- ``/models/<folder>/<file>``: the files of those models (``model.json``, weight shards,
  ``manifest.json``).

Anything else is 404; a path that leaves its root (``..``, an absolute path, a symbolic link out)
is 403. Requests whose Host header is not this server's (DNS rebinding) are refused. Responses
carry cross-origin isolation headers, which let the TF.js wasm backend use threads.

Example:
>>> with DemoServer("demo_out/export") as server:  # doctest: +SKIP
...     print(server.url)
http://127.0.0.1:40123/
"""

from __future__ import annotations

import errno
import http.server
import json
import os
import threading
import urllib.parse

from tf_imgtrans.export.node import PAGE_DIR, find_node_modules

HOST = "127.0.0.1"
DEFAULT_PORT = 8765
PAGE_FILES = ("index.html",)
PAGE_FOLDERS = ("css", "js", "img")
# URL under /vendor/ → file under node_modules: the only npm files served.
VENDOR_FILES = {
    f"tfjs/{name}": f"@tensorflow/tfjs/dist/{name}" for name in ("tf.min.js", "tf.min.js.map")
} | {
    f"tfjs-backend-wasm/{name}": f"@tensorflow/tfjs-backend-wasm/dist/{name}"
    for name in (
        "tf-backend-wasm.min.js",
        "tf-backend-wasm.min.js.map",
        "tfjs-backend-wasm.wasm",
        "tfjs-backend-wasm-simd.wasm",
        "tfjs-backend-wasm-threaded-simd.wasm",
    )
}
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".wasm": "application/wasm",
    ".bin": "application/octet-stream",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".svg": "image/svg+xml",
}
SEARCH_DEPTH = 3  # model folders are looked for this deep under the models folder
EXPORT_HINT = (
    "export one with `tf-imgtrans export --model RUN/generator.keras --format tfjs --out "
    "{root}/NAME` (`tf-imgtrans demo` writes demo_out/export/tfjs)"
)


def is_model_folder(folder: str) -> bool:
    return any(os.path.isfile(os.path.join(folder, f)) for f in ("manifest.json", "model.json"))


def model_folders(root: str) -> list[str]:
    """Folders under `root` (itself included, `SEARCH_DEPTH` deep, hidden ones skipped) holding
    a `manifest.json` or a `model.json`, as paths relative to `root` ("." for `root`)."""
    found = []
    for folder, subfolders, _ in os.walk(root):
        rel = os.path.relpath(folder, root)
        depth = 0 if rel == "." else rel.count(os.sep) + 1
        subfolders[:] = sorted(
            s for s in subfolders if not s.startswith(".") and s != "node_modules"
        )
        if depth >= SEARCH_DEPTH:
            subfolders[:] = []
        if is_model_folder(folder):
            found.append(rel)
    return sorted(found)


def describe_model(root: str, rel: str) -> dict:
    """One entry of /models/index.json: id, name, URLs, the manifest and any problems found
    without loading the model (a missing or unreadable manifest.json or model.json)."""
    folder = os.path.join(root, rel)
    url_rel = "" if rel == "." else rel.replace(os.sep, "/") + "/"
    entry = {
        "id": os.path.basename(os.path.abspath(root)) if rel == "." else url_rel.rstrip("/"),
        "url": f"models/{url_rel}",
        "model_url": f"models/{url_rel}model.json",
        "manifest": None,
        "problems": [],
    }
    manifest_path = os.path.join(folder, "manifest.json")
    if not os.path.isfile(manifest_path):
        entry["problems"].append(
            "manifest.json is missing, so the page cannot tell what the model takes; "
            "re-export it with `tf-imgtrans export --format tfjs`"
        )
    else:
        try:
            with open(manifest_path, encoding="utf-8") as f:
                manifest = json.load(f)
            if not isinstance(manifest, dict):
                raise ValueError("not a JSON object")
            entry["manifest"] = manifest
        except (OSError, ValueError) as e:
            entry["problems"].append(f"manifest.json cannot be read: {e}")
    model_file = (entry["manifest"] or {}).get("model", "model.json")
    if not isinstance(model_file, str) or not os.path.isfile(os.path.join(folder, model_file)):
        entry["problems"].append(f"{model_file} is missing from {entry['id']}/")
    entry["name"] = (entry["manifest"] or {}).get("name") or entry["id"]
    entry["size_bytes"] = sum(
        os.path.getsize(os.path.join(folder, f))
        for f in os.listdir(folder)
        if os.path.isfile(os.path.join(folder, f))
    )
    return entry


def list_models(root: str) -> dict:
    """The body of /models/index.json."""
    return {"models": [describe_model(root, rel) for rel in model_folders(root)]}


def check_models_dir(root: str) -> str:
    """The absolute models folder; raises if it is missing or holds no TF.js model."""
    if not os.path.isdir(root):
        raise FileNotFoundError(
            f"No models folder at {root}: {EXPORT_HINT.format(root=root)}. "
            f"Received: --models {root}"
        )
    if not model_folders(root):
        raise ValueError(
            f"No TF.js models in {root} (no folder with a manifest.json or model.json within "
            f"{SEARCH_DEPTH} levels): {EXPORT_HINT.format(root=root)}."
        )
    return os.path.abspath(root)


def resolve_inside(root: str, rel_url: str) -> str | None:
    """The file for the URL path `rel_url` under `root`, or None if the path tries to leave it
    (`..`, absolute parts, backslashes, NUL, or a symbolic link that points outside)."""
    parts = rel_url.split("/")
    if any(p in ("..", ".") or "\\" in p or "\0" in p for p in parts) or rel_url.startswith("/"):
        return None
    path = os.path.realpath(os.path.join(root, *[p for p in parts if p]))
    base = os.path.realpath(root)
    if path != base and not path.startswith(base + os.sep):
        return None
    return path


class DemoRequestHandler(http.server.BaseHTTPRequestHandler):
    """Serves the page, the vendor files and the models of `self.server` (a DemoServer)."""

    server_version = "tf-imgtrans-demo"
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        if self.server.demo.verbose:
            super().log_message(format, *args)

    def do_GET(self):  # noqa: N802 - http.server's naming
        self._respond(send_body=True)

    def do_HEAD(self):  # noqa: N802
        self._respond(send_body=False)

    def _respond(self, send_body: bool) -> None:
        demo = self.server.demo
        host = (self.headers.get("Host") or "").lower()
        if host not in demo.allowed_hosts:
            return self._error(421, f"Unexpected Host header {host!r}: open {demo.url}")
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        if path in ("/", ""):
            path = "/index.html"
        if path == "/models/index.json":
            body = json.dumps(list_models(demo.models_dir), indent=1).encode()
            return self._send(200, body, CONTENT_TYPES[".json"], send_body, cache=False)
        top, _, rest = path.lstrip("/").partition("/")
        if top == "vendor":
            target = VENDOR_FILES.get(rest)
            file = None if target is None else os.path.join(demo.node_modules, target)
        elif top == "models":
            file = resolve_inside(demo.models_dir, rest)
            if file is None:
                return self._error(403, f"Refused: {path} leaves the models folder")
        elif (top in PAGE_FILES and not rest) or top in PAGE_FOLDERS:
            file = resolve_inside(demo.page_dir, path.lstrip("/"))
            if file is None:
                return self._error(403, f"Refused: {path} leaves the page folder")
        else:
            file = None
        if file is None or not os.path.isfile(file):
            return self._error(404, f"Not found: {path}")
        with open(file, "rb") as f:
            body = f.read()
        content_type = CONTENT_TYPES.get(os.path.splitext(file)[1].lower(), "text/plain")
        self._send(200, body, content_type, send_body, cache=top == "vendor")

    def _error(self, status: int, message: str) -> None:
        self._send(status, (message + "\n").encode(), "text/plain; charset=utf-8", True, False)

    def _send(self, status, body: bytes, content_type: str, send_body: bool, cache: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=3600" if cache else "no-cache")
        # Cross-origin isolation: SharedArrayBuffer, hence wasm threads, in the page.
        self.send_header("Cross-Origin-Opener-Policy", "same-origin")
        self.send_header("Cross-Origin-Embedder-Policy", "require-corp")
        self.send_header("Cross-Origin-Resource-Policy", "same-origin")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if send_body:
            self.wfile.write(body)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = False  # a port in use is an error, not shared

    def __init__(self, address, handler, demo: DemoServer):
        self.demo = demo
        super().__init__(address, handler)


class DemoServer:
    """The web demo served on 127.0.0.1 (never another interface).

    Args:
        models_dir: str. A folder holding TF.js exports (folders with model.json, weight shards
            and manifest.json), found up to `SEARCH_DEPTH` levels down.
        port: int. 0 picks a free port.
        page_dir: str or None. The page's folder; default the one shipped in the package
            (`tf_imgtrans/web_demo/`).
        verbose: bool. Log every request to stderr.

    Raises:
        FileNotFoundError / ValueError: no models folder, or no model in it; the page or the npm
            packages missing.
        OSError: the port is in use (the message says so).
    """

    def __init__(
        self,
        models_dir: str,
        port: int = DEFAULT_PORT,
        page_dir: str | None = None,
        verbose: bool = False,
    ):
        self.models_dir = check_models_dir(models_dir)
        self.page_dir = os.path.abspath(page_dir or PAGE_DIR)
        if not os.path.isfile(os.path.join(self.page_dir, "index.html")):
            raise FileNotFoundError(
                f"The web demo page is missing: no index.html in {self.page_dir}. Pass the folder "
                "of a page that has one, or reinstall tf_imgtrans (its wheel ships the page)."
            )
        self.node_modules = find_node_modules()
        self.verbose = verbose
        if not isinstance(port, int) or not 0 <= port <= 65535:
            raise ValueError(f"`port` must be in 0..65535. Received: port={port!r}")
        try:
            self.httpd = _Server((HOST, port), DemoRequestHandler, self)
        except OSError as e:
            if e.errno == errno.EADDRINUSE:
                raise OSError(
                    errno.EADDRINUSE,
                    f"Port {port} on {HOST} is in use: pass --port with another port "
                    "(or --port 0 for any free one)",
                ) from None
            raise
        self.port = self.httpd.server_address[1]
        self.url = f"http://{HOST}:{self.port}/"
        self.allowed_hosts = {f"{HOST}:{self.port}", f"localhost:{self.port}"}
        self._thread: threading.Thread | None = None

    def start(self) -> DemoServer:
        """Serves in a background thread; returns self."""
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serves in this thread until interrupted."""
        try:
            self.httpd.serve_forever()
        finally:
            self.httpd.server_close()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def demo_url(base: str, **params: str) -> str:
    """The page's URL with query parameters (model=ID, backend=cpu|wasm|webgl, size=…)."""
    query = urllib.parse.urlencode({k: v for k, v in params.items() if v is not None})
    return base + ("?" + query if query else "")


__all__ = ["DEFAULT_PORT", "HOST", "DemoServer", "demo_url", "list_models", "resolve_inside"]
