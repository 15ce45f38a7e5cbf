"""Rewrite the generated tables in docs/ODD.md and docs/scenarios.md from the declarations.

    .venv/bin/python scripts/gen_docs.py

Each document keeps its tables between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->``
markers; tests fail when a document's tables drift from the code.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from model.doc_tables import render_tables
from model.scenario_file import reference_tables

DOCS = Path(__file__).resolve().parent.parent / "docs"
GENERATED: tuple[tuple[Path, str, Callable[[], str]], ...] = (
    (DOCS / "ODD.md", "tables", render_tables),
    (DOCS / "scenarios.md", "scenario-tables", reference_tables),
)


def rewrite(path: Path, marker: str, render: Callable[[], str]) -> None:
    text = path.read_text()
    pattern = rf"(<!-- {marker}:start -->\n).*?(<!-- {marker}:end -->)"
    if not re.search(pattern, text, flags=re.S):
        raise SystemExit(f"{path}: no <!-- {marker}:start/end --> markers")
    path.write_text(re.sub(pattern, lambda m: m.group(1) + render() + m.group(2), text,
                           flags=re.S))
    print(f"updated {path}")


if __name__ == "__main__":
    for path, marker, render in GENERATED:
        rewrite(path, marker, render)
