"""The participatory workshop's rules, as pure Python (no Solara, no database).

A :class:`Room` is one game: a shipped scenario, a round length, seats (one per state, plus
the regional body's secretariat if enabled), each seat's submission for the round, the
decisions taken so far and the facilitator's injected events. Every decision is an ordinary
scenario event (``set_lever`` from the first quarter of the round it was taken for; injected
events likewise), so :func:`game_spec` is a scenario that ``sovsim run`` replays exactly.

Every function here checks what it is given: a seat's token, the levers a team may set and
their ranges, the team budget, the vote. Pages never decide what is allowed.
"""

from __future__ import annotations

import hmac
import json
import secrets
import statistics
import time
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from model import EVENT_KINDS, PARAMETERS, Event, ScenarioSpec
from model.spec import MAX_HORIZON, RuleError, SpecError, check_event, check_name

#: Room codes: 6 characters without look-alikes (0/O, 1/I/L): 31**6 ≈ 8.9e8 codes.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
SECRETARIAT = "SEC"
#: State levers a team may set (the rest stay as the scenario says).
TEAM_LEVERS = ("possessive_rhetoric", "own_evaluation_share", "procurement_capacity_share",
               "domestic_compute_share", "regional_contribution_share", "interop_standards",
               "diversification_cap", "require_evaluation", "national_model",
               "retire_national_model", "ours_premium", "contract_term", "member")
#: Levers that spend a share of the state's AI budget; a team's allocations must fit.
BUDGET_LEVERS = ("own_evaluation_share", "procurement_capacity_share", "domestic_compute_share",
                 "regional_contribution_share")
MAX_ALLOCATION = 0.4  # share of the AI budget a team may allocate to the budget levers
#: Regional-body decisions, taken by a vote of member teams.
VOTE_LEVERS = ("pooled_evaluation", "joint_procurement", "shared_standards")
#: Events the facilitator may inject between rounds.
INJECT_KINDS = ("export_control", "vendor_cutoff", "price_shock", "chip_shortage",
                "regional_summit", "political_shift", "supplier_exit", "model_failure")
MAX_QUARTERS_PER_ROUND = 8
MAX_ROUNDS = 20
MAX_TIMER = 3600  # seconds
MAX_TEAM_NAME = 40
MAX_INJECTED = 60  # per game
MAX_INJECTED_PER_ROUND = 6
MAX_FORKS = 12
MAX_SEATS = 30


class RoomError(ValueError):
    """Something a participant or the facilitator may not do, in one line."""


def new_code(taken=()) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in taken:
            return code


def new_token() -> str:
    return secrets.token_urlsafe(18)


def clean_code(value: object) -> str:
    """A room code as typed (case and spaces forgiven), else :class:`RoomError`."""
    if not isinstance(value, str) or len(value) > 20:
        raise RoomError("a room code has 6 letters and digits")
    code = "".join(value.split()).upper()
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        raise RoomError("a room code has 6 letters and digits (no 0, 1, I, L or O)")
    return code


def same_token(given: object, expected: str) -> bool:
    return isinstance(given, str) and len(given) < 100 and hmac.compare_digest(
        given.encode(), expected.encode())


@dataclass
class Seat:
    team: str
    token: str
    joined: float


@dataclass
class Submission:
    levers: dict[str, Any]
    votes: dict[str, Any]
    at: float


@dataclass
class Decision:
    """A ``set_lever`` or injected event, with the round it was taken for and by whom
    (a seat, ``vote`` for the regional body, ``facilitator`` for an injected event)."""

    round: int
    by: str
    event: dict[str, Any]

    def to_event(self) -> Event:
        e = self.event
        targets = e.get("targets", "all")
        return Event(int(e["step"]), e["kind"], ("all",) if targets == "all" else
                     tuple(targets), dict(e.get("params") or {}))


@dataclass
class Room:
    code: str
    facilitator_token: str
    scenario: str
    quarters_per_round: int
    rounds: int
    secretariat: bool = False
    timer: int = 0  # seconds per round, 0 = no timer
    round: int = 0  # rounds played
    status: str = "open"  # open | finished | closed
    deadline: float = 0.0  # when the timer advances the round (0 = none)
    seats: dict[str, Seat] = field(default_factory=dict)
    submissions: dict[str, Submission] = field(default_factory=dict)
    agenda: tuple[str, ...] = VOTE_LEVERS
    decisions: list[Decision] = field(default_factory=list)
    pending: list[dict[str, Any]] = field(default_factory=list)  # injected, for next round
    forks: list[dict[str, Any]] = field(default_factory=list)
    created: float = 0.0
    version: int = 0

    @property
    def horizon(self) -> int:
        return self.quarters_per_round * self.rounds

    @property
    def quarter(self) -> int:
        """Quarters run so far."""
        return self.round * self.quarters_per_round

    @property
    def next_quarter(self) -> int:
        return self.quarter + 1

    # -- (de)serialisation --------------------------------------------------------------------
    def to_json(self) -> str:
        d = asdict(self)
        d["agenda"] = list(self.agenda)
        return json.dumps(d, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Room:
        d = json.loads(text)
        d["seats"] = {k: Seat(**v) for k, v in d["seats"].items()}
        d["submissions"] = {k: Submission(**v) for k, v in d["submissions"].items()}
        d["decisions"] = [Decision(**x) for x in d["decisions"]]
        d["agenda"] = tuple(d["agenda"])
        return cls(**d)


# -- the scenario of a game --------------------------------------------------------------------
def game_spec(base: ScenarioSpec, room: Room, decisions: list[Decision] | None = None,
              name: str | None = None) -> ScenarioSpec:
    """The game so far as a scenario: ``base`` on the game's horizon, its own events, and
    every decision and injected event as dated events."""
    decisions = room.decisions if decisions is None else decisions
    own = tuple(e for e in base.events if e.step <= room.horizon)
    return replace(base, name=name or f"workshop game from {base.name}"[:100],
                   horizon=room.horizon, events=own + tuple(d.to_event() for d in decisions))


def baseline_spec(base: ScenarioSpec, room: Room) -> ScenarioSpec:
    """The scenario as shipped on the game's horizon: no team decisions, no injections."""
    return game_spec(base, room, decisions=[], name=f"{base.name} (no decisions)"[:100])


def in_force(base: ScenarioSpec, room: Room, seat: str, upto_round: int | None = None,
             decisions: list[Decision] | None = None) -> dict[str, Any]:
    """The team levers in force for ``seat``'s state after ``upto_round`` rounds' decisions
    (default: all so far)."""
    values = {name: base.value(name, seat) for name in TEAM_LEVERS}
    for d in room.decisions if decisions is None else decisions:
        if upto_round is not None and d.round > upto_round:
            continue
        e = d.event
        if e["kind"] == "set_lever" and e.get("targets") in ([seat], (seat,)) and \
                e["params"]["lever"] in values:
            values[e["params"]["lever"]] = e["params"]["value"]
    return values


def region_in_force(base: ScenarioSpec, room: Room,
                    decisions: list[Decision] | None = None) -> dict[str, Any]:
    values = {name: base.value(name) for name in VOTE_LEVERS}
    for d in room.decisions if decisions is None else decisions:
        e = d.event
        if e["kind"] == "set_lever" and e["params"]["lever"] in values:
            values[e["params"]["lever"]] = e["params"]["value"]
    return values


def is_member(base: ScenarioSpec, room: Room, seat: str) -> bool:
    return bool(in_force(base, room, seat)["member"])


# -- checks --------------------------------------------------------------------------------------
def check_open(room: Room) -> None:
    if room.status == "closed":
        raise RoomError("this room is closed")
    if room.status == "finished":
        raise RoomError("the game is over: every round has been played")


def check_seat(room: Room, seat: object, token: object) -> str:
    """The seat, if ``token`` is its token, else :class:`RoomError` (no hint which)."""
    if not isinstance(seat, str) or seat not in room.seats or not same_token(
            token, room.seats[seat].token):
        raise RoomError("this seat's link is not valid: rejoin with the room code")
    return seat


def check_facilitator(room: Room, token: object) -> None:
    if not same_token(token, room.facilitator_token):
        raise RoomError("only the facilitator can do this")


def check_levers(base: ScenarioSpec, seat: str, levers: object) -> dict[str, Any]:
    """A team's levers, each one a team lever within its declared range, and the budget
    levers within :data:`MAX_ALLOCATION` of the AI budget."""
    if seat == SECRETARIAT:
        if levers:
            raise RoomError("the secretariat sets no state levers")
        return {}
    if not isinstance(levers, dict) or len(levers) > len(TEAM_LEVERS):
        raise RoomError("expected the team's levers")
    out = {}
    for name, value in levers.items():
        if name not in TEAM_LEVERS:
            raise RoomError(f"{str(name)[:40]!r} is not a lever a team sets")
        p = PARAMETERS[name]
        try:
            out[name] = p.check(value)
        except ValueError:
            raise RoomError(f"{p.label}: {p.allowed()}") from None
    allocated = sum(float(out.get(n, base.value(n, seat))) for n in BUDGET_LEVERS)
    if allocated > MAX_ALLOCATION + 1e-9:
        raise RoomError(f"over budget: {allocated:.0%} of the AI budget allocated to "
                        f"capacity and contributions; at most {MAX_ALLOCATION:.0%}")
    return out


def check_votes(room: Room, votes: object, member: bool) -> dict[str, Any]:
    if not votes:
        return {}
    if not isinstance(votes, dict) or len(votes) > len(VOTE_LEVERS):
        raise RoomError("expected votes on the regional body's agenda")
    if not member:
        raise RoomError("only member states vote on the regional body's decisions")
    out = {}
    for name, value in votes.items():
        if name not in room.agenda:
            raise RoomError(f"{str(name)[:40]!r} is not on the regional body's agenda")
        p = PARAMETERS[name]
        try:
            out[name] = p.check(value)
        except ValueError:
            raise RoomError(f"{p.label}: {p.allowed()}") from None
    return out


def tally(room: Room, base: ScenarioSpec) -> dict[str, Any]:
    """The regional body's decisions from member teams' votes this round: on/off by a
    majority of the votes cast (a tie keeps what is in force), levels by their median."""
    current = region_in_force(base, room)
    out = {}
    for name in room.agenda:
        cast = [s.votes[name] for seat, s in room.submissions.items()
                if name in s.votes and seat != SECRETARIAT and is_member(base, room, seat)]
        if not cast:
            continue
        if PARAMETERS[name].type == "bool":
            yes = sum(bool(v) for v in cast)
            value = current[name] if yes * 2 == len(cast) else yes * 2 > len(cast)
        else:
            value = float(statistics.median(cast))
        out[name] = value
    return out


# -- what rooms do -------------------------------------------------------------------------------
def create(base: ScenarioSpec, scenario: str, quarters_per_round: object, rounds: object,
           secretariat: object = False, timer: object = 0, taken=()) -> Room:
    try:
        from model.spec import check_whole
        qpr = check_whole(quarters_per_round, 1, MAX_QUARTERS_PER_ROUND, "quarters per round")
        n = check_whole(rounds, 1, MAX_ROUNDS, "rounds")
        timer = check_whole(timer, 0, MAX_TIMER, "seconds per round (0 = no timer)")
    except RuleError as exc:
        raise RoomError(f"{exc.problem}; allowed: {exc.allowed}") from None
    if qpr * n > MAX_HORIZON:
        raise RoomError(f"at most {MAX_HORIZON} quarters in a game")
    if len(base.states) + 1 > MAX_SEATS:
        raise RoomError(f"this scenario has more than {MAX_SEATS - 1} states")
    return Room(code=new_code(taken), facilitator_token=new_token(), scenario=scenario,
                quarters_per_round=qpr, rounds=n, secretariat=bool(secretariat), timer=timer,
                created=time.time())


def seats_open(base: ScenarioSpec, room: Room) -> list[str]:
    codes = [s.iso3 for s in base.states] + ([SECRETARIAT] if room.secretariat else [])
    return [c for c in codes if c not in room.seats]


def claim(base: ScenarioSpec, room: Room, seat: object, team: object) -> str:
    """Claim a free seat (late joiners too); returns its token."""
    if room.status == "closed":
        raise RoomError("this room is closed")
    codes = [s.iso3 for s in base.states] + ([SECRETARIAT] if room.secretariat else [])
    if not isinstance(seat, str) or seat not in codes:
        raise RoomError("no such seat in this room")
    if seat in room.seats:
        raise RoomError("this seat is taken: pick another, or rejoin with your seat's link")
    try:
        team = check_name(team, limit=MAX_TEAM_NAME, what="a team name")
    except RuleError as exc:
        raise RoomError(f"team name: {exc.problem}; allowed: {exc.allowed}") from None
    token = new_token()
    room.seats[seat] = Seat(team.strip(), token, time.time())
    return token


def submit(base: ScenarioSpec, room: Room, seat: str, levers: object, votes: object) -> None:
    check_open(room)
    checked = check_levers(base, seat, levers)
    member = seat != SECRETARIAT and bool(checked.get("member", is_member(base, room, seat)))
    room.submissions[seat] = Submission(checked, check_votes(room, votes, member), time.time())


def withdraw(room: Room, seat: str) -> None:
    check_open(room)
    room.submissions.pop(seat, None)


def set_agenda(room: Room, items: object) -> None:
    check_open(room)
    if not isinstance(items, (list, tuple)) or len(items) > len(VOTE_LEVERS) or any(
            i not in VOTE_LEVERS for i in items):
        raise RoomError(f"the agenda lists regional-body decisions: {', '.join(VOTE_LEVERS)}")
    room.agenda = tuple(i for i in VOTE_LEVERS if i in items)
    for s in room.submissions.values():
        s.votes = {k: v for k, v in s.votes.items() if k in room.agenda}


def inject(base: ScenarioSpec, room: Room, kind: object, targets: object,
           params: object) -> Event:
    """Queue an event for the first quarter of the next round."""
    check_open(room)
    if kind not in INJECT_KINDS:
        raise RoomError(f"events the facilitator injects: {', '.join(INJECT_KINDS)}")
    if len(room.pending) >= MAX_INJECTED_PER_ROUND:
        raise RoomError(f"at most {MAX_INJECTED_PER_ROUND} events per round")
    if sum(d.by == "facilitator" for d in room.decisions) + len(room.pending) >= MAX_INJECTED:
        raise RoomError(f"at most {MAX_INJECTED} injected events per game")
    if not isinstance(targets, (list, tuple)) or not 1 <= len(targets) <= len(base.states):
        raise RoomError("targets: 'all' or a list of states")
    if not isinstance(params, dict) or len(params) > len(EVENT_KINDS[kind].params):
        raise RoomError("unknown event parameters")
    event = Event(room.next_quarter, kind, tuple(targets), dict(params))
    try:
        check_event(event, [s.iso3 for s in base.states], room.horizon, "event")
    except SpecError as exc:
        raise RoomError(exc.message) from None
    room.pending.append(event.to_dict())
    return event


def advance(base: ScenarioSpec, room: Room) -> list[Decision]:
    """Close the round: submitted levers that differ from those in force, the body's vote
    and the injected events become events at the round's first quarter."""
    check_open(room)
    q, r = room.next_quarter, room.round + 1
    new: list[Decision] = []
    for seat in sorted(room.submissions):
        if seat == SECRETARIAT:
            continue
        now = in_force(base, room, seat)
        for name, value in room.submissions[seat].levers.items():
            if value != now[name]:
                new.append(Decision(r, seat, Event(q, "set_lever", (seat,), {
                    "lever": name, "value": value}).to_dict()))
    current = region_in_force(base, room)
    for name, value in tally(room, base).items():
        if value != current[name]:
            new.append(Decision(r, "vote", Event(q, "set_lever", ("all",), {
                "lever": name, "value": value}).to_dict()))
    new += [Decision(r, "facilitator", e) for e in room.pending]
    room.decisions.extend(new)
    room.pending = []
    room.submissions = {}
    room.round = r
    if room.round >= room.rounds:
        room.status = "finished"
        room.deadline = 0.0
    else:
        room.deadline = time.time() + room.timer if room.timer else 0.0
    return new


def fork_decisions(base: ScenarioSpec, room: Room, round_: object, seat: object,
                   lever: object, value: object) -> list[Decision]:
    """The game's decisions with one changed: ``seat``'s ``lever`` in round ``round_`` set to
    ``value`` (``seat`` = ``vote`` for a regional-body lever). Later decisions stand."""
    if not isinstance(round_, int) or not 1 <= round_ <= room.round:
        raise RoomError(f"fork from a round played: 1 to {room.round}")
    codes = [s.iso3 for s in base.states]
    if seat == "vote":
        allowed = VOTE_LEVERS
    elif seat in codes:
        allowed = TEAM_LEVERS
    else:
        raise RoomError("fork: pick a state or the regional body's vote")
    if lever not in allowed:
        raise RoomError(f"fork: {', '.join(allowed)}")
    p = PARAMETERS[lever]
    try:
        value = p.check(value)
    except ValueError:
        raise RoomError(f"{p.label}: {p.allowed()}") from None
    if seat != "vote":
        levers = {**in_force(base, room, seat, upto_round=round_ - 1), lever: value}
        check_levers(base, seat, {k: levers[k] for k in BUDGET_LEVERS})

    def same(d: Decision) -> bool:
        e = d.event
        return (d.round == round_ and d.by == seat and e["kind"] == "set_lever"
                and e["params"]["lever"] == lever)

    kept = [d for d in room.decisions if not same(d)]
    q = (round_ - 1) * room.quarters_per_round + 1
    targets = ("all",) if seat == "vote" else (seat,)
    kept.append(Decision(round_, seat, Event(q, "set_lever", targets, {
        "lever": lever, "value": value}).to_dict()))
    return sorted(kept, key=lambda d: d.round)


def engine_value(lever: str, value: object) -> Any:
    """``value`` as lever ``lever`` stores it (checked)."""
    return PARAMETERS[lever].check(value)
