#!/usr/bin/env python3
"""Fuzzes a running-from-scratch `convo serve` against its own /openapi.json with schemathesis.

Usage: contract/fuzz.py <convo binary> <database: a SQLite path or postgres://...> [examples]

Starts the server on a free port, creates one of everything (so operations are reached with
real ids, not only random ones that answer 404), writes a schemathesis configuration that
fills each operation's path ids with them, and runs `schemathesis run --checks all` with a
fixed seed. Exits non-zero on any failure. Needs schemathesis on PATH (CI installs it in a
virtualenv).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from typing import Any

ADMIN_KEY = "convo_sk_contract_check_admin_key_0123456789"
SEED = 20261202


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Api:
    def __init__(self, base: str) -> None:
        self.base = base

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Authorization", f"Bearer {ADMIN_KEY}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=10) as response:
            text = response.read()
            return json.loads(text) if text else None

    def wait_ready(self, server: subprocess.Popen[bytes]) -> None:
        for _ in range(300):
            if server.poll() is not None:
                sys.exit(f"convo exited with {server.returncode} before it was ready")
            try:
                with urllib.request.urlopen(self.base + "/readyz", timeout=2):
                    return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        sys.exit("convo did not become ready in 30 s")


def seed(api: Api) -> dict[str, dict[str, str]]:
    """One of everything; answers the path parameters of each resource."""

    def one_of_each(tag: str) -> dict[str, dict[str, str]]:
        unit = api.call("POST", "/v1/business-units", {"name": f"Unit {tag}"})
        channel = api.call(
            "POST",
            "/v1/channels",
            {"type": "web", "identifier": f"{tag}.example.com", "name": f"Site {tag}", "business_unit_id": unit["id"]},
        )
        contact = api.call("POST", "/v1/contacts", {"name": f"Customer {tag}", "email": f"{tag}@example.com"})
        user = api.call("POST", "/v1/users", {"name": f"Agent {tag}", "email": f"agent-{tag}@example.com"})
        key = api.call("POST", "/v1/api-keys", {"name": tag, "scopes": ["conversations:read"]})
        conversation = api.call(
            "POST",
            "/v1/conversations",
            {"channel_id": channel["id"], "contact_id": contact["id"], "name": f"Conversation {tag}"},
        )
        api.call("POST", f"/v1/conversations/{conversation['id']}/members", {"user_id": user["id"]})
        message = api.call(
            "POST",
            f"/v1/conversations/{conversation['id']}/messages",
            {"content": "billing question", "message_type": "incoming"},
        )
        webhook = api.call("POST", "/v1/webhooks", {"url": f"http://127.0.0.1:9/{tag}"})
        canned = api.call(
            "POST",
            "/v1/canned-responses",
            {"short_code": tag, "title": f"Canned {tag}", "content": "Hi {{contact.name}}"},
        )
        view = api.call("POST", "/v1/views", {"name": f"View {tag}", "filters": {"status": "open"}})
        ids = {
            "business-units": {"id": unit["id"]},
            "channels": {"id": channel["id"]},
            "contacts": {"id": contact["id"]},
            "users": {"id": user["id"]},
            "api-keys": {"id": key["id"]},
            "conversations": {
                "id": conversation["id"],
                "user_id": user["id"],
                "public_id": conversation["public_id"],
                "conversation_id": conversation["id"],
            },
            "messages": {"id": message["id"]},
            "webhooks": {"id": webhook["id"]},
            "canned-responses": {"id": canned["id"]},
            "views": {"id": view["id"]},
        }
        for _ in range(50):
            deliveries = api.call("GET", f"/v1/webhooks/{webhook['id']}/deliveries")["data"]
            if deliveries:
                ids["webhooks"]["delivery_id"] = deliveries[0]["id"]
                break
            time.sleep(0.1)
        return ids

    return one_of_each("kept")


def path_ids(document: dict[str, Any], kept: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """Real ids for each operation's path parameters, keyed "METHOD /path" (see
    fuzz_hooks.py)."""
    found: dict[str, dict[str, str]] = {}
    for path, item in document["paths"].items():
        resource = next((r for r in kept if f"/{r}" in path), None)
        if resource is None:
            continue
        for method, operation in item.items():
            if method == "delete" and not path.endswith("{user_id}"):
                # Deletes find their objects through the stateful phase's links; a fixed
                # id would be gone after the first one.
                continue
            names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
            values = {n: kept[resource][n] for n in names if n in kept[resource]}
            if values:
                found[f"{method.upper()} {path}"] = values
    return found


# Rules between a value and stored data (a referenced id must exist, one paging style at a
# time, a cursor this list gave out, a current If-Match, no parent cycle, a future snooze
# time) answer 412/422, which no schema can foresee; .ci/run names this.
SETTINGS = """
[checks.positive_data_acceptance]
expected-statuses = ["2XX", 401, 403, 404, 409, 412, 422]

# schemathesis's own list, and 414: a query of values past their maxLength can be longer than
# the 8 KiB the server reads of an address (the single sign-on callback's can).
[checks.negative_data_rejection]
expected-statuses = [400, 401, 403, 404, 405, 406, 409, 414, 415, 422, 428, 429, "5XX"]

# Request templates made from earlier answers carry the answers' required fields and types
# (a contact's `external_id`, a message's `sender`), so requests the document allows were
# reported as violations; generation from the document alone has no such false findings.
[phases.coverage.extra-data-sources]
responses = false

# Schema corrections learned from 4xx messages (a field named in an error taken as required,
# a URL field taken as `format: uri`) likewise made valid requests count as violations: the
# document is what is checked, as written.
[phases.fuzzing.error-feedback]
enabled = false
"""


def fuzz(api: Api, work: str, env: dict[str, str], examples: str) -> int:
    """Seeds data, then runs schemathesis; answers its exit status."""
    document = api.call("GET", "/openapi.json")
    settings = os.path.join(work, "schemathesis.toml")
    with open(settings, "w") as f:
        f.write(SETTINGS)
    spare = api.call("POST", "/v1/api-keys", {"name": "spare", "scopes": ["conversations:read"]})
    ids = {
        "real": path_ids(document, seed(api)),
        "pinned": {"DELETE /v1/api-keys/{id}": {"id": spare["id"]}},
    }
    env["CONVO_CONTRACT_IDS"] = json.dumps(ids)
    env["SCHEMATHESIS_HOOKS"] = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fuzz_hooks.py")
    command = [
        "schemathesis",
        "--config-file",
        settings,
        "run",
        f"{api.base}/openapi.json",
        "--url",
        api.base,
        "--header",
        f"Authorization: Bearer {ADMIN_KEY}",
        "--checks",
        "all",
        "--seed",
        str(SEED),
        "--max-examples",
        examples,
        "--generation-deterministic",
        # NUL is refused on purpose in every text (PostgreSQL cannot store it); the API
        # suite covers that refusal, so generated texts leave it out.
        "--generation-allow-x00",
        "false",
        "--workers",
        "1",
        "--request-timeout",
        "10",
        "--no-color",
    ]
    print("running:", " ".join(command), flush=True)
    return subprocess.call(command, env=env)


def main() -> int:
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    binary, database = sys.argv[1], sys.argv[2]
    examples = sys.argv[3] if len(sys.argv) > 3 else "30"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    work = tempfile.mkdtemp(prefix="convo-contract-")
    if not database.startswith("postgres"):
        database = os.path.join(work, database)
    env = dict(os.environ, CONVO_ADMIN_KEY=ADMIN_KEY, RUST_LOG="warn")
    log_path = os.path.join(work, "server.log")
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [binary, "serve", "--listen", f"127.0.0.1:{port}", "--database", database]
            + ["--webhook-allow-private", "true"]
            # Thousands of quick requests on one key: rate limits would answer 429 to cases the
            # checks expect accepted (the API suite checks the limits themselves).
            + ["--rate-limit", "0", "--anonymous-rate-limit", "0", "--auth-failure-limit", "0"]
            + ["--sign-in-limit", "0"],
            env=env,
            stdout=log,
            stderr=log,
        )
        try:
            Api(base).wait_ready(server)
            status = fuzz(Api(base), work, env, examples)
        finally:
            server.terminate()
            server.wait(timeout=30)
    with open(log_path, "rb") as f:
        errors = [line for line in f.read().decode(errors="replace").splitlines() if " ERROR " in line]
    if errors:
        print("server errors logged:", *errors[:20], sep="\n  ")
    return status


if __name__ == "__main__":
    sys.exit(main())
