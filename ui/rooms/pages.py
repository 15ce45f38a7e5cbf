"""The participatory workshop's pages: facilitator console (``/facilitate``), team page
(``/join``) and projector screen (``/screen/CODE``).

Pages hold no room state of their own: they read a :class:`~ui.rooms.service.View` (a copy,
tokens removed) and call the service with the caller's token for every change. They poll the
room's version once a second (in a Solara thread) and redraw when it changed, so every device
sees a round advance within about a second. Every action's error is one line in the notice
slot; a page that fails to render offers a fresh start (``Guarded``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from html import escape
from typing import Any
from urllib.parse import parse_qs, quote

import solara

from model import PARAMETERS

from ..components import EventLog, Guarded, LiveEvents, Notice, ParameterControl, one_line
from ..headline import HeadlineBar
from ..html import Html
from ..style import RoomStyle
from . import engine as eng
from . import views
from .engine import RoomError
from .service import View, service

POLL_SECONDS = 1.0
MAX_QUERY = 400  # characters of a page address's query we read at all
#: What one browser session may open or claim (a participant cannot take every seat or
#: fill the server with rooms; the facilitator can release seats).
MAX_ROOMS_PER_SESSION = 3
MAX_CLAIMS_PER_SESSION = 2
_per_session: dict[tuple[str, str], int] = {}
_per_session_lock = threading.Lock()


def limited(what: str, limit: int, action: Callable[[], Any]) -> Any:
    """Run ``action`` and count it for this browser session; refused beyond ``limit``."""
    try:
        session = solara.get_session_id()
    except Exception:  # noqa: BLE001 - no session (in-process tests)
        session = ""
    with _per_session_lock:
        if _per_session.get((session, what), 0) >= limit:
            raise RoomError(f"at most {limit} {what} from one browser")
    result = action()
    with _per_session_lock:
        _per_session[(session, what)] = _per_session.get((session, what), 0) + 1
    return result


def query(search: str | None) -> dict[str, str]:
    """The first value of each query parameter, bounded (a link can hold anything)."""
    if not search or len(search) > MAX_QUERY:
        return {}
    try:
        return {k: v[0][:100] for k, v in parse_qs(search, max_num_fields=8).items() if v}
    except ValueError:
        return {}


def safe(action: Callable[[], Any], set_message: Callable[[str], None]) -> Any:
    """Run a click's action; a refused or failed action is one line, the session lives."""
    try:
        result = action()
        set_message("")
        return result
    except RoomError as exc:
        set_message(str(exc))
    except Exception as exc:  # noqa: BLE001 - a participant never sees a traceback
        set_message(f"That did not work: {one_line(exc)}")
    return None


def use_view(code: str | None, seat: str | None = None) -> tuple[View | None, str, Callable]:
    """The room's view, refreshed when the room changes (polled), plus a refresh function."""
    svc = service()
    version, set_version = solara.use_state(-1)
    last = solara.use_ref(-1)

    def poll(cancel: threading.Event) -> None:
        while code and not cancel.wait(POLL_SECONDS):
            try:
                svc.tick(code)
                if seat:
                    svc.seen(code, seat)
                v = svc.version(code)
            except Exception:  # noqa: BLE001 - a vanished room shows on the next render
                continue
            if v != last.current:
                last.current = v
                set_version(v)

    solara.use_thread(poll, dependencies=[code, seat], intrusive_cancel=False)

    def load() -> tuple[View | None, str]:
        if not code:
            return None, ""
        try:
            return svc.view(code), ""
        except RoomError as exc:
            return None, str(exc)

    view, error = solara.use_memo(load, [code, version])

    def refresh() -> None:
        try:
            v = svc.version(code)
        except RoomError:
            return
        last.current = v
        set_version(v)

    return view, error, refresh


def public_url(path: str) -> str:
    """An address for other devices: the host the browser used to reach this server."""
    host = ""
    try:
        import solara.lab

        headers = solara.lab.headers.value or {}
        host = (headers.get("host") or [""])[0]
    except Exception:  # noqa: BLE001 - no request headers (in-process tests)
        host = ""
    host = "".join(c for c in host if c.isalnum() or c in ".:-[]")[:100] or "localhost:8765"
    return f"http://{host}{path}"


# ============================================================================ facilitator
@solara.component
def FacilitatePage():
    router = solara.use_router()
    Guarded(lambda generation: Console(router.search if generation == 0 else None)
            .key(f"console-{generation}"))


@solara.component
def Console(search: str | None):
    q = query(search)
    router = solara.use_router()
    code, key = q.get("room"), q.get("key")
    solara.Title("sovsim · facilitator")
    RoomStyle()
    message, set_message = solara.use_state("")
    with solara.Column(classes=["sovsim-room", "room-console"], style="padding: 8px"):
        Html(tag="h2", content="sovsim participatory workshop · facilitator")
        Notice(message, lambda: set_message(""))
        if not code or not key:
            NewRoom(lambda c, k: router.push(f"/facilitate?room={c}&key={quote(k)}"),
                    set_message)
            return
        ok = safe(lambda: service().check_facilitator(code, key) or True, set_message)
        if not ok:
            solara.Button("Open a new room", on_click=lambda: router.push("/facilitate"))
            return
        RoomConsole(code, key, set_message)


@solara.component
def NewRoom(on_open: Callable[[str, str], None], set_message: Callable[[str], None]):
    svc = service()
    names = list(svc.catalog.names)
    scenario, set_scenario = solara.use_state(svc.catalog.baseline)
    qpr, set_qpr = solara.use_state(4)
    rounds, set_rounds = solara.use_state(10)
    secretariat, set_secretariat = solara.use_state(False)
    timer, set_timer = solara.use_state(0)
    with solara.Card("Open a room", classes=["new-room"], style="max-width: 640px"):
        solara.Select(label="Scenario", value=scenario, values=names, on_value=set_scenario)
        solara.Text(svc.catalog.descriptions.get(scenario, ""), classes=["hint"])
        solara.SliderInt(label=f"Quarters per round: {qpr}", value=qpr, min=1,
                         max=eng.MAX_QUARTERS_PER_ROUND, on_value=set_qpr)
        solara.SliderInt(label=f"Rounds: {rounds} ({qpr * rounds} quarters)", value=rounds,
                         min=1, max=eng.MAX_ROUNDS, on_value=set_rounds)
        solara.SliderInt(label=f"Round timer: {'off' if not timer else f'{timer} s'}",
                         value=timer, min=0, max=600, step=30, on_value=set_timer)
        solara.Checkbox(label="Seat for the regional body's secretariat (sets the agenda)",
                        value=secretariat, on_value=set_secretariat)

        def open_room() -> None:
            got = safe(lambda: limited("rooms", MAX_ROOMS_PER_SESSION, lambda: svc.create(
                scenario, qpr, rounds, secretariat, timer)), set_message)
            if got:
                on_open(*got)

        solara.Button("Open the room", color="primary", on_click=open_room,
                      classes=["open-room"])


@solara.component
def RoomConsole(code: str, key: str, set_message: Callable[[str], None]):
    svc = service()
    view, error, refresh = use_view(code)
    if view is None:
        solara.Error(error or "no room")
        return
    room, run = view.room, view.run
    names = {s.iso3: s.name for s in view.base.states}
    join = public_url(f"/join?room={code}")

    def act(f: Callable[[], Any]) -> Callable[[], None]:
        def go() -> None:
            safe(f, set_message)
            refresh()
        return go

    with solara.Row(style="flex-wrap: wrap; gap: 24px; align-items: flex-start"):
        with solara.Column(style="min-width: 300px"):
            Html(tag="div", content=(
                f"{views.TABLE_CSS}<div class='room-big'>Room code</div>"
                f"<div class='room-code' data-room-code='{code}'>{code}</div>"
                f"<div class='room-big'>Join at <b>{escape(join)}</b></div>"))
            Html(tag="div", classes=["room-qr"], content=views.qr_svg(join))
        with solara.Column(style="min-width: 320px; flex: 1"):
            status = {"open": f"Round {room.round + 1} of {room.rounds} being decided",
                      "finished": "Game over: debrief", "closed": "Room closed"}[room.status]
            Html(tag="div", classes=["room-status"], content=(
                f"<div class='room-big'><b>{escape(status)}</b> · scenario "
                f"<b>{escape(room.scenario)}</b> · {room.quarters_per_round} quarters per "
                f"round · quarter {room.quarter} of {room.horizon}</div>"))
            n_sub = len(room.submissions)
            n_seats = len(room.seats)
            solara.Text(f"{n_sub} of {n_seats} teams have submitted"
                        + (f"; timer {room.timer} s per round" if room.timer else ""),
                        classes=["submitted-count"])
            with solara.Row(style="flex-wrap: wrap"):
                solara.Button(f"Advance: run quarters {room.next_quarter}–"
                              f"{room.quarter + room.quarters_per_round}", color="primary",
                              disabled=room.status != "open", classes=["advance"],
                              on_click=act(lambda: svc.advance(code, key)))
                solara.Button("Open the screen", href=f"/screen/{code}", target="_blank",
                              outlined=True)
                solara.Button("Close the room", color="error", outlined=True,
                              disabled=room.status == "closed",
                              on_click=act(lambda: svc.close(code, key)))
            TimerControl(room.timer, lambda s: act(lambda: svc.set_timer(code, key, s))())
    Html(tag="div", classes=["console-table"], content=views.states_table_html(
        room, run, view.baseline, online=svc.online(code), submitted=room.status == "open"))
    if room.status == "open":
        Html(tag="h3", content=(
            f"Inject an event at quarter {room.next_quarter} (start of the next round)"))
        LiveEvents([s.iso3 for s in view.base.states], run.vendor_keys,
                   lambda kind, targets, **p: act(
                       lambda: svc.inject(code, key, kind, list(targets), p))())
        if room.pending:
            solara.Text("Queued for the next round: " + "; ".join(
                f"{e['kind']} ({views.describe_targets(e, names)})" for e in room.pending),
                classes=["pending-events"])
            solara.Button("Drop queued events", text=True,
                          on_click=act(lambda: svc.drop_pending(code, key)))
        if not room.secretariat:
            Agenda(room.agenda, lambda items: act(
                lambda: svc.set_agenda(code, None, key, items))())
    with solara.Row(style="flex-wrap: wrap; gap: 16px"):
        for metric in ("control_index", "outage_quarters"):
            Html(tag="div", classes=[f"chart-{metric}"],
                 content=views.region_chart(run, view.baseline, metric,
                                                     f"console-{metric}"))
    if room.round:
        ForkPanel(code, key, view, set_message, refresh)
        ExportPanel(code, key, room.round)
    with solara.Details("Seats (release a seat whose team left; its levers stay)"):
        for seat, s in sorted(room.seats.items()):
            solara.Button(f"Release {seat} ({s.team})", text=True,
                          on_click=act(lambda seat=seat: svc.release_seat(code, key, seat)))


@solara.component
def TimerControl(timer: int, on_set: Callable[[int], None]):
    value, set_value = solara.use_state(timer)
    with solara.Row(style="align-items: center"):
        solara.SliderInt(label=f"Round timer: {'off' if not value else f'{value} s'}",
                         value=value, min=0, max=600, step=30, on_value=set_value)
        solara.Button("Set timer", text=True, on_click=lambda: on_set(value))


@solara.component
def Agenda(agenda: tuple[str, ...], on_set: Callable[[list[str]], None]):
    with solara.Row(style="align-items: center; flex-wrap: wrap", classes=["agenda"]):
        solara.Text("Regional body votes on:")
        for name in eng.VOTE_LEVERS:
            def toggle(on: bool, n: str = name) -> None:
                on_set([x for x in eng.VOTE_LEVERS if (x in agenda and x != n) or
                        (x == n and on)])
            with solara.Column(classes=[f"agenda-{name}"]):
                solara.Checkbox(label=PARAMETERS[name].label, value=name in agenda,
                                on_value=toggle)


@solara.component
def ForkPanel(code: str, key: str, view: View, set_message, refresh):
    svc = service()
    room = view.room
    codes = [s.iso3 for s in view.base.states]
    round_, set_round = solara.use_state(1)
    who, set_who = solara.use_state("vote")
    lever, set_lever = solara.use_state("pooled_evaluation")
    value, set_value = solara.use_state(True)
    shown, set_shown = solara.use_state(-1)
    levers = list(eng.VOTE_LEVERS if who == "vote" else eng.TEAM_LEVERS)
    if lever not in levers:
        lever = levers[0]
    p = PARAMETERS[lever]
    with solara.Details("Fork the timeline: rerun from a round with one decision changed",
                        expand=room.status != "open"):
        with solara.Row(style="flex-wrap: wrap; align-items: center", classes=["fork"]):
            solara.Select(label="From round", value=str(min(round_, room.round)),
                          values=[str(i) for i in range(1, room.round + 1)],
                          on_value=lambda v: set_round(int(v)), style="max-width: 140px")
            solara.Select(label="Whose decision", value=who, values=["vote", *codes],
                          on_value=set_who, style="max-width: 160px")
            solara.Select(label="Lever", value=lever, values=levers, on_value=set_lever,
                          style="min-width: 240px")
        if isinstance(value, bool) != (p.type == "bool"):
            value = p.default
        ParameterControl(p, value, lambda _n, v: set_value(v))

        def run_fork() -> None:
            i = safe(lambda: svc.fork(code, key, min(round_, room.round), who, lever, value),
                     set_message)
            if i is not None:
                set_shown(i)
                refresh()

        with solara.Row():
            solara.Button("Run the fork", color="primary", on_click=run_fork,
                          classes=["run-fork"])
        index = shown if 0 <= shown < len(room.forks) else len(room.forks) - 1
        if index >= 0:
            got = safe(lambda: svc.fork_run(code, index), set_message)
            if got:
                f, forked = got
                label = (f"fork: {PARAMETERS[f['lever']].label} = "
                         f"{views.fmt_value(f['value'])} by {f['seat']} in round {f['round']}")
                solara.Text(label, classes=["fork-label"])
                focus = f["seat"] if f["seat"] in codes else "region"
                with solara.Row(style="flex-wrap: wrap"):
                    for metric in ("control_index", "outage_quarters"):
                        Html(tag="div", classes=[f"fork-{metric}"],
                             content=views.two_paths_chart(
                                 view.run, forked, metric, focus, f"fork-{metric}",
                                 "fork"))


@solara.component
def ExportPanel(code: str, key: str, rounds: int):
    svc = service()
    files = solara.use_memo(lambda: svc.export(code, key), [code, rounds])
    with solara.Row(style="flex-wrap: wrap"):
        solara.FileDownload(files[0], filename=f"workshop-{code}.yaml",
                            label="Download the game (scenario YAML)")
        solara.FileDownload(files[1], filename=f"workshop-{code}.csv",
                            label="Download outcomes per quarter (CSV)")


# ============================================================================ teams
@solara.component
def JoinPage():
    router = solara.use_router()
    Guarded(lambda generation: Join(router.search if generation == 0 else None)
            .key(f"join-{generation}"))


@solara.component
def Join(search: str | None):
    q = query(search)
    router = solara.use_router()
    solara.Title("sovsim · your team")
    RoomStyle()
    message, set_message = solara.use_state("")
    failures = solara.use_ref(0)
    code, seat, token = q.get("room"), q.get("seat"), q.get("token")
    with solara.Column(classes=["sovsim-room", "room-team"], style="padding: 6px"):
        Notice(message, lambda: set_message(""))
        if code and seat and token:
            ok = safe(lambda: service().check_seat(code, seat, token) or True, set_message)
            if ok:
                TeamPage(code, seat, token, set_message)
                return
            solara.Button("Join again", on_click=lambda: router.push("/join"))
            return
        Html(tag="h2", content="Join the workshop")
        if not code or not service().exists(code):
            EnterCode(q.get("room") or "", lambda c: router.push(f"/join?room={c}"),
                      set_message, failures)
            return
        ClaimSeat(code, lambda s, t: router.push(f"/join?room={code}&seat={s}&token={t}"),
                  set_message)


@solara.component
def EnterCode(initial: str, on_code, set_message, failures):
    text, set_text = solara.use_state(initial[:20])

    def go() -> None:
        if failures.current >= 20:
            set_message("too many wrong codes: ask the facilitator for the room code")
            return
        try:
            code = eng.clean_code(text)
        except RoomError as exc:
            set_message(str(exc))
            return
        if not service().exists(code):
            failures.current += 1
            set_message(f"no open room {code}: check the code on the screen")
            return
        set_message("")
        on_code(code)

    solara.InputText("Room code", value=text, on_value=set_text, continuous_update=True,
                     classes=["room-code-input"])
    solara.Button("Enter", color="primary", on_click=go, classes=["enter-code"])


@solara.component
def ClaimSeat(code: str, on_claim, set_message):
    svc = service()
    view, error, _ = use_view(code)
    team, set_team = solara.use_state("")
    if view is None:
        solara.Error(error)
        return
    names = {s.iso3: s.name for s in view.base.states}
    names[eng.SECRETARIAT] = "Regional body's secretariat"
    free = svc.open_seats(code)
    solara.Text(f"Room {code}: type your team's name, then pick the state you play.")
    solara.InputText("Team name", value=team, on_value=set_team, continuous_update=True,
                     classes=["team-name"])
    if not free:
        solara.Text("Every seat is taken: ask the facilitator.")
    with solara.Row(style="flex-wrap: wrap", classes=["seats"]):
        for seat in free:
            def claim(seat=seat) -> None:
                token = safe(lambda: limited("seats", MAX_CLAIMS_PER_SESSION, lambda: svc.claim(
                    code, seat, team)), set_message)
                if token:
                    on_claim(seat, token)
            solara.Button(f"{names[seat]} ({seat})", outlined=True, on_click=claim,
                          classes=[f"seat-{seat}"])


@solara.component
def TeamPage(code: str, seat: str, token: str, set_message):
    svc = service()
    view, error, refresh = use_view(code, seat)
    draft, set_draft = solara.use_state({})
    votes, set_votes = solara.use_state({})
    drafted_round = solara.use_ref(-1)
    if view is None:
        solara.Error(error)
        return
    room, run, base = view.room, view.run, view.base
    if drafted_round.current != room.round:  # a new round: start from what is in force
        drafted_round.current = room.round
        if draft or votes:
            set_draft({})
            set_votes({})
            draft, votes = {}, {}
    names = {s.iso3: s.name for s in base.states}
    team = room.seats[seat].team if seat in room.seats else "?"
    where = names.get(seat, "Regional body's secretariat")
    status = {"open": f"Round {room.round + 1} of {room.rounds}",
              "finished": "Game over", "closed": "Room closed"}[room.status]
    Html(tag="h2", classes=["team-title"], content=(
        f"{escape(team)} · {escape(where)} · {escape(status)}"))
    if seat == eng.SECRETARIAT:
        HeadlineBar(run, view.baseline)
        Secretariat(code, seat, token, view, set_message, refresh)
        return
    in_force = eng.in_force(base, room, seat)
    levers = {**in_force, **draft}
    Html(tag="div", classes=["team-headline"], content=views.state_headline_html(
        run, view.baseline, seat, where))
    b = views.team_budget(run, seat, levers)
    over = b["allocated_share"] > b["cap"] + 1e-9
    Html(tag="div", classes=["team-budget"], content=(
        f"<div class='room-big'>AI budget US${b['budget']:,.0f} m per quarter; capacity and "
        f"contributions: <b style='color:{'#b71c1c' if over else '#1b5e20'}'>"
        f"{b['allocated_share']:.0%}</b> of it (at most {b['cap']:.0%}); spent so far "
        f"US${b['spent']:,.0f} m</div>"))
    submitted = room.submissions.get(seat)
    is_open = room.status == "open"
    member = bool(levers["member"])
    with solara.ColumnsResponsive(default=[12], large=[5, 7]):
        with solara.Column(classes=["team-levers"]):
            if is_open:
                solara.Text("Your levers (take effect from quarter "
                            f"{room.next_quarter} when the facilitator advances):")
            for name in eng.TEAM_LEVERS:
                p = PARAMETERS[name]
                ParameterControl(p, levers[name], lambda n, v: set_draft({**draft, n: v}),
                                 changed=levers[name] != in_force[name])
            if is_open and member and room.agenda:
                Html(tag="h3", content="Regional body: your vote")
                for name in room.agenda:
                    p = PARAMETERS[name]
                    current = eng.region_in_force(base, room)[name]
                    with solara.Column(classes=[f"vote-{name}"]):
                        ParameterControl(p, votes.get(name, current),
                                         lambda n, v: set_votes({**votes, n: v}),
                                         changed=name in votes)
            if is_open:
                def send() -> None:
                    safe(lambda: svc.submit(code, seat, token, levers,
                                            votes if member else {}), set_message)
                    refresh()
                solara.Button("Submit our decisions" if not submitted else
                              "Submit again (replaces)", color="primary", on_click=send,
                              disabled=over, classes=["submit"])
                solara.Text("✔ Submitted for this round" if submitted else
                            "Not submitted yet: absent teams keep their levers",
                            classes=["submit-state"])
        with solara.Column():
            Html(tag="div", classes=["chart-team"], content=views.state_chart(
                run, view.baseline, seat))
            Html(tag="div", classes=["chart-team-cost"],
                 content=views.state_chart(
                     run, view.baseline, seat, ("service_continuity",), "team-cost",
                     f"{seat}: service continuity"))
    solara.Text("Keep this page's address to rejoin your seat after a reload.",
                classes=["hint"])


@solara.component
def Secretariat(code, seat, token, view: View, set_message, refresh):
    svc = service()
    room = view.room
    if room.status != "open":
        return
    Agenda(room.agenda, lambda items: (safe(lambda: svc.set_agenda(code, seat, token, items),
                                            set_message), refresh()))
    solara.Text("Member states vote on the agenda's items; a majority of votes cast decides "
                "(levels: the median vote).")
    Html(tag="div", content=views.states_table_html(
        room, view.run, view.baseline))


# ============================================================================ screen
@solara.component
def ScreenPage():
    """``/screen/CODE`` (the code is read from the path: Solara passes no argument to a
    page without parameters, so ``/screen/A/B`` cannot break it)."""
    router = solara.use_router()
    parts = (router.path or "").strip("/").split("/")
    code = parts[1] if len(parts) == 2 else ""
    Guarded(lambda generation: Screen(code).key(f"screen-{generation}"))


@solara.component
def Screen(code: str):
    solara.Title("sovsim · screen")
    RoomStyle()
    try:
        code = eng.clean_code(code)
    except RoomError as exc:
        solara.Error(str(exc))
        return
    view, error, _ = use_view(code)
    replay, set_replay = solara.use_state(-1)
    if view is None:
        solara.Error(error)
        return
    room, run, base = view.room, view.run, view.base
    names = {s.iso3: s.name for s in base.states}
    with solara.Column(classes=["sovsim-room", "room-screen"], style="padding: 8px"):
        status = {"open": f"Round {room.round + 1} of {room.rounds}: teams deciding",
                  "finished": "Debrief", "closed": "Room closed"}[room.status]
        Html(tag="div", content=(
            f"{views.TABLE_CSS}<div style='display:flex;gap:32px;align-items:baseline;"
            f"flex-wrap:wrap'><span class='room-code'>{code}</span><span class='room-big'>"
            f"<b>{escape(status)}</b>"
            + (f" · {len(room.submissions)} of {len(room.seats)} teams submitted · join at "
               f"{escape(public_url('/join'))}" if room.status == "open" else "")
            + "</span></div>"))
        HeadlineBar(run, view.baseline)
        finished = room.status != "open"
        step = run.step if replay < 0 or not finished else min(replay, run.step)
        timeline = tuple(d.to_event() for d in room.decisions) + tuple(
            _event(d) for d in room.pending)  # decided in the room: origin "live"
        if finished:
            Debrief(code, view, step, set_replay, names)
        with solara.Row(style="flex-wrap: wrap; gap: 16px; align-items: flex-start"):
            with solara.Column(style="flex: 5; min-width: min(100%, 640px)"):
                Html(tag="div", classes=["screen-table"],
                     content=views.states_table_html(
                         room, run, view.baseline, online=service().online(code),
                         step=step, submitted=not finished))
            with solara.Column(style="flex: 4; min-width: min(100%, 420px)"):
                if not finished:
                    with solara.Row(style="flex-wrap: wrap"):
                        for metric in ("control_index", "outage_quarters"):
                            Html(tag="div", classes=[f"chart-{metric}"],
                                 content=views.region_chart(
                                     run, view.baseline, metric, f"screen-{metric}"))
                Html(tag="h3", content="Event timeline")
                with solara.Column(classes=["screen-timeline"],
                                   style="max-height: 420px; overflow-y: auto"):
                    EventLog(run, timeline)
        if finished:
            Html(tag="div", classes=["debrief-paths"],
                 content=views.decisions_html(room, names))


@solara.component
def Debrief(code: str, view: View, step: int, set_replay, names: dict[str, str]):
    """The end of the game: each state's path (possession against control), the region's
    path and the last fork on the same axes, a replay slider for the table below."""
    room, run = view.room, view.run
    Html(tag="h2", content="Debrief: possession against control, round by "
         "round")
    with solara.Row(style="flex-wrap: wrap; gap: 16px; align-items: flex-start"):
        Html(tag="div", classes=["debrief-map"],
             content=views.possession_control_map(room, run))
        with solara.Column():
            if room.forks:
                f, forked = service().fork_run(code, len(room.forks) - 1)
                focus = f["seat"] if f["seat"] in names else "region"
                Html(tag="h3", content=escape(
                    f"What if: {PARAMETERS[f['lever']].label} = {views.fmt_value(f['value'])}"
                    f" ({f['seat']}) in round {f['round']}?"))
                for metric in ("control_index", "outage_quarters"):
                    Html(tag="div", content=views.two_paths_chart(
                        run, forked, metric, focus, f"screen-fork-{metric}", "fork"))
            else:
                for metric in ("control_index", "outage_quarters"):
                    Html(tag="div", content=views.region_chart(
                        run, view.baseline, metric, f"screen-{metric}"))
    with solara.Column(classes=["replay"]):
        solara.SliderInt(label=f"Replay: the table at quarter {step} of {run.step}",
                         value=step, min=0, max=run.step, on_value=set_replay)


def _event(d: dict):
    from model import Event

    t = d.get("targets", "all")
    return Event(int(d["step"]), d["kind"], ("all",) if t == "all" else tuple(t),
                 dict(d.get("params") or {}))
