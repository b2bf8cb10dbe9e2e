"""No outbound connection, ever: the CLI and the server run with the socket layer guarded."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

# installed before anything else runs: any name lookup or connection beyond this machine is recorded and refused
GUARD = r"""
import json, os, socket, sys
attempts = []
LOCAL = ("127.0.0.1", "localhost", "::1", None, "")
real_getaddrinfo, real_connect = socket.getaddrinfo, socket.socket.connect
def getaddrinfo(host, *args, **kwargs):
    if host not in LOCAL:
        attempts.append(f"lookup {host}")
        raise socket.gaierror(f"blocked lookup of {host}")
    return real_getaddrinfo(host, *args, **kwargs)
def connect(self, address):
    host = address[0] if isinstance(address, tuple) else None
    if self.family in (socket.AF_INET, socket.AF_INET6) and host not in LOCAL:
        attempts.append(f"connect {address}")
        raise ConnectionRefusedError(f"blocked connection to {address}")
    return real_connect(self, address)
socket.getaddrinfo, socket.socket.connect = getaddrinfo, connect
import atexit
atexit.register(lambda: print("ATTEMPTS " + json.dumps(attempts), file=sys.stderr))
"""

SERVE = r"""
from fastapi.testclient import TestClient
from qa.services import build_services
from qa.settings import Settings
from qa.web import create_app
app = create_app(build_services(Settings(index_dir=sys.argv[1])))
with TestClient(app) as client:
    assert client.get("/").status_code == 200
    assert client.post("/api/ask", json={"question": "德马吉森精机平湖项目总投资多少？"}).status_code == 200
    assert client.get("/gradio_api/info").status_code == 200
    assert client.get("/docs").status_code == 200
"""


def _attempts(stderr: str) -> list[str]:
    line = next(line for line in stderr.splitlines() if line.startswith("ATTEMPTS "))
    return list(json.loads(line.removeprefix("ATTEMPTS ")))


def test_cli_and_server_contact_no_other_host(seeds_index: Path, tiny_model: Path) -> None:
    env_model = {"QA_EMBEDDING_MODEL": "BAAI/bge-small-zh-v1.5"}  # configured but not on this machine
    ask = GUARD + "from qa.cli import main\nsys.exit(main(sys.argv[1:]))"
    for model in (env_model, {"QA_EMBEDDING_MODEL": str(tiny_model)}):
        args = ["--index", str(seeds_index), "ask", "德马吉森精机平湖项目总投资多少？"]
        if model["QA_EMBEDDING_MODEL"] == str(tiny_model):
            args = ["--index", str(seeds_index.parent / "offline-tiny"), "ingest", str(ROOT / "seeds")]
        run = subprocess.run([sys.executable, "-c", ask, *args], cwd=ROOT, capture_output=True, text=True,
                             timeout=300, env={**_clean_env(), **model})
        assert run.returncode == 0, run.stderr[-2000:]
        assert _attempts(run.stderr) == [], (model, _attempts(run.stderr))
    served = subprocess.run([sys.executable, "-c", GUARD + SERVE, str(seeds_index)], cwd=ROOT, capture_output=True,
                            text=True, timeout=300, env={**_clean_env(), **env_model})
    assert served.returncode == 0, served.stderr[-2000:]
    assert _attempts(served.stderr) == []


def _clean_env() -> dict[str, str]:
    import os

    drop = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "GRADIO_ANALYTICS_ENABLED", "HF_HUB_DISABLE_TELEMETRY")
    return {k: v for k, v in os.environ.items() if k not in drop}
