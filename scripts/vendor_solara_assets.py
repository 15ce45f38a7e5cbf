"""Vendor Solara's front-end files so the workshop UI works with no internet.

See :mod:`ui.assets`. Usage: ``python scripts/vendor_solara_assets.py [--check]``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ui.assets import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
