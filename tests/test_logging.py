"""Logging (issue 11 item 13): diagnostics go through ``logging`` (``-v``/``-vv`` on stderr,
``--log-file`` at debug level); the command's own output stays on stdout, unchanged."""

from __future__ import annotations

import logging

from experiments.cli import main

TINY = """name: tiny_log
scenarios: [baseline]
replications: 2
seed: 5
horizon: 2
keep: {level: final}
"""


def test_log_file_and_verbose_keep_stdout_the_same(tmp_path, capsys):
    (tmp_path / "t.yaml").write_text(TINY)
    args = ["sweep", str(tmp_path / "t.yaml"), "--workers", "1", "--no-progress"]
    assert main([*args, "--db", str(tmp_path / "a.db")]) == 0
    quiet = capsys.readouterr()
    log_file = tmp_path / "sweep.log"
    assert main(["-v", "--log-file", str(log_file), *args, "--db",
                 str(tmp_path / "b.db")]) == 0
    loud = capsys.readouterr()
    assert quiet.err == ""
    assert "INFO" in loud.err and "2 runs planned" in loud.err
    # the same lines on stdout (timings and the database name aside), no diagnostics
    assert [line.split()[0] for line in loud.out.splitlines()] == \
        [line.split()[0] for line in quiet.out.splitlines()]
    assert "INFO" not in loud.out and "DEBUG" not in loud.out
    text = log_file.read_text()
    assert "DEBUG" in text and "connected to sqlite:///" in text and "claimed 2 of 2" in text
    assert "creating the sovsim schema" in text


def test_default_shows_warnings_only(tmp_path, capsys):
    main(["list"])
    logging.getLogger("experiments.storage").info("not shown")
    logging.getLogger("experiments.storage").warning("shown")
    err = capsys.readouterr().err
    assert "not shown" not in err and "sovsim: shown" in err


def test_unwritable_log_file_is_one_line(tmp_path, capsys):
    assert main(["--log-file", str(tmp_path / "no" / "x.log"), "list"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("sovsim: error: --log-file"), err


def test_a_library_warning_after_a_fault_stays_off_the_one_line_report(tmp_path, capsys):
    """psycopg's own "error ignored terminating <Pipeline>" after a dropped connection would
    be a second stderr line beside sovsim's one-line fault report: shown only with -v,
    always in the log file."""
    from experiments.cli import configure_logging

    psycopg_log = logging.getLogger("psycopg")
    try:
        configure_logging(0)
        psycopg_log.warning("error ignored terminating <psycopg.Pipeline [BAD]>")
        assert capsys.readouterr().err == ""
        log_file = tmp_path / "d.log"
        configure_logging(1, log_file)
        psycopg_log.warning("second warning")
        assert "second warning" in capsys.readouterr().err
        assert "second warning" in log_file.read_text()
    finally:
        configure_logging(0)
