"""A corpus of hostile share links and pastes, shared by the unit and browser tests.

Each link is built from raw JSON text (so it can carry ``Infinity`` and ``NaN``, which
Python's ``json.dumps`` would not write on purpose) and encoded exactly as the app encodes.
"""

from __future__ import annotations

import base64
import json
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Text that appears in server files a hostile input might name; none may reach a page.
SERVER_SECRETS = ("root:x:0", "hatchling", "[project]", "requires =", "sovsim lets you",
                  str(ROOT), "Traceback", "File \"/")


def token(json_text: str, level: int = 9) -> str:
    packed = zlib.compress(json_text.encode(), level)
    return base64.urlsafe_b64encode(packed).decode().rstrip("=")


def link(**fields: object) -> str:
    """A version-1 share link on the baseline, with ``fields`` as raw JSON text."""
    body = {"v": "1", "sc": '"baseline"', "val": "{}", "ov": "{}", "ev": "[]", "t": "40",
            "f": '"region"', "ens": "false", "n": "20", "tab": "0", "cmp": '["", ""]'}
    body.update({k: str(v) for k, v in fields.items()})
    text = "{" + ",".join(f'"{k}":{v}' for k, v in body.items() if v != "DROP") + "}"
    return f"?s={token(text)}"


def carried(yaml_text: str, **fields: object) -> str:
    """A link carrying a scenario in full (as an uploaded scenario's link does)."""
    fields.setdefault("file", '"pasted.yaml"')
    return link(sc="DROP", yaml=json.dumps(yaml_text), **fields)


def _many_events(n: int) -> str:
    return "[" + ",".join('{"step":2,"kind":"regional_summit","targets":"all"}'
                          for _ in range(n)) + "]"


PASTES: dict[str, str] = {
    "extends pyproject.toml": "extends: pyproject.toml\n",
    "extends README.md": "extends: README.md\n",
    "extends /etc/passwd": "extends: /etc/passwd\n",
    "extends ../pyproject.toml": "extends: ../pyproject.toml\n",
    "extends long name": "extends: " + "a" * 5000 + "\n",
    "extends smuggled by a merge key": "description: &x {extends: pyproject.toml}\n<<: *x\n",
    "horizon .inf": "extends: baseline\nhorizon: .inf\n",
    "horizon over the workshop limit": "extends: baseline\nhorizon: 400\n",
    "lever .inf": "extends: baseline\npolicies:\n  all:\n    ai_budget_share: .inf\n",
    "not a mapping": "- 1\n- 2\n",
}

LINKS: dict[str, str] = {
    "cmp /etc/passwd": link(tab=1, cmp='["/etc/passwd", "baseline"]'),
    "cmp ../pyproject.toml": link(tab=1, cmp='["baseline", "../pyproject.toml"]'),
    "cmp pyproject.toml": link(tab=1, cmp='["pyproject.toml", ""]'),
    "cmp README.md": link(tab=1, cmp='["README.md", ""]'),
    "cmp unknown name": link(tab=1, cmp='["no_such_scenario", ""]'),
    "cmp not a list": link(tab=1, cmp='{"a": 1}'),
    "cmp three names": link(cmp='["", "", ""]'),
    "sc /etc/passwd": link(sc='"/etc/passwd"'),
    "sc ../pyproject.toml": link(sc='"../pyproject.toml"'),
    "sc a number": link(sc="7"),
    "file path with a good scenario": carried("extends: baseline\n",
                                              file='"../../etc/passwd"', t=0),
    "step Infinity": link(t="Infinity"),
    "step NaN": link(t="NaN"),
    "step text": link(t='"x"'),
    "step huge": link(t="1e308"),
    "step true": link(t="true"),
    "lever Infinity": link(val='{"own_evaluation_share": Infinity}'),
    "lever text": link(val='{"own_evaluation_share": "x"}'),
    "lever unknown": link(val='{"no_such_lever": 1}'),
    "override not a mapping": link(ov='{"SGP": 3}'),
    "event step Infinity": link(ev='[{"step": Infinity, "kind": "regional_summit"}]'),
    "event step text": link(ev='[{"step": "x", "kind": "regional_summit"}]'),
    "event unknown kind": link(ev='[{"step": 2, "kind": "meteor"}]'),
    "event bad targets": link(ev='[{"step": 2, "kind": "regional_summit", "targets": 5}]'),
    "200,000 live events": link(ev=_many_events(200_000)),
    "61 live events": link(ev=_many_events(61)),
    "ensemble size a billion": link(n=10**9),
    "ensemble size text": link(n='"50"'),
    "tab 99": link(tab=99),
    "focus unknown": link(f='"XXX"'),
    "zlib bomb": "?s=" + token('{"v":1,"pad":"' + " " * 30_000_000 + '"}'),
    "token too long": "?s=" + "A" * 65_000,
    "not base64": "?s=%%%%",
    "not json": "?s=" + token("not json"),
    "deep json": "?s=" + token("[" * 100_000 + "]" * 100_000),
    "other version": link(v=99),
    **{f"carried: {k}": carried(v) for k, v in PASTES.items()},
}


#: A cross-section for the browser (a page load each): paths, huge payloads, unknown names,
#: non-numbers and a carried scenario naming a server file.
BROWSER_LINKS = ("cmp /etc/passwd", "cmp ../pyproject.toml", "cmp unknown name",
                 "sc /etc/passwd", "step Infinity", "step text", "event step Infinity",
                 "200,000 live events", "61 live events", "zlib bomb", "token too long",
                 "carried: extends pyproject.toml", "carried: extends smuggled by a merge key",
                 "carried: horizon .inf")


def assert_harmless(message: str) -> None:
    """A one-line message that quotes no server file and no server path."""
    assert message, "expected a message"
    assert "\n" not in message, message
    for secret in SERVER_SECRETS:
        assert secret not in message, (secret, message)
