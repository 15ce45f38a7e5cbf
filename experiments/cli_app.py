"""``sovsim app``: start the workshop UI (a Solara server for ``app.py``)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from experiments.cli import UserError


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "app", help="start the workshop UI in the browser",
        description="Start the workshop UI (Solara) for facilitators and students. It works "
                    "without internet once its front-end files are vendored: run "
                    "`sovsim app --vendor-assets` once while online (setup.sh does this in a "
                    "checkout). Stop it with Ctrl-C or kill: the server is this process.",
        epilog="examples:\n  sovsim app --vendor-assets               # once, while online\n"
               "  sovsim app\n  sovsim app --host 0.0.0.0 --port 8765   "
               "# reachable by the room\n",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default: 127.0.0.1; 0.0.0.0 for the room)")
    p.add_argument("--port", type=int, default=8765, help="port (default: 8765)")
    p.add_argument("--dev", action="store_true", help="development mode (auto-reload)")
    p.add_argument("--rooms-db", type=Path, default=None, metavar="FILE",
                   help="SQLite file for participatory-workshop rooms (default: "
                        "$SOVSIM_ROOMS_DB, else ~/.local/share/sovsim/rooms.sqlite)")
    p.add_argument("--vendor-assets", action="store_true",
                   help="fetch the UI's front-end files (npm) into this Python environment "
                        "so the page renders offline, then exit")
    p.set_defaults(func=cmd_app)


def cmd_app(args: argparse.Namespace) -> int:
    from ui import assets, server

    if args.vendor_assets:
        return assets.main([])
    if not server.APP.is_file():
        raise UserError(f"{server.APP} not found: reinstall sovsim")
    missing = server.missing_assets()
    if missing:
        raise UserError(f"front-end files not vendored ({', '.join(missing)}); run "
                        "sovsim app --vendor-assets once while online")
    if not 0 < args.port < 65536:
        raise UserError(f"--port {args.port}: expected 1-65535")
    try:
        taken = server.port_in_use(args.host, args.port)
    except OSError as exc:
        raise UserError(f"--host {args.host}: cannot listen there ({exc.strerror or exc})") \
            from None
    if taken:
        raise UserError(f"port {args.port} on {args.host} is already in use (another "
                        "sovsim app still running?): stop it, or choose another with --port")
    print(f"sovsim workshop UI on http://{args.host}:{args.port}/ (Ctrl-C to stop)", flush=True)
    cmd = server.command(args.host, args.port, production=not args.dev)
    env = server.environment()
    if args.rooms_db is not None:
        folder = args.rooms_db.expanduser().resolve().parent
        if not folder.is_dir():
            raise UserError(f"--rooms-db: folder {folder} does not exist")
        env["SOVSIM_ROOMS_DB"] = str(args.rooms_db.expanduser().resolve())
    print("participatory workshop: facilitator console at /facilitate, teams join at /join",
          flush=True)
    workdir = server.workdir()
    if workdir is not None:
        os.chdir(workdir)
    sys.stderr.flush()
    # Become the server (no child): Ctrl-C, SIGTERM and SIGKILL reach it directly, so a
    # stopped `sovsim app` never leaves a server holding the port.
    os.execve(cmd[0], cmd, env)
    return 0  # not reached
