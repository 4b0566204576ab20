"""Starts `convo serve` (the binary in CONVO_BIN) on a fresh SQLite file and a free port."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from convo import Convo

ADMIN_KEY = "convo_sk_python_sdk_suite_0123456789abc"


class Server:
    def __init__(self, base_url: str, api_key: str) -> None:
        self.base_url = base_url
        self.api_key = api_key


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    binary = os.environ.get("CONVO_BIN")
    if not binary:
        raise RuntimeError("set CONVO_BIN to the convo binary")
    database: Path = tmp_path_factory.mktemp("convo") / "convo.db"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "CONVO_ADMIN_KEY": ADMIN_KEY,
        "CONVO_WEBHOOK_ALLOW_PRIVATE": "true",
        "RUST_LOG": "warn",
    }
    process = subprocess.Popen(
        [binary, "serve", "--listen", f"127.0.0.1:{port}", "--database", str(database)],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{base_url}/readyz").is_success:
                break
        except httpx.TransportError:
            time.sleep(0.05)
    else:
        process.kill()
        raise RuntimeError("convo serve did not start")
    yield Server(base_url, ADMIN_KEY)
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def client(server: Server) -> Iterator[Convo]:
    with Convo(api_key=server.api_key, base_url=server.base_url) as convo:
        yield convo
