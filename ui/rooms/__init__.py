"""The participatory workshop: rooms, teams, rounds (issue 12).

:mod:`ui.rooms.engine` holds the rules (pure Python), :mod:`ui.rooms.service` the rooms a
server holds (SQLite), :mod:`ui.rooms.pages` the facilitator console, the team page and the
projector screen.
"""
