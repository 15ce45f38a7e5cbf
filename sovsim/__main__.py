"""``python -m sovsim``: the ``sovsim`` command line."""

import sys

from sovsim.experiments.cli import main

sys.exit(main())
