"""Rewrite the generated tables in docs/ODD.md from the declarations in model/."""

from __future__ import annotations

import re
from pathlib import Path

from model.doc_tables import render_tables

ODD = Path(__file__).resolve().parent.parent / "docs" / "ODD.md"

if __name__ == "__main__":
    text = ODD.read_text()
    new = re.sub(r"(<!-- tables:start -->\n).*?(<!-- tables:end -->)",
                 lambda m: m.group(1) + render_tables() + m.group(2), text, flags=re.S)
    ODD.write_text(new)
    print(f"updated {ODD}")
