"""``sovsim app``: start the workshop UI (a Solara server for ``app.py``)."""

from __future__ import annotations

import argparse
import subprocess

from experiments.cli import UserError


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "app", help="start the workshop UI in the browser",
        description="Start the workshop UI (Solara) for facilitators and students. It works "
                    "without internet once scripts/vendor_solara_assets.py has run (setup.sh "
                    "does this).",
        epilog="examples:\n  sovsim app\n  sovsim app --host 0.0.0.0 --port 8765   "
               "# reachable by the room\n",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default: 127.0.0.1; 0.0.0.0 for the room)")
    p.add_argument("--port", type=int, default=8765, help="port (default: 8765)")
    p.add_argument("--dev", action="store_true", help="development mode (auto-reload)")
    p.set_defaults(func=cmd_app)


def cmd_app(args: argparse.Namespace) -> int:
    from ui import server

    if not server.APP.is_file():
        raise UserError(f"{server.APP} not found: sovsim app runs from a source checkout")
    missing = server.missing_assets()
    if missing:
        raise UserError(f"front-end files not vendored ({', '.join(missing)}); run "
                        "python scripts/vendor_solara_assets.py once while online")
    if not 0 < args.port < 65536:
        raise UserError(f"--port {args.port}: expected 1-65535")
    print(f"sovsim workshop UI on http://{args.host}:{args.port}/ (Ctrl-C to stop)")
    cmd = server.command(args.host, args.port, production=not args.dev)
    return subprocess.call(cmd, cwd=server.ROOT, env=server.environment())
