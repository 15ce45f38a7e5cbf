"""One installed name, ``sovsim`` (issue 11 item 2): the wheel holds nothing else at the top,
its modules import each other as ``sovsim.*``, and in a checkout ``sovsim.model`` is the same
module as ``model``. scripts/namespace.py rewrites a checkout idempotently."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("_namespace", ROOT / "scripts" / "namespace.py")
namespace = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(namespace)


@pytest.mark.parametrize(("before", "after"), [
    ("from model.spec import ScenarioSpec\n", "from sovsim.model.spec import ScenarioSpec\n"),
    ("from model import run\n", "from sovsim.model import run\n"),
    ("    from experiments.cli import UserError\n",
     "    from sovsim.experiments.cli import UserError\n"),
    ("from ui import (\n    actions,\n)\n", "from sovsim.ui import (\n    actions,\n)\n"),
    ("import app\n", "from sovsim import app\n"),
    ("import model\n", "from sovsim import model\n"),
    ("import experiments.design as design\n", "import sovsim.experiments.design as design\n"),
    ("x = 1; from model import run\n", "x = 1; from sovsim.model import run\n"),
    ('m = ["experiments.cli_app", "experiments.cli"]\n',
     'm = ["sovsim.experiments.cli_app", "sovsim.experiments.cli"]\n'),
    ('resources.files("model.data")\n', 'resources.files("sovsim.model.data")\n'),
])
def test_rewrite(before, after):
    assert namespace.rewrite(before) == after
    assert namespace.rewrite(after) == after  # idempotent


@pytest.mark.parametrize("text", [
    'ForeignKey("experiments.id")\n',           # a SQL column, not a module
    '"""from model import run"""\n',             # a docstring
    "# from model import run\n",                 # a comment
    "from modelling import x\nimport uil\n",     # other names
    "from . import spec\nfrom .spec import X\n",  # relative imports
    'f"model.{x}"\n', "'app.py'\n",
    "from sovsim.model import run\n",
])
def test_rewrite_leaves_alone(text):
    assert namespace.rewrite(text) == text


@pytest.mark.parametrize("text", ["import model.spec\n", "import os, model\n"])
def test_rewrite_refuses_what_it_cannot_keep_meaning(text):
    with pytest.raises(namespace.Unsupported, match="<text>:1"):
        namespace.rewrite(text)


def test_checkout_alias_is_one_module_tree():
    import model.spec as repo_name
    import sovsim
    import sovsim.model.spec as installed_name
    from model.model import SovereigntyModel as Same
    from sovsim.model import SovereigntyModel

    assert sovsim.SOURCE_CHECKOUT
    assert installed_name is repo_name and SovereigntyModel is Same
    assert repo_name.__spec__.name == "model.spec"  # its own spec, not the alias's
    assert sovsim.ui is importlib.import_module("ui")


def test_script_rewrites_a_checkout_idempotently_and_it_still_works(tmp_path):
    copy = tmp_path / "repo"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(
        ".git", ".venv", "__pycache__", "*.db", "out", ".pytest_cache", "node_modules"))
    script = [sys.executable, str(copy / "scripts" / "namespace.py"), "--root", str(copy)]
    first = subprocess.run(script, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    assert "rewrote experiments/runner.py" in first.stdout
    again = subprocess.run([*script, "--check"], capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and again.stdout.strip() == "0 file(s) to rewrite"
    assert "from sovsim.model" in (copy / "experiments" / "runner.py").read_text()
    ruff = Path(sys.executable).parent / "ruff"
    if ruff.exists():
        lint = subprocess.run([str(ruff), "check", "--select", "I,F", "."], cwd=copy,
                              capture_output=True, text=True, timeout=120)
        assert lint.returncode == 0, lint.stdout
    probe = ("from sovsim.model import run; import sovsim.experiments.cli as c; "
             "import experiments.cli as d; assert c is d; print(run(steps=2).provenance['steps'])")
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(copy)}
    done = subprocess.run([sys.executable, "-c", probe], cwd=copy, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and done.stdout.strip() == "2", done.stderr
    listed = subprocess.run([sys.executable, "-m", "sovsim", "list"], cwd=copy, env=env,
                            capture_output=True, text=True, timeout=300)
    assert listed.returncode == 0 and "baseline" in listed.stdout, listed.stderr


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    uv = shutil.which("uv") or str(Path(sys.executable).parent / "uv")
    if not Path(uv).exists():
        pytest.skip("uv not installed")
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run([uv, "build", "-q", "--wheel", "-o", str(out), str(ROOT)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return next(out.glob("sovsim-*.whl"))


def test_wheel_has_one_top_level_package(wheel):
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        top = {n.split("/")[0] for n in names}
        assert top == {"sovsim", "sovsim-0.1.0.dist-info"}, top
        for needed in ("sovsim/__init__.py", "sovsim/app.py", "sovsim/model/model.py",
                       "sovsim/experiments/cli.py", "sovsim/ui/server.py",
                       "sovsim/model/shipped_scenarios/baseline.yaml",
                       "sovsim/model/data/asean_states.csv",
                       "sovsim/examples/solaraviz_app.py"):
            assert needed in names
        entry = zf.read("sovsim-0.1.0.dist-info/entry_points.txt").decode()
        assert "sovsim = sovsim.experiments.cli:main" in entry
        for name in names:
            if name.endswith(".py"):
                text = zf.read(name).decode()
                assert namespace.rewrite(text, ROOT, name) == text, f"{name} not rewritten"
        assert 'ForeignKey("experiments.id"' in zf.read("sovsim/experiments/storage.py").decode()
