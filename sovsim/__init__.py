"""sovsim: agent-based simulation of regional AI interdependence, possession versus control.

Import it as ``sovsim``: ``from sovsim.model import SovereigntyModel, run``,
``from sovsim.experiments.runner import run_sweep``, ``sovsim.ui`` and ``sovsim.app`` (the
workshop page). An installed wheel has exactly these packages and nothing at the top level
but ``sovsim``.

In a source checkout the packages sit at the top of the repository (``model/``,
``experiments/``, ``ui/``, ``app.py``, the layout the design card asks for) and import each
other by those names. There this module makes ``sovsim.model`` an alias of ``model`` (the
same module objects, not a second copy), so code written against the installed names runs
unchanged in a checkout. ``hatch_build.py`` gives the wheel the ``sovsim.`` names, and
``scripts/namespace.py`` can rewrite the checkout's own imports the same way.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
from pathlib import Path

#: The repository packages (and the app module) published under ``sovsim.``.
SUBPACKAGES = ("model", "experiments", "ui", "app")

_HERE = Path(__file__).resolve().parent
#: True in a checkout (the packages beside this folder), False in an installed wheel.
SOURCE_CHECKOUT = not (_HERE / "model").is_dir() and (_HERE.parent / "model").is_dir()


class _Alias(importlib.abc.Loader):
    """Loads ``sovsim.X...`` as the already importable ``X...`` (one module object)."""

    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec):
        module = importlib.import_module(self.target)
        self._spec = module.__spec__
        return module

    def exec_module(self, module) -> None:
        # The import system stamped our alias spec on the module; give it back its own,
        # which importlib.resources and reload rely on.
        module.__spec__ = self._spec


class _AliasFinder(importlib.abc.MetaPathFinder):
    prefix = f"{__name__}."

    def find_spec(self, fullname, path=None, target=None):
        if not fullname.startswith(self.prefix):
            return None
        target_name = fullname[len(self.prefix):]
        if target_name.split(".")[0] not in SUBPACKAGES:
            return None
        if importlib.util.find_spec(target_name) is None:
            return None
        return importlib.machinery.ModuleSpec(fullname, _Alias(target_name))


if SOURCE_CHECKOUT:
    if str(_HERE.parent) not in sys.path:
        sys.path.append(str(_HERE.parent))
    if not any(isinstance(f, _AliasFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _AliasFinder())


def __getattr__(name: str):
    if name in SUBPACKAGES:  # `import sovsim; sovsim.model`
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
