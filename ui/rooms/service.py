"""Rooms held by the server: stored in SQLite, one lock, one model run per room state.

:class:`RoomService` is the only way pages reach a room. Every call names the room by its
code and proves who is calling (a seat token or the facilitator token); the engine's rules
(:mod:`ui.rooms.engine`) decide what is allowed. A room is written to SQLite on every change,
so a restarted server (or a reloaded page) carries on where it was; runs are recomputed from
the stored decisions (a game is a scenario plus dated events, so this is exact).
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from model import ScenarioSpec

from ..catalog import Catalog, NotShipped
from ..sim import Trajectory, one_run, run_full, snapshot
from . import engine as eng
from .engine import Decision, Room, RoomError

#: Where rooms are kept unless ``SOVSIM_ROOMS_DB`` (``sovsim app --rooms-db``) says.
ENV_DB = "SOVSIM_ROOMS_DB"
MAX_OPEN_ROOMS = 40
MAX_FAILED_CODES = 20  # wrong room codes one caller may try
PRESENT_SECONDS = 12  # a seat seen this recently counts as online


def default_db_path() -> Path:
    given = os.environ.get(ENV_DB)
    if given:
        return Path(given)
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"),
                                                            ".local", "share")
    return Path(base) / "sovsim" / "rooms.sqlite"


class RoomStore:
    """Rooms as JSON documents in one SQLite table (WAL, one writer at a time)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=10,
                                   isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS rooms (code TEXT PRIMARY KEY, "
                         "doc TEXT NOT NULL, status TEXT NOT NULL, updated REAL NOT NULL)")

    def get(self, code: str) -> Room | None:
        row = self._db.execute("SELECT doc FROM rooms WHERE code = ?", (code,)).fetchone()
        return Room.from_json(row[0]) if row else None

    def put(self, room: Room) -> None:
        self._db.execute("INSERT INTO rooms (code, doc, status, updated) VALUES (?, ?, ?, ?) "
                         "ON CONFLICT(code) DO UPDATE SET doc = excluded.doc, "
                         "status = excluded.status, updated = excluded.updated",
                         (room.code, room.to_json(), room.status, time.time()))

    def codes(self) -> set[str]:
        return {r[0] for r in self._db.execute("SELECT code FROM rooms")}

    def count_open(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM rooms WHERE status != 'closed'"
                                ).fetchone()[0]

    def close(self) -> None:
        self._db.close()


@dataclass(frozen=True)
class View:
    """What a page shows of a room: a copy of the room (tokens removed) and its runs."""

    room: Room
    base: ScenarioSpec
    run: Trajectory  # the game so far
    baseline: Trajectory  # the scenario without decisions, full horizon


class RoomService:
    def __init__(self, catalog: Catalog, path: Path | str | None = None) -> None:
        self.catalog = catalog
        self.store = RoomStore(path or default_db_path())
        self._lock = threading.RLock()
        self._rooms: dict[str, Room] = {}
        self._runs: OrderedDict[tuple, Trajectory] = OrderedDict()
        self._seen: dict[tuple[str, str], float] = {}  # (code, seat) -> last poll

    # -- rooms -------------------------------------------------------------------------------
    def _load(self, code: object) -> Room:
        code = eng.clean_code(code)
        room = self._rooms.get(code)
        if room is None:
            room = self.store.get(code)
            if room is None:
                raise RoomError(f"no room {code}: check the code on the screen")
            self._rooms[code] = room
        return room

    def _save(self, room: Room) -> None:
        room.version += 1
        self.store.put(room)

    def base(self, room: Room) -> ScenarioSpec:
        return self.catalog.load(room.scenario)

    def create(self, scenario: object, quarters_per_round: object, rounds: object,
               secretariat: object = False, timer: object = 0) -> tuple[str, str]:
        """Open a room; returns its code and the facilitator's token."""
        try:
            base = self.catalog.load(scenario)
        except NotShipped as exc:
            raise RoomError(str(exc)) from None
        with self._lock:
            if self.store.count_open() >= MAX_OPEN_ROOMS:
                raise RoomError(f"this server holds {MAX_OPEN_ROOMS} open rooms: close one")
            room = eng.create(base, scenario, quarters_per_round, rounds, secretariat, timer,
                              taken=self.store.codes())
            if room.timer:
                room.deadline = time.time() + room.timer
            self._rooms[room.code] = room
            self._save(room)
            return room.code, room.facilitator_token

    def version(self, code: str) -> int:
        with self._lock:
            return self._load(code).version

    def exists(self, code: object) -> bool:
        try:
            with self._lock:
                room = self._load(code)
            return room.status != "closed"
        except RoomError:
            return False

    # -- participants --------------------------------------------------------------------------
    def open_seats(self, code: object) -> list[str]:
        with self._lock:
            room = self._load(code)
            return eng.seats_open(self.base(room), room)

    def claim(self, code: object, seat: object, team: object) -> str:
        with self._lock:
            room = self._load(code)
            token = eng.claim(self.base(room), room, seat, team)
            self._save(room)
            return token

    def check_seat(self, code: object, seat: object, token: object) -> None:
        with self._lock:
            eng.check_seat(self._load(code), seat, token)

    def submit(self, code: object, seat: object, token: object, levers: object,
               votes: object = None) -> None:
        with self._lock:
            room = self._load(code)
            seat = eng.check_seat(room, seat, token)
            eng.submit(self.base(room), room, seat, levers, votes)
            self._save(room)

    def withdraw(self, code: object, seat: object, token: object) -> None:
        with self._lock:
            room = self._load(code)
            eng.withdraw(room, eng.check_seat(room, seat, token))
            self._save(room)

    def set_agenda(self, code: object, seat: object, token: object, items: object) -> None:
        """The secretariat (or the facilitator, with ``seat`` None) sets what is voted."""
        with self._lock:
            room = self._load(code)
            if seat is None:
                eng.check_facilitator(room, token)
            elif eng.check_seat(room, seat, token) != eng.SECRETARIAT:
                raise RoomError("only the secretariat sets the regional body's agenda")
            eng.set_agenda(room, items)
            self._save(room)

    def seen(self, code: str, seat: str) -> None:
        self._seen[(code, seat)] = time.monotonic()

    def online(self, code: str) -> set[str]:
        now = time.monotonic()
        return {s for (c, s), t in list(self._seen.items())
                if c == code and now - t < PRESENT_SECONDS}

    # -- the facilitator -----------------------------------------------------------------------
    def check_facilitator(self, code: object, token: object) -> None:
        with self._lock:
            eng.check_facilitator(self._load(code), token)

    def advance(self, code: object, token: object) -> list[Decision]:
        with self._lock:
            room = self._load(code)
            eng.check_facilitator(room, token)
            return self._advance(room)

    def _advance(self, room: Room) -> list[Decision]:
        new = eng.advance(self.base(room), room)
        self._save(room)
        self.view(room.code)  # run the new quarters now, once, for every page
        return new

    def tick(self, code: object) -> bool:
        """Advance the round if its timer has run out (any page's poll may call this)."""
        with self._lock:
            room = self._load(code)
            if room.status == "open" and room.deadline and time.time() >= room.deadline:
                self._advance(room)
                return True
            return False

    def set_timer(self, code: object, token: object, seconds: object) -> None:
        with self._lock:
            room = self._load(code)
            eng.check_facilitator(room, token)
            eng.check_open(room)
            probe = eng.create(self.base(room), room.scenario, room.quarters_per_round,
                               room.rounds, timer=seconds)
            room.timer = probe.timer
            room.deadline = time.time() + room.timer if room.timer else 0.0
            self._save(room)

    def inject(self, code: object, token: object, kind: object, targets: object,
               params: object) -> None:
        with self._lock:
            room = self._load(code)
            eng.check_facilitator(room, token)
            eng.inject(self.base(room), room, kind, targets, params)
            self._save(room)

    def drop_pending(self, code: object, token: object) -> None:
        with self._lock:
            room = self._load(code)
            eng.check_facilitator(room, token)
            room.pending = []
            self._save(room)

    def release_seat(self, code: object, token: object, seat: object) -> None:
        """Free a seat (a team that left; its levers stay in force)."""
        with self._lock:
            room = self._load(code)
            eng.check_facilitator(room, token)
            if seat not in room.seats:
                raise RoomError("no such seat taken")
            del room.seats[seat]
            room.submissions.pop(seat, None)
            self._save(room)

    def close(self, code: object, token: object) -> None:
        with self._lock:
            room = self._load(code)
            eng.check_facilitator(room, token)
            room.status = "closed"
            room.deadline = 0.0
            self._save(room)

    def fork(self, code: object, token: object, round_: object, seat: object, lever: object,
             value: object) -> int:
        """Record a fork (one decision changed); returns its index."""
        with self._lock:
            room = self._load(code)
            eng.check_facilitator(room, token)
            if len(room.forks) >= eng.MAX_FORKS:
                raise RoomError(f"at most {eng.MAX_FORKS} forks per game")
            eng.fork_decisions(self.base(room), room, round_, seat, lever, value)  # checks
            room.forks.append({"round": round_, "seat": seat, "lever": lever,
                               "value": eng.engine_value(lever, value)})
            self._save(room)
            return len(room.forks) - 1

    # -- runs ----------------------------------------------------------------------------------
    def _run(self, spec: ScenarioSpec, step: int) -> Trajectory:
        key = (spec.digest(), spec.seed, spec.horizon, step)
        hit = self._runs.get(key)
        if hit is None:
            if step >= spec.horizon:
                hit = run_full(spec)
            else:
                m = one_run(spec)
                while m.steps < step:
                    m.step()
                hit = snapshot(m)
            self._runs[key] = hit
            while len(self._runs) > 200:
                self._runs.popitem(last=False)
        self._runs.move_to_end(key)
        return hit

    def view(self, code: object) -> View:
        with self._lock:
            room = self._load(code)
            base = self.base(room)
            run = self._run(eng.game_spec(base, room), room.quarter)
            baseline = self._run(eng.baseline_spec(base, room), room.horizon)
            return View(public_copy(room), base, run, baseline)

    def fork_run(self, code: object, index: int) -> tuple[dict[str, Any], Trajectory]:
        with self._lock:
            room = self._load(code)
            f = room.forks[index]
            base = self.base(room)
            decisions = eng.fork_decisions(base, room, f["round"], f["seat"], f["lever"],
                                           f["value"])
            spec = eng.game_spec(base, room, decisions)
            return dict(f), self._run(spec, room.quarter)

    def export(self, code: object, token: object) -> tuple[str, str]:
        """The game as scenario YAML (replayed exactly by ``sovsim run``) and CSV."""
        with self._lock:
            room = self._load(code)
            eng.check_facilitator(room, token)
            base = self.base(room)
            spec = eng.game_spec(base, room, name=f"workshop game {room.code}")
            run = self._run(spec, room.quarter)
            played = max(room.quarter, 1)  # the played quarters: `sovsim run` replays them
            spec = replace(spec, horizon=played,
                           events=tuple(e for e in spec.events if e.step <= played))
            header = (f"# sovsim participatory workshop, room {room.code}: {room.round} of "
                      f"{room.rounds} rounds played ({room.quarter} quarters); scenario "
                      f"hash {spec.digest()}\n")
            return header + self.catalog.dump(spec), run.results_csv()


def public_copy(room: Room) -> Room:
    """The room without tokens (what pages hold)."""
    copy = Room.from_json(room.to_json())
    copy.facilitator_token = ""
    for s in copy.seats.values():
        s.token = ""
    return copy


_SERVICE: RoomService | None = None
_SERVICE_LOCK = threading.Lock()


def service(catalog: Catalog | None = None) -> RoomService:
    """The server's one room service (rooms are shared by every session on purpose)."""
    global _SERVICE
    with _SERVICE_LOCK:
        if _SERVICE is None:
            from ..catalog import shipped_catalog

            _SERVICE = RoomService(catalog or shipped_catalog())
        return _SERVICE
