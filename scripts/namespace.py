"""Rewrite sovsim's imports from the repository names (``model``, ``experiments``, ``ui``,
``app``) to the installed names (``sovsim.model``, ...).

The repository keeps ``model/``, ``experiments/``, ``ui/`` and ``app.py`` at its top (the
design card asks for that layout) and its modules import each other by those names. A wheel
must not install top-level packages with such common names, so it installs them under
``sovsim.``: the wheel build (``hatch_build.py``) passes every module through
:func:`rewrite` on the way into the wheel. In a checkout, ``sovsim/__init__.py`` makes
``sovsim.model`` and ``model`` the same module objects, so either spelling works there.

Run as a script it rewrites the repository's own files in place, for when the source should
say what the wheel says (do it once, after merging the branches in flight)::

    python scripts/namespace.py            # rewrite in place, list the files changed
    python scripts/namespace.py --check    # list what would change; exit 1 if anything

It is idempotent: a second run changes nothing. What it rewrites, found with the tokenizer
(so docstrings and comments are left alone):

* ``from model... import x`` -> ``from sovsim.model... import x`` (likewise experiments, ui,
  app);
* ``import model.x as y`` -> ``import sovsim.model.x as y``; ``import model`` ->
  ``from sovsim import model``;
* a string literal that is exactly a dotted path into one of these packages and names a
  module or package that exists (``"experiments.cli"``, ``"model.data"``) -> prefixed with
  ``sovsim.``; other strings (``"experiments.id"``, a SQL column) are left alone;
* then ruff re-sorts the import blocks it touched (``--select I --fix``), if installed.

Forms it cannot rewrite safely (``import model.x`` with no alias, ``import a, model``) are
reported as ``file:line`` and make it exit 2.
"""

from __future__ import annotations

import argparse
import io
import re
import shutil
import subprocess
import sys
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "sovsim"
NAMES = ("model", "experiments", "ui", "app")
#: Files and folders the in-place rewrite looks at (relative to the repository root).
TARGETS = ("model", "experiments", "ui", "app.py", "examples", "tests", "benchmarks", "scripts",
           "hatch_build.py")
_DOTTED = re.compile(r"^(model|experiments|ui|app)(\.[A-Za-z_]\w*)+$")


class Unsupported(ValueError):
    """An import form :func:`rewrite` cannot rewrite without changing its meaning."""


def _module_exists(dotted: str, root: Path) -> bool:
    """Whether the first two components of ``dotted`` name a module or package in root."""
    parts = dotted.split(".")
    if parts[0] == "app":
        return False  # app is a module: "app.x" is an attribute, never rewritten
    head = root / parts[0] / parts[1]
    return head.with_suffix(".py").is_file() or head.is_dir()


def rewrite(text: str, root: Path = ROOT, where: str = "<text>") -> str:
    """``text`` (Python source) with the repository's package names under ``sovsim.``."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError) as exc:
        raise Unsupported(f"{where}: cannot tokenize: {exc}") from None
    lines = text.splitlines(keepends=True)
    edits: list[tuple[int, int, int, str]] = []  # (row, start col, end col, replacement)
    start_of_statement = True
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type in (tokenize.NEWLINE, tokenize.NL, tokenize.INDENT, tokenize.DEDENT,
                        tokenize.COMMENT, tokenize.ENCODING):
            start_of_statement = start_of_statement or tok.type != tokenize.COMMENT
            i += 1
            continue
        if tok.type == tokenize.OP and tok.string == ";":
            start_of_statement = True
            i += 1
            continue
        if start_of_statement and tok.type == tokenize.NAME and tok.string in ("from", "import"):
            name = tokens[i + 1] if i + 1 < len(tokens) else None
            if name is not None and name.type == tokenize.NAME and name.string in NAMES:
                row, col = name.start
                if tok.string == "from":
                    edits.append((row, col, col, f"{PACKAGE}."))
                else:
                    edits.append(_import_edit(tokens, i, where))
            elif tok.string == "import":
                _check_multi(tokens, i, where)
        elif tok.type == tokenize.STRING and _plain_string(tok.string):
            body = tok.string[1:-1]
            if _DOTTED.match(body) and _module_exists(body, root):
                row, col = tok.start
                edits.append((row, col + 1, col + 1, f"{PACKAGE}."))
        start_of_statement = False
        i += 1
    for row, start, end, new in sorted(edits, reverse=True):
        line = lines[row - 1]
        lines[row - 1] = line[:start] + new + line[end:]
    return "".join(lines)


def _plain_string(literal: str) -> bool:
    """A one-line string without prefix (no f-, r-, b-string, no triple quotes)."""
    return (len(literal) >= 2 and literal[0] in "'\"" and literal[-1] == literal[0]
            and not literal.startswith(("'''", '"""')))


def _import_edit(tokens: list[tokenize.TokenInfo], i: int,
                 where: str) -> tuple[int, int, int, str]:
    """The edit for ``import NAME[.x...] [as y]`` starting at tokens[i]."""
    j = i + 1
    dotted = [tokens[j].string]
    while tokens[j + 1].string == "." and tokens[j + 2].type == tokenize.NAME:
        dotted.append(tokens[j + 2].string)
        j += 2
    after = tokens[j + 1]
    row, col = tokens[i].start
    if after.string == "as":
        return (row, tokens[i + 1].start[1], tokens[i + 1].start[1], f"{PACKAGE}.")
    if after.string == ",":
        raise Unsupported(f"{where}:{row}: 'import a, b' with a sovsim package: split it")
    if len(dotted) > 1:
        raise Unsupported(f"{where}:{row}: 'import {'.'.join(dotted)}' binds "
                          f"{dotted[0]!r}: write 'import {'.'.join(dotted)} as NAME'")
    end = tokens[i + 1].end[1]
    return (row, col, end, f"from {PACKAGE} import {dotted[0]}")


def _check_multi(tokens: list[tokenize.TokenInfo], i: int, where: str) -> None:
    """``import a, model`` (a sovsim name after a comma) cannot be rewritten in place."""
    j = i + 1
    while j < len(tokens) and tokens[j].type not in (tokenize.NEWLINE, tokenize.ENDMARKER):
        if (tokens[j].string == "," and tokens[j + 1].type == tokenize.NAME
                and tokens[j + 1].string in NAMES):
            raise Unsupported(f"{where}:{tokens[j].start[0]}: 'import a, b' with a sovsim "
                              "package: split it")
        if tokens[j].string == "(":
            return
        j += 1


def python_files(root: Path) -> list[Path]:
    found: list[Path] = []
    for target in TARGETS:
        path = root / target
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            found.extend(p for p in sorted(path.rglob("*.py")) if "__pycache__" not in p.parts)
    return found


def _sort_imports(paths: list[Path], root: Path) -> None:
    """Re-sort the rewritten import blocks (``sovsim.`` sorts differently) with ruff, if it
    is installed; long lines are left for ``ruff check`` to report."""
    ruff = Path(sys.executable).parent / "ruff"
    ruff = str(ruff) if ruff.exists() else shutil.which("ruff")
    if ruff is None:
        print("namespace: ruff not found: run `ruff check --select I --fix .` to re-sort imports")
        return
    subprocess.run([ruff, "check", "-q", "--select", "I", "--fix", *map(str, paths)],
                   cwd=root, check=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="only list the files that would change; exit 1 if any")
    parser.add_argument("--root", type=Path, default=ROOT, help="repository root")
    args = parser.parse_args(argv)
    changed: list[Path] = []
    problems: list[str] = []
    for path in python_files(args.root):
        text = path.read_text(encoding="utf-8")
        try:
            new = rewrite(text, args.root, str(path.relative_to(args.root)))
        except Unsupported as exc:
            problems.append(str(exc))
            continue
        if new != text:
            changed.append(path)
            if not args.check:
                path.write_text(new, encoding="utf-8")
    if changed and not args.check:
        _sort_imports(changed, args.root)
    for problem in problems:
        print(f"namespace: error: {problem}", file=sys.stderr)
    for path in changed:
        print(f"{'would rewrite' if args.check else 'rewrote'} {path.relative_to(args.root)}")
    print(f"{len(changed)} file(s) {'to rewrite' if args.check else 'rewritten'}"
          + (" (run without --check to apply)" if args.check and changed else ""))
    if problems:
        return 2
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
