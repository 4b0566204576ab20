#!/usr/bin/env python3
"""Writes the sync client (`src/convo/_sync/`) from the async one (`src/convo/_async/`) with
unasync, as httpcore does: `async`/`await` go, `AsyncX` classes become `X`, asyncio's sleep
becomes time's. CI fails when the committed `_sync/` differs from what this writes."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import unasync

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "src/convo/_async"
TARGET = HERE / "src/convo/_sync"

REPLACEMENTS = {
    "AsyncClient": "Client",
    "aclose": "close",
    "asyncio": "time",
    "aconnect_sse": "connect_sse",
    "aiter_sse": "iter_sse",
    "aread": "read",
    "__aenter__": "__enter__",
    "__aexit__": "__exit__",
}


def main() -> None:
    files = sorted(str(path) for path in SOURCE.glob("*.py"))
    classes = {
        name: name.removeprefix("Async")
        for path in files
        for name in re.findall(r"^class (Async\w+)", Path(path).read_text(), flags=re.M)
    }
    rule = unasync.Rule("/_async/", "/_sync/", additional_replacements={**REPLACEMENTS, **classes})
    unasync.unasync_files(files, [rule])
    for path in TARGET.glob("*.py"):
        header = f"# Generated from _async/{path.name} by make_sync.py; do not edit.\n"
        path.write_text(header + path.read_text())
    ruff = [sys.executable, "-m", "ruff"]
    # Loops that unasync leaves as `for x in y: yield x` become `yield from y`; imports resorted.
    subprocess.run([*ruff, "check", "--quiet", "--fix", "--unsafe-fixes", str(TARGET)], check=True)
    subprocess.run([*ruff, "format", "--quiet", str(TARGET)], check=True)


if __name__ == "__main__":
    main()
