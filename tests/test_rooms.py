"""The participatory workshop's room engine, without a browser: rounds, permissions, votes,
persistence across a restart, isolation of rooms, forks and export."""

from __future__ import annotations

import time

import numpy as np
import pytest

from model import SovereigntyModel
from model import scenario_file as sf
from ui.rooms import engine as eng
from ui.rooms.engine import RoomError
from ui.rooms.service import RoomService


@pytest.fixture(scope="module")
def catalog():
    from ui.catalog import shipped_catalog
    return shipped_catalog()


@pytest.fixture
def svc(catalog, tmp_path):
    s = RoomService(catalog, tmp_path / "rooms.sqlite")
    yield s
    s.store.close()


def game(svc, teams=("IDN", "SGP", "VNM"), **kw):
    code, key = svc.create("baseline", kw.get("qpr", 4), kw.get("rounds", 3),
                           secretariat=kw.get("secretariat", False))
    tokens = {seat: svc.claim(code, seat, f"Team {seat}") for seat in teams}
    return code, key, tokens


def test_a_room_has_an_unguessable_code_and_tokens(svc):
    code, key = svc.create("baseline", 4, 10)
    assert len(code) == 6 and set(code) <= set(eng.CODE_ALPHABET)
    assert len(key) >= 24
    assert eng.clean_code(f" {code.lower()} ") == code
    for bad in ("", "ABC", "AAAAA0", "x" * 500, None, 12):
        with pytest.raises(RoomError):
            eng.clean_code(bad)


@pytest.mark.parametrize("args", [(0, 10), (9, 10), (4, 0), (4, 21), ("4", 10), (4.5, 10),
                                  (float("inf"), 10)])
def test_round_settings_are_bounded(svc, args):
    with pytest.raises(RoomError):
        svc.create("baseline", *args)


def test_only_shipped_scenarios_open_a_room(svc):
    for name in ("/etc/passwd", "../pyproject.toml", "nope"):
        with pytest.raises(RoomError, match="not a shipped scenario"):
            svc.create(name, 4, 10)


def test_rounds_apply_submitted_levers_from_the_next_quarter(svc):
    code, key, tok = game(svc)
    assert svc.view(code).run.step == 0
    svc.submit(code, "IDN", tok["IDN"], {"own_evaluation_share": 0.15,
                                         "possessive_rhetoric": 0.9})
    assert set(svc.view(code).room.submissions) == {"IDN"}
    t0 = time.perf_counter()
    new = svc.advance(code, key)
    assert time.perf_counter() - t0 < 5
    assert {(d.by, d.event["params"]["lever"]) for d in new} == {
        ("IDN", "own_evaluation_share"), ("IDN", "possessive_rhetoric")}
    assert all(d.event["step"] == 1 for d in new)
    view = svc.view(code)
    assert view.room.round == 1 and view.run.step == 4 and not view.room.submissions
    # round 2: SGP absent, IDN keeps its levers (no submission = nothing changes)
    svc.submit(code, "VNM", tok["VNM"], {"national_model": True})
    new = svc.advance(code, key)
    assert [(d.by, d.event["step"]) for d in new] == [("VNM", 5)]
    assert eng.in_force(view.base, svc._load(code), "IDN")["own_evaluation_share"] == 0.15
    # resubmitting the value in force makes no event
    svc.submit(code, "IDN", tok["IDN"], {"own_evaluation_share": 0.15})
    assert svc.advance(code, key) == []
    view = svc.view(code)
    assert view.room.status == "finished" and view.run.step == 12
    with pytest.raises(RoomError, match="game is over"):
        svc.submit(code, "IDN", tok["IDN"], {})


def test_the_game_is_an_ordinary_scenario_that_replays_exactly(svc, catalog, tmp_path):
    code, key, tok = game(svc)
    svc.submit(code, "IDN", tok["IDN"], {"national_model": True, "ours_premium": 0.3})
    svc.advance(code, key)
    svc.inject(code, key, "export_control", ["IDN", "VNM"], {"bloc": "A", "duration": 4})
    svc.submit(code, "SGP", tok["SGP"], {}, {"pooled_evaluation": True})
    svc.advance(code, key)
    yaml_text, csv_text = svc.export(code, key)
    spec = sf.loads_scenario(yaml_text, "game.yaml")
    assert spec.horizon == 8
    m = SovereigntyModel(spec, collect=False)
    m.run()
    run = svc.view(code).run
    assert np.array_equal(m.state_metrics[: run.step + 1], run.state_metrics)
    assert csv_text.count("\n") == (run.step + 1) * 11 + 1
    kinds = [e.kind for e in spec.events]
    assert kinds.count("set_lever") == 3 and "export_control" in kinds


def test_a_team_sets_only_its_own_state_within_range_and_budget(svc):
    code, key, tok = game(svc)
    # another seat's lever with my token: refused on the server
    with pytest.raises(RoomError, match="not valid"):
        svc.submit(code, "SGP", tok["IDN"], {"possessive_rhetoric": 1.0})
    with pytest.raises(RoomError, match="not valid"):
        svc.submit(code, "SGP", "guess", {})
    for levers, match in [
            ({"possessive_rhetoric": 5.0}, "Possessive rhetoric"),
            ({"possessive_rhetoric": float("nan")}, "Possessive rhetoric"),
            ({"ai_budget_share": 0.005}, "not a lever a team sets"),
            ({"pooled_evaluation": True}, "not a lever a team sets"),
            ({"x" * 10_000: 1}, "not a lever"),
            ({"own_evaluation_share": 0.2, "procurement_capacity_share": 0.2,
              "domestic_compute_share": 0.1}, "over budget"),
            ("levers", "expected"), ({str(i): 0 for i in range(500)}, "expected")]:
        with pytest.raises(RoomError, match=match):
            svc.submit(code, "IDN", tok["IDN"], levers)
    # a facilitator action with a team's token: refused
    for call in (lambda: svc.advance(code, tok["IDN"]), lambda: svc.close(code, tok["IDN"]),
                 lambda: svc.inject(code, tok["IDN"], "regional_summit", ["all"], {}),
                 lambda: svc.export(code, "")):
        with pytest.raises(RoomError, match="only the facilitator"):
            call()
    assert not svc.view(code).room.submissions


def test_seats_claims_late_joiners_and_rejoin(svc):
    code, key, tok = game(svc, teams=("IDN",))
    with pytest.raises(RoomError, match="taken"):
        svc.claim(code, "IDN", "Intruders")
    for seat, team in (("XXX", "a"), ("SEC", "a"), ("SGP", ""), ("SGP", "x" * 41),
                       ("SGP", "bad\x1b[2J"), ("SGP", 3)):
        with pytest.raises(RoomError):
            svc.claim(code, seat, team)
    svc.advance(code, key)
    late = svc.claim(code, "SGP", "Late but keen")  # a late joiner
    svc.check_seat(code, "SGP", late)  # rejoining with the seat's token works
    assert "SGP" not in svc.open_seats(code)
    view = svc.view(code)
    assert all(s.token == "" for s in view.room.seats.values())  # pages never hold tokens
    assert view.room.facilitator_token == ""


def test_regional_body_decisions_by_vote_of_member_teams(svc):
    code, key, tok = game(svc, teams=("IDN", "SGP", "VNM", "THA"), secretariat=True)
    sec = svc.claim(code, "SEC", "Secretariat")
    with pytest.raises(RoomError, match="only the secretariat"):
        svc.set_agenda(code, "IDN", tok["IDN"], ["pooled_evaluation"])
    svc.set_agenda(code, "SEC", sec, ["pooled_evaluation", "shared_standards"])
    with pytest.raises(RoomError, match="not on the regional body's agenda"):
        svc.submit(code, "IDN", tok["IDN"], {}, {"joint_procurement": True})
    svc.submit(code, "IDN", tok["IDN"], {}, {"pooled_evaluation": True, "shared_standards": 0.2})
    svc.submit(code, "SGP", tok["SGP"], {}, {"pooled_evaluation": True, "shared_standards": 0.6})
    svc.submit(code, "VNM", tok["VNM"], {}, {"pooled_evaluation": False,
                                             "shared_standards": 0.8})
    # THA leaves the body this round: its vote does not count
    with pytest.raises(RoomError, match="only member states vote"):
        svc.submit(code, "THA", tok["THA"], {"member": False}, {"pooled_evaluation": False})
    new = svc.advance(code, key)
    votes = {d.event["params"]["lever"]: d.event["params"]["value"] for d in new
             if d.by == "vote"}
    assert votes == {"pooled_evaluation": True, "shared_standards": 0.6}
    # a tie keeps what is in force
    svc.submit(code, "IDN", tok["IDN"], {}, {"pooled_evaluation": False})
    svc.submit(code, "SGP", tok["SGP"], {}, {"pooled_evaluation": True})
    assert not [d for d in svc.advance(code, key) if d.by == "vote"]


def test_a_game_survives_a_server_restart(catalog, tmp_path):
    path = tmp_path / "rooms.sqlite"
    first = RoomService(catalog, path)
    code, key, tok = game(first)
    first.submit(code, "IDN", tok["IDN"], {"national_model": True})
    first.advance(code, key)
    first.submit(code, "SGP", tok["SGP"], {"possessive_rhetoric": 0.7})  # pending, unplayed
    first.inject(code, key, "regional_summit", ["all"], {"trust_boost": 0.2})
    before = first.view(code)
    del first  # the server dies (no close, no flush)
    again = RoomService(catalog, path)
    after = again.view(code)
    assert after.room.round == 1 and set(after.room.submissions) == {"SGP"}
    assert len(after.room.pending) == 1
    assert np.array_equal(after.run.state_metrics, before.run.state_metrics)
    again.check_seat(code, "IDN", tok["IDN"])  # teams rejoin their seats
    again.advance(code, key)  # and the room continues
    assert again.view(code).room.round == 2


def test_two_rooms_are_isolated(svc):
    a, key_a, tok_a = game(svc)
    b, key_b, tok_b = game(svc)
    assert a != b
    with pytest.raises(RoomError):
        svc.submit(b, "IDN", tok_a["IDN"], {"possessive_rhetoric": 1.0})
    with pytest.raises(RoomError):
        svc.advance(b, key_a)
    svc.submit(a, "IDN", tok_a["IDN"], {"possessive_rhetoric": 1.0})
    svc.advance(a, key_a)
    assert svc.view(b).room.round == 0 and not svc.view(b).room.submissions
    svc.close(a, key_a)
    assert not svc.exists(a) and svc.exists(b)
    with pytest.raises(RoomError, match="closed"):
        svc.claim(a, "SGP", "x")


def test_fork_reruns_from_a_round_with_one_decision_changed(svc):
    code, key, tok = game(svc, rounds=3)
    for _ in range(3):
        svc.advance(code, key)
    i = svc.fork(code, key, 2, "vote", "pooled_evaluation", True)
    f, forked = svc.fork_run(code, i)
    run = svc.view(code).run
    assert forked.step == run.step == 12
    q = 4  # round 2 starts at quarter 5: identical before, different after
    assert np.array_equal(forked.state_metrics[: q + 1], run.state_metrics[: q + 1])
    assert not np.array_equal(forked.state_metrics, run.state_metrics)
    for bad in ((0, "vote", "pooled_evaluation", True), (4, "vote", "pooled_evaluation", True),
                (1, "IDN", "pooled_evaluation", True), (1, "XXX", "member", True),
                (1, "IDN", "possessive_rhetoric", 7)):
        with pytest.raises(RoomError):
            svc.fork(code, key, *bad)


def test_timer_advances_the_round(svc):
    code, key, tok = game(svc)
    svc.set_timer(code, key, 60)
    assert not svc.tick(code)
    svc._load(code).deadline = time.time() - 1
    assert svc.tick(code) and svc.view(code).room.round == 1
    with pytest.raises(RoomError):
        svc.set_timer(code, key, 10**9)


def test_injected_events_are_checked_and_bounded(svc):
    code, key, _ = game(svc)
    for kind, targets, params in [("set_lever", ["all"], {}), ("export_control", ["XXX"], {}),
                                  ("export_control", ["all"], {"bloc": "C"}),
                                  ("price_shock", ["all"], {"factor": 1e9}),
                                  ("regional_summit", "all", {})]:
        with pytest.raises(RoomError):
            svc.inject(code, key, kind, targets, params)
    for _ in range(eng.MAX_INJECTED_PER_ROUND):
        svc.inject(code, key, "regional_summit", ["all"], {})
    with pytest.raises(RoomError, match="at most"):
        svc.inject(code, key, "regional_summit", ["all"], {})


def test_eight_teams_and_thirty_participants(svc):
    """Load: 8 teams submit, the round advances; measured (printed with -s)."""
    import tracemalloc

    tracemalloc.start()
    teams = ("BRN", "KHM", "IDN", "LAO", "MYS", "MMR", "PHL", "SGP")
    code, key, tok = game(svc, teams=teams, rounds=10)
    times = []
    for r in range(10):
        for i, seat in enumerate(teams):
            svc.submit(code, seat, tok[seat], {"possessive_rhetoric": round(0.1 * (r % 5), 2),
                                               "own_evaluation_share": 0.01 * (i % 4)},
                       {"pooled_evaluation": bool((r + i) % 2)})
        for _ in range(30):  # 30 participants polling
            svc.view(code)
        t0 = time.perf_counter()
        svc.advance(code, key)
        times.append(time.perf_counter() - t0)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"\nadvance with 8 teams: median {np.median(times) * 1000:.0f} ms, "
          f"max {max(times) * 1000:.0f} ms; peak traced memory {peak / 1e6:.1f} MB")
    assert max(times) < 5


def test_page_inputs_are_bounded_and_team_names_escaped(svc):
    from ui.rooms import pages, views

    assert pages.query("room=ABCDEF&seat=IDN") == {"room": "ABCDEF", "seat": "IDN"}
    assert pages.query("room=" + "A" * 5000) == {}
    assert pages.query("&".join(f"k{i}=v" for i in range(50))) == {}
    assert pages.query("token=" + "x" * 300)["token"] == "x" * 100
    code, key, tok = game(svc, teams=())
    svc.claim(code, "IDN", "<script>alert(1)</script>")
    view = svc.view(code)
    table = views.states_table_html(view.room, view.run, view.baseline)
    assert "<script>" not in table and "&lt;script&gt;" in table
    assert views.qr_svg(f"http://127.0.0.1:8765/join?room={code}").startswith("<svg")


def test_pages_render_in_process_for_every_role(catalog, tmp_path, monkeypatch):
    """Console, team page (state and secretariat), screen and debrief render without a
    browser; a bad token or code gives a one-line message, not a traceback."""
    import solara
    from ui_helpers import texts

    from ui.rooms import pages
    from ui.rooms import service as service_module

    s = RoomService(catalog, tmp_path / "pages.sqlite")
    monkeypatch.setattr(service_module, "_SERVICE", s)
    code, key = s.create("baseline", 2, 2, secretariat=True)
    tok = s.claim(code, "IDN", "Garuda")
    sec = s.claim(code, "SEC", "Secretariat")
    for element in (pages.Console(f"room={code}&key={key}"), pages.Console(None),
                    pages.Join(None), pages.Join(f"room={code}"),
                    pages.Join(f"room={code}&seat=IDN&token={tok}"),
                    pages.Join(f"room={code}&seat=SEC&token={sec}"), pages.Screen(code)):
        solara.render(element, handle_error=False)
    _, rc = solara.render(pages.Join(f"room={code}&seat=SGP&token={tok}"), handle_error=False)
    assert "not valid" in texts(rc)
    _, rc = solara.render(pages.Console(f"room={code}&key={tok}"), handle_error=False)
    assert "only the facilitator" in texts(rc)
    s.advance(code, key)
    s.advance(code, key)
    s.fork(code, key, 1, "vote", "joint_procurement", True)
    for element in (pages.Console(f"room={code}&key={key}"), pages.Screen(code),
                    pages.Join(f"room={code}&seat=IDN&token={tok}")):
        solara.render(element, handle_error=False)
