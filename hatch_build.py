"""Wheel build hook: the repository's packages go into the wheel under ``sovsim.``.

The repository keeps ``model/``, ``experiments/``, ``ui/``, ``app.py`` and ``scenarios/`` at
its top; the wheel installs them as ``sovsim/model/``, ``sovsim/experiments/``,
``sovsim/ui/``, ``sovsim/app.py`` and ``sovsim/model/shipped_scenarios/``, with every
``import model``-style line rewritten to ``sovsim.model`` by ``scripts/namespace.py``'s
:func:`rewrite` (a no-op once the checkout itself uses the ``sovsim.`` names). Editable
installs are left alone: they import the checkout directly (see ``sovsim/__init__.py``).
"""

from __future__ import annotations

import importlib.util
import tempfile
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

#: repository path -> path inside the wheel
LAYOUT = {"model": "sovsim/model", "experiments": "sovsim/experiments", "ui": "sovsim/ui",
          "app.py": "sovsim/app.py", "scenarios": "sovsim/model/shipped_scenarios",
          "examples": "sovsim/examples"}
SKIP_PARTS = {"__pycache__", ".pytest_cache"}


def _namespace(root: Path):
    spec = importlib.util.spec_from_file_location("_sovsim_namespace",
                                                  root / "scripts" / "namespace.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class SovsimLayout(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        root = Path(self.root)
        namespace = _namespace(root)
        self._tmp = tempfile.TemporaryDirectory(prefix="sovsim-wheel-")
        staged = Path(self._tmp.name)
        for source, dest in LAYOUT.items():
            path = root / source
            files = [path] if path.is_file() else sorted(p for p in path.rglob("*")
                                                         if p.is_file())
            for file in files:
                if SKIP_PARTS & set(file.parts) or file.suffix in (".pyc", ".pyo"):
                    continue
                rel = file.relative_to(path) if path.is_dir() else Path()
                target = f"{dest}/{rel.as_posix()}" if path.is_dir() else dest
                if file.suffix == ".py":
                    text = file.read_text(encoding="utf-8")
                    new = namespace.rewrite(text, root, str(file.relative_to(root)))
                    if new != text:
                        out = staged / target
                        out.parent.mkdir(parents=True, exist_ok=True)
                        out.write_text(new, encoding="utf-8")
                        file = out
                build_data["force_include"][str(file)] = target

    def finalize(self, version: str, build_data: dict, artifact_path: str) -> None:
        tmp = getattr(self, "_tmp", None)
        if tmp is not None:
            tmp.cleanup()
