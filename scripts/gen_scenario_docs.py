"""Rewrite the generated reference tables in docs/scenarios.md from the declarations."""

from __future__ import annotations

import re
from pathlib import Path

from model.scenario_file import reference_tables

DOC = Path(__file__).resolve().parent.parent / "docs" / "scenarios.md"

if __name__ == "__main__":
    text = DOC.read_text()
    new = re.sub(r"(<!-- scenario-tables:start -->\n).*?(<!-- scenario-tables:end -->)",
                 lambda m: m.group(1) + reference_tables() + m.group(2), text, flags=re.S)
    DOC.write_text(new)
    print(f"updated {DOC}")
