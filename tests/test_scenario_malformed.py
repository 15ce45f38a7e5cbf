"""The malformed-scenario corpus: every bad file gives its own one-line message, exit 2.

Files live in tests/malformed/; the expected substrings (field path, problem, bad value,
what is allowed) in tests/malformed_expected.yaml. The byte-level files were written with
``Path.write_bytes``: binary.yaml (PNG header), latin1.yaml ("café" in Latin-1), utf16.yaml
(UTF-16 with BOM), huge.yaml (> MAX_BYTES of comments).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
import yaml

from experiments.cli import main
from model.scenario_file import MAX_BYTES, ScenarioError, load_scenario

HERE = Path(__file__).parent
CORPUS = HERE / "malformed"
EXPECTED: dict[str, list[str]] = yaml.safe_load((HERE / "malformed_expected.yaml").read_text())
FILES = sorted(p.name for p in CORPUS.glob("*.yaml"))
ROOT = HERE.parent


def test_corpus_and_expectations_match():
    assert len(FILES) >= 30
    assert set(FILES) == set(EXPECTED), "every corpus file needs an expected message"
    assert (CORPUS / "huge.yaml").stat().st_size > MAX_BYTES


@pytest.mark.parametrize("name", FILES)
def test_validate_gives_the_specific_one_line_message(name, capsys):
    path = CORPUS / name
    rc = main(["validate", str(path)])
    out, err = capsys.readouterr()
    assert rc == 2
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 2, err  # the error, then "1 of 1 file(s) invalid"
    message = lines[0]
    assert message.startswith("sovsim: error: ")
    assert "Traceback" not in err
    for part in EXPECTED[name]:
        assert part in message, f"{part!r} not in {message!r}"


@pytest.mark.parametrize("name", FILES)
def test_loader_raises_scenario_error_with_fields(name):
    with pytest.raises(ScenarioError) as info:
        load_scenario(CORPUS / name)
    err = info.value
    assert err.file and err.field and err.problem
    assert "\n" not in str(err)
    assert str(err).startswith(f"{err.file}: {err.field}: {err.problem}")


def test_whole_corpus_through_the_real_cli_in_bounded_time():
    """One subprocess, the installed entry point's code path: exit 2, no traceback."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "experiments.cli", "validate",
                           *[str(CORPUS / f) for f in FILES]], capture_output=True, text=True,
                          env=env, timeout=120, cwd=ROOT)
    assert time.monotonic() - start < 60
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr + proc.stdout
    lines = proc.stderr.splitlines()
    assert len(lines) == len(FILES) + 1
    assert lines[-1] == f"{len(FILES)} of {len(FILES)} file(s) invalid"
    assert proc.stdout == ""


@pytest.mark.parametrize("name", ["alias_bomb.yaml", "huge.yaml", "deep_nesting.yaml",
                                  "too_many_aliases.yaml", "too_many_values.yaml"])
def test_hostile_files_fail_fast_and_small(name):
    start = time.monotonic()
    with pytest.raises(ScenarioError):
        load_scenario(CORPUS / name)
    assert time.monotonic() - start < 5.0  # typically 0.01-0.4 s; slack for a loaded CI box
    tracemalloc.start()  # measured separately: tracing slows Python several-fold
    with pytest.raises(ScenarioError):
        load_scenario(CORPUS / name)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 20 * 2**20


def test_a_much_bigger_file_is_never_read_whole(tmp_path):
    big = tmp_path / "big.yaml"
    with big.open("wb") as f:
        f.truncate(50 * 2**20)  # 50 MB sparse file
    tracemalloc.start()
    with pytest.raises(ScenarioError, match="file too large"):
        load_scenario(big)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 5 * 2**20


def test_python_tag_never_runs(tmp_path):
    marker = tmp_path / "pwned"
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"name: !!python/object/apply:os.system ['touch {marker}']\n")
    with pytest.raises(ScenarioError, match="tag not allowed"):
        load_scenario(bad)
    assert not marker.exists()
