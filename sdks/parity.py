#!/usr/bin/env python3
"""Parity: every operationId of the OpenAPI document has a method in each of the three SDKs.

An SDK implements an operation when its source names the operationId: the TypeScript and
Python SDKs call operations by it (``http.call("listConversations", ...)``), and the Rust SDK
marks each method with ``#[doc(alias = "listConversations")]`` (so docs.rs search finds it),
or names them in a resource macro's ``operations:`` list (which writes those aliases).
Usage: sdks/parity.py  (exit 1 when an SDK lacks an operation)
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SDKS = {
    "typescript": (HERE / "typescript/src", "*.ts", r'"(\w+)"', ["generated"]),
    "python": (HERE / "python/src/convo/_async", "*.py", r'"(\w+)"', []),
    # `#[doc(alias = "op")]`, or the operation names a resource macro is given (`operations:`).
    "rust": (
        HERE.parent / "crates/convo-client/src",
        "*.rs",
        r'doc\(alias = "(\w+)"\)|operations:\s*((?:"\w+",?\s*)+)',
        [],
    ),
}


def operation_ids() -> set[str]:
    document = json.loads((HERE / "openapi.json").read_text())
    return {
        op["operationId"]
        for item in document["paths"].values()
        for method, op in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    }


def named(root: Path, pattern: str, regex: str, skip: list[str]) -> set[str]:
    found: set[str] = set()
    for path in root.rglob(pattern):
        if not any(part in skip for part in path.relative_to(root).parts):
            for match in re.finditer(regex, path.read_text()):
                for group in match.groups() if match.groups() else [match.group(0)]:
                    found.update(re.findall(r"\w+", group or ""))
    return found


def main() -> int:
    wanted = operation_ids()
    failed = False
    for sdk, (root, pattern, regex, skip) in SDKS.items():
        missing = sorted(wanted - named(root, pattern, regex, skip))
        print(f"{sdk:<11} {len(wanted) - len(missing)}/{len(wanted)} operations")
        for op in missing:
            print(f"  missing: {op}")
        failed |= bool(missing)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
