"""schemathesis hooks for contract/fuzz.py (loaded through SCHEMATHESIS_HOOKS).

Path parameters get the ids of objects that exist (CONVO_CONTRACT_IDS: `real`, a JSON object
of "METHOD /path" to parameter values), so generated requests reach the handlers' logic rather
than stopping at 404. Left alone: cases whose path is the deliberately invalid part, and the
stateful phase, which follows links from the objects it creates itself. `pinned` ids apply in
every phase: deleting an API key always deletes a spare one, never the key the run uses.
"""

from __future__ import annotations

import json
import os
from typing import Any

import schemathesis
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation import GenerationMode
from schemathesis.generation.meta import TestPhase

IDS: dict[str, dict[str, dict[str, str]]] = json.loads(os.environ.get("CONVO_CONTRACT_IDS", "{}"))


@schemathesis.hook
def before_call(ctx: Any, case: Any, **kwargs: Any) -> None:
    operation = f"{case.operation.method.upper()} {case.operation.path}"
    pinned = IDS.get("pinned", {}).get(operation)
    if pinned:
        case.path_parameters.update(pinned)
        return
    ids = IDS.get("real", {}).get(operation)
    if not ids:
        return
    meta = case.meta
    if meta is not None:
        if meta.phase.name == TestPhase.STATEFUL:
            return
        path = meta.components.get(ParameterLocation.PATH)
        if path is not None and path.mode == GenerationMode.NEGATIVE:
            return
    case.path_parameters.update(ids)
