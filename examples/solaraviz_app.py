"""sovsim in Mesa's own visualisation: ``SolaraViz`` with ``make_plot_component``.

    pip install "sovsim[viz]"          # Mesa's viz extra and the widget pins it needs
    sovsim app --vendor-assets         # once, online: front-end files for offline use
    solara run sovsim.examples.solaraviz_app     # installed; in a checkout:
    solara run examples/solaraviz_app.py

The model here is made once, at import, so every browser tab shares it (Mesa's usual
example pattern); the workshop UI (``sovsim app``) gives each tab its own.

The sidebar's controls are model keywords (levers applied to every state); Reset builds a
new ``SovereigntyModel`` with them, Step and Play advance it a quarter at a time, and the
plots read the model's Mesa ``DataCollector`` (region means of the control and possession
indices and the largest supplier share).
"""

from __future__ import annotations

from mesa.visualization import SolaraViz, make_plot_component

from sovsim.model import SovereigntyModel

#: Model keywords shown as controls; fixed values are passed as they are.
model_params = {
    "collect": True,  # record outcomes in the DataCollector the plots read
    "pooled_evaluation": {"type": "Checkbox", "value": False, "label": "Pooled evaluation"},
    "joint_procurement": {"type": "Checkbox", "value": False, "label": "Joint procurement"},
    "national_model": {"type": "Checkbox", "value": False, "label": "National model"},
}

model = SovereigntyModel(collect=True)
page = SolaraViz(
    model,
    components=[make_plot_component(["mean_control_index", "mean_possession_index"]),
                make_plot_component("mean_largest_supplier_share")],
    model_params=model_params,
    name="sovsim: possession or control?",
)
