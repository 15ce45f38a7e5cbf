"""Vendor Solara's front-end files so the app works with no internet.

Solara serves its JavaScript and CSS through a proxy of a public CDN, caching what it fetched
in ``solara.server.settings.assets.proxy_cache_dir``. A workshop room (or CI) with no internet
then gets a blank page. This script reads the exact ``package@version`` specs Solara's page
template asks for, fetches those packages with ``npm pack`` (the npm client, from whatever
registry it is configured for; the same files the CDN serves) and unpacks them into the proxy
cache, where Solara finds them first.

Run it as ``python scripts/vendor_solara_assets.py [--check]`` (``--check`` only reports
what is missing and exits 1 if anything is); it exits 2 with a one-line message on failure.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

SPEC = re.compile(r"\{\{\s*cdn\s*\}\}/((?:@[\w.-]+/)?[\w.-]+)@(\d+\.\d+\.\d+)")
#: Packages loaded at run time by widgets this app uses, beyond the page template (none yet).
EXTRA: tuple[tuple[str, str], ...] = ()
#: Packages Solara's own widgets load at run time (``this.getCdn()}/NAME@VERSION/``), e.g.
#: the grid layout of Mesa's SolaraViz (``@widgetti/vue-grid-layout``): fetched with the
#: others, but not required for the workshop page (:func:`missing` ignores them).
WIDGET_SPEC = re.compile(r"getCdn\(\)\}/((?:@[\w.-]+/)?[\w.-]+)@(\d+\.\d+\.\d+[\w.-]*?)/")


def widget_packages() -> list[tuple[str, str]]:
    """(name, version) pairs Solara's widgets fetch from the CDN when they are used."""
    import solara

    found: set[tuple[str, str]] = set()
    for vue in (Path(solara.__file__).parent / "widgets" / "vue").glob("*.vue"):
        found.update(WIDGET_SPEC.findall(vue.read_text(encoding="utf-8")))
    return sorted(found)


def required_packages() -> list[tuple[str, str]]:
    """(name, version) pairs referenced by Solara's templates and asset settings."""
    import solara.server.settings as settings

    templates = Path(settings.__file__).parent / "templates"
    found: set[tuple[str, str]] = set(EXTRA)
    for template in templates.glob("*.j2"):
        found.update(SPEC.findall(template.read_text()))
    if settings.assets.fontawesome_enabled:
        match = re.match(r"/((?:@[\w.-]+/)?[\w.-]+)@(\d+\.\d+\.\d+)/",
                         settings.assets.fontawesome_path)
        if match is None:
            raise RuntimeError(f"cannot read a package@version from fontawesome_path "
                               f"{settings.assets.fontawesome_path!r}")
        found.add((match.group(1), match.group(2)))
    return sorted(found)


def cache_dir() -> Path:
    import solara.server.settings as settings

    return Path(settings.assets.proxy_cache_dir)


def fetch_tarball(name: str, version: str, workdir: Path) -> Path:
    """``npm pack name@version`` into ``workdir``; the path of the tarball it wrote."""
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is not installed (it fetches Solara's front-end packages)")
    proc = subprocess.run([npm, "pack", f"{name}@{version}", "--json", "--silent",
                           "--pack-destination", str(workdir)],
                          capture_output=True, text=True, timeout=120, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"npm pack {name}@{version} failed: "
                           f"{(proc.stderr.strip().splitlines() or ['no output'])[-1]}")
    return workdir / json.loads(proc.stdout)[0]["filename"]


def vendor(name: str, version: str, root: Path) -> int:
    """Unpack ``name@version`` (from ``npm pack``) into ``root``; return files written."""
    with tempfile.TemporaryDirectory() as tmp:
        return _unpack(fetch_tarball(name, version, Path(tmp)), name, version, root)


def _unpack(tarball: Path, name: str, version: str, root: Path) -> int:
    target = root / f"{name}@{version}"
    written = 0
    with tarfile.open(tarball, mode="r:gz") as tar:
        for member in tar.getmembers():
            if not member.isfile():
                continue
            relative = Path(*Path(member.name).parts[1:])  # strip the "package/" prefix
            dest = (target / relative).resolve()
            if not dest.is_relative_to(target.resolve()):
                raise RuntimeError(f"{name}@{version}: unsafe path {member.name!r} in tarball")
            dest.parent.mkdir(parents=True, exist_ok=True)
            source = tar.extractfile(member)
            assert source is not None
            dest.write_bytes(source.read())
            written += 1
    return written


def missing() -> list[str]:
    """``name@version`` of every required package not in the cache (empty: works offline)."""
    root = cache_dir()
    return [f"{n}@{v}" for n, v in required_packages()
            if not (root / f"{n}@{v}" / "package.json").exists()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report missing packages")
    args = parser.parse_args(argv)
    root = cache_dir()
    packages = sorted(set(required_packages()) | set(widget_packages()))
    missing = [(n, v) for n, v in packages if not (root / f"{n}@{v}" / "package.json").exists()]
    if args.check:
        for n, v in missing:
            print(f"missing: {n}@{v}")
        print(f"{len(packages) - len(missing)}/{len(packages)} packages vendored in {root}")
        return 1 if missing else 0
    try:
        for name, version in missing:
            count = vendor(name, version, root)
            print(f"vendored {name}@{version} ({count} files)")
    except (OSError, RuntimeError, KeyError, IndexError, ValueError, tarfile.TarError,
            subprocess.TimeoutExpired) as exc:
        print(f"vendor_solara_assets: error: {exc}", file=sys.stderr)
        return 2
    print(f"{len(packages)} Solara asset packages present in {root}")
    return 0
