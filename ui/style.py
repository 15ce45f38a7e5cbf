"""Room-size type and a layout that fits a phone: one style sheet for the whole page."""

from __future__ import annotations

import solara

ROOM_CSS = """
.sovsim-room, .sovsim-room .v-btn, .sovsim-room .v-label, .sovsim-room .v-field__input,
.sovsim-room .v-select__selection-text, .v-overlay .v-list-item-title,
.sovsim-room .v-selection-control .v-label, .sovsim-room .v-card-title,
.sovsim-room .v-card-subtitle, .sovsim-room .v-alert, .sovsim-room textarea {
  font-size: 18px !important; }
.sovsim-room .v-card-subtitle { white-space: normal; opacity: .8; }
.sovsim-room .v-btn { text-transform: none; letter-spacing: 0; }
.sovsim-room .lever-label { font-size: 18px !important; }
.sovsim-room .regional-body-note, .sovsim-room .provenance,
.sovsim-room .hint { font-size: 18px !important; }
.sovsim-room svg[data-chart] { max-width: 100%; height: auto; }
.sovsim-room .v-col, .sovsim-room .v-sheet { min-width: 0; max-width: 100%; }
.sovsim-room [class*="chart-"] { flex: 1 1 min(420px, 100%); min-width: 0;
  max-width: min(100%, 620px); }
.sovsim-room h2 { overflow-wrap: anywhere; }
.sovsim-room [class*="chart-"] svg { width: 100%; }
.sovsim-room .charts-large > [class*="chart-"] { flex: 1 1 min(420px, 100%);
  max-width: none; }
.sovsim-room .compare-charts > div [class*="chart-"] { max-width: none; }
.sovsim-room .story-caption { line-height: 1.35; }
.sovsim-room .share-qr svg { width: 200px; height: auto; }
.sovsim-room .scenario-description { display: -webkit-box; -webkit-line-clamp: 2;
  -webkit-box-orient: vertical; overflow: hidden; }
.sovsim-room.present .v-card-subtitle, .sovsim-room.present .regional-body-note,
.sovsim-room.present .bloc-text { display: none; }
.sovsim-room.present .v-card-title { padding-bottom: 0; }
.sovsim-room .state-card { font-size: 18px !important; width: 300px !important;
  max-width: 100%; }
.sovsim-room .event-log, .sovsim-room .delta-panel { max-width: 100%; overflow-x: auto; }
.sovsim-room .v-input { max-width: 100%; }
.v-application, .v-application__wrap, .v-layout, .v-main, .v-container {
  max-width: 100vw; min-width: 0; }
@media (max-width: 600px) {
  .sovsim-room { padding: 2px !important; }
  .sovsim-room .v-btn-group { flex-wrap: wrap; height: auto !important; }
}
"""


@solara.component
def RoomStyle():
    solara.Style(ROOM_CSS)
