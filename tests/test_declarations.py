"""Every parameter and outcome is declared once, completely, and documented in docs/ODD.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from model import CONSTANTS, LEVERS, OUTCOMES, UNCERTAINTIES
from model.vendors import ARCHETYPES

ODD = Path(__file__).resolve().parent.parent / "docs" / "ODD.md"


@pytest.mark.parametrize("p", LEVERS + UNCERTAINTIES + CONSTANTS, ids=lambda p: p.name)
def test_parameter_is_complete_and_default_in_range(p):
    assert p.unit and p.source and p.label and p.description
    assert p.low <= p.default <= p.high
    assert p.check(p.default) == p.default


@pytest.mark.parametrize("p", LEVERS + UNCERTAINTIES, ids=lambda p: p.name)
def test_check_rejects_out_of_range_and_wrong_types(p):
    with pytest.raises(ValueError, match="expected|out of range"):
        p.check("text")
    if p.type != "bool":
        with pytest.raises(ValueError, match="out of range"):
            p.check(p.high + 1)


def _odd_rows() -> dict[str, list[str]]:
    """First cell -> all cells of every table row naming it (a name may head two rows)."""
    rows: dict[str, list[str]] = {}
    for line in ODD.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) > 3:
            rows.setdefault(cells[0].strip("`"), []).extend(cells)
    return rows


@pytest.mark.parametrize("p", LEVERS + UNCERTAINTIES + CONSTANTS, ids=lambda p: p.name)
def test_odd_documents_every_parameter_with_its_default(p):
    rows = _odd_rows()
    assert p.name in rows, f"docs/ODD.md has no table row for {p.name}"
    assert str(p.default).lower() in [c.lower() for c in rows[p.name]], rows[p.name]


@pytest.mark.parametrize("name", list(OUTCOMES), ids=str)
def test_odd_documents_every_outcome(name):
    assert name in _odd_rows()


@pytest.mark.parametrize("a", ARCHETYPES, ids=lambda a: a.key)
def test_odd_documents_every_supplier(a):
    row = _odd_rows()[a.key]
    assert str(a.quality) in row and str(a.unit_cost) in row


def test_odd_tables_are_current():
    from model.doc_tables import render_tables
    text = ODD.read_text()
    block = re.search(r"<!-- tables:start -->\n(.*?)<!-- tables:end -->", text, re.S)
    assert block, "docs/ODD.md lost its generated tables markers"
    assert block.group(1) == render_tables(), "run: python scripts/gen_docs.py"
