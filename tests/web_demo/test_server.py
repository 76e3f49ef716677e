"""The demo server: what it lists and serves, what it refuses, and its errors."""

from __future__ import annotations

import errno
import http.client
import json
import os
import socket
import subprocess
import sys

import pytest

from tf_imgtrans.cli import main
from tf_imgtrans.demo_server import DemoServer, list_models, resolve_inside


def _fake_model(folder, manifest: bool = True) -> None:
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "model.json"), "w") as f:
        json.dump({"format": "graph-model", "weightsManifest": []}, f)
    with open(os.path.join(folder, "group1-shard1of1.bin"), "wb") as f:
        f.write(b"\0" * 16)
    if manifest:
        with open(os.path.join(folder, "manifest.json"), "w") as f:
            json.dump({"name": os.path.basename(folder) + "_net", "kind": "pix2pix"}, f)


@pytest.fixture
def models(tmp_path):
    root = tmp_path / "models"
    _fake_model(root / "a")
    _fake_model(root / "run" / "export" / "tfjs")
    _fake_model(root / "c", manifest=False)
    (root / "notes").mkdir()
    (tmp_path / "secret.txt").write_text("outside the models folder")
    return root


@pytest.fixture
def server(models):
    with DemoServer(str(models), port=0) as s:
        yield s


def _get(server, path: str, method: str = "GET", host: str | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    conn.putheader("Host", host or f"127.0.0.1:{server.port}")
    conn.endheaders()
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response, body


def test_listing_finds_nested_models_and_names_problems(models):
    entries = {e["id"]: e for e in list_models(str(models))["models"]}
    assert sorted(entries) == ["a", "c", "run/export/tfjs"]
    assert entries["a"]["name"] == "a_net" and entries["a"]["problems"] == []
    assert entries["run/export/tfjs"]["model_url"] == "models/run/export/tfjs/model.json"
    assert entries["a"]["size_bytes"] == sum(
        os.path.getsize(models / "a" / f) for f in os.listdir(models / "a")
    )
    (problem,) = entries["c"]["problems"]
    assert "manifest.json is missing" in problem


def test_a_model_folder_itself_is_listed(models):
    (entry,) = list_models(str(models / "a"))["models"]
    assert entry["id"] == "a" and entry["model_url"] == "models/model.json"


def test_serves_page_vendor_files_and_models(server):
    for path, content_type in [
        ("/", "text/html"),
        ("/js/app.js", "text/javascript"),
        ("/css/demo.css", "text/css"),
        ("/vendor/tfjs/tf.min.js", "text/javascript"),
        ("/vendor/tfjs-backend-wasm/tfjs-backend-wasm-simd.wasm", "application/wasm"),
        ("/models/a/model.json", "application/json"),
        ("/models/a/group1-shard1of1.bin", "application/octet-stream"),
    ]:
        response, body = _get(server, path)
        assert response.status == 200, path
        assert response.getheader("Content-Type").startswith(content_type), path
        assert len(body) == int(response.getheader("Content-Length")) > 0
    response, body = _get(server, "/models/index.json")
    assert [m["id"] for m in json.loads(body)["models"]] == ["a", "c", "run/export/tfjs"]
    # Cross-origin isolation, which lets the wasm backend use its threaded build.
    assert response.getheader("Cross-Origin-Opener-Policy") == "same-origin"
    assert response.getheader("Cross-Origin-Embedder-Policy") == "require-corp"


def test_head_has_no_body(server):
    response, body = _get(server, "/js/app.js", method="HEAD")
    assert response.status == 200 and body == b"" and int(response.getheader("Content-Length")) > 0


def test_listing_is_read_afresh(server, models):
    _fake_model(models / "later")
    _, body = _get(server, "/models/index.json")
    assert "later" in [m["id"] for m in json.loads(body)["models"]]


@pytest.mark.parametrize(
    "path",
    [
        "/package.json",
        "/node_modules/@tensorflow/tfjs/package.json",
        "/vendor/tfjs/package.json",
        "/tools/browser.mjs",
        "/models/a/nothing.bin",
    ],
)
def test_other_files_are_not_served(server, path):
    response, _ = _get(server, path)
    assert response.status == 404


@pytest.mark.parametrize(
    "path",
    [
        "/models/../secret.txt",
        "/models/%2e%2e/secret.txt",
        "/models/a/../../secret.txt",
        "/models/..%2fsecret.txt",
        "/js/../../setup.cfg",
        "/models//etc/passwd",
    ],
)
def test_path_traversal_is_refused(server, path):
    response, body = _get(server, path)
    assert response.status in (403, 404) and b"outside the models" not in body
    assert b"[metadata]" not in body and b"root:" not in body


def test_symbolic_link_out_of_the_models_folder_is_refused(server, models, tmp_path):
    os.symlink(tmp_path / "secret.txt", models / "a" / "link.txt")
    response, body = _get(server, "/models/a/link.txt")
    assert response.status == 403 and b"outside" not in body


def test_resolve_inside(tmp_path):
    assert resolve_inside(str(tmp_path), "a/b.json") == os.path.join(tmp_path, "a", "b.json")
    for bad in ("../x", "a/../../x", "/etc/passwd", "a\\..\\x", "a/./b"):
        assert resolve_inside(str(tmp_path), bad) is None, bad


def test_foreign_host_header_is_refused(server):
    response, _ = _get(server, "/models/index.json", host="evil.example:80")
    assert response.status == 421


def test_bound_to_loopback_only(server):
    assert server.httpd.server_address[0] == "127.0.0.1"
    # Another address of this machine, where it has one, must not reach the server.
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("10.255.255.255", 1))
        other = probe.getsockname()[0]
    except OSError:
        other = None
    finally:
        probe.close()
    if other and not other.startswith("127."):
        with pytest.raises(OSError):
            socket.create_connection((other, server.port), timeout=2).close()


def test_missing_and_empty_models_folders(tmp_path):
    with pytest.raises(FileNotFoundError, match="No models folder at .*nope.*tf-imgtrans export"):
        DemoServer(str(tmp_path / "nope"), port=0)
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="No TF.js models in .*empty"):
        DemoServer(str(tmp_path / "empty"), port=0)


def test_port_in_use(models):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(OSError, match=f"Port {port} on 127.0.0.1 is in use") as info:
            DemoServer(str(models), port=port)
        assert info.value.errno == errno.EADDRINUSE


def test_cli_errors_are_one_line(models, tmp_path, capsys):
    assert main(["serve-demo", "--models", str(tmp_path / "nope")]) == 2
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        assert main(["serve-demo", "--models", str(models), "--port", port]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and "No models folder" in err[0] and "is in use" in err[1]


def test_cli_serves_until_stopped(models):
    proc = subprocess.Popen(
        [sys.executable, "-m", "tf_imgtrans.cli", "serve-demo", "--models", str(models)]
        + ["--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    try:
        line = proc.stdout.readline()
        assert line.startswith("Web demo at http://127.0.0.1:"), line
        assert "2 of 3 models usable" in line
        assert "c: manifest.json is missing" in proc.stdout.readline()
        port = int(line.split("127.0.0.1:")[1].split("/")[0])
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/models/index.json")
        assert conn.getresponse().status == 200
        conn.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
