"""The panel shapes the Motus dashboards share, on Grafana's own builders.

Every panel names its datasource by the fixed uid provisioned in
grafana/provisioning/datasources/motus.yaml; every query gets a refId, a legend and
the panel a stable id, so the generated JSON is the same byte for byte on every run.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable

# Some of the SDK's modules warn at import that a v2 dashboard schema exists; v2
# still needs feature toggles in Grafana, and file provisioning of v1 JSON works
# everywhere. The warning says nothing about the code below.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from grafana_foundation_sdk.builders import bargauge, logs, loki, prometheus, stat, statetimeline, timeseries
    from grafana_foundation_sdk.builders.common import ReduceDataOptions, StackingConfig, VizLegendOptions
    from grafana_foundation_sdk.builders.dashboard import (
        CustomVariable,
        Dashboard,
        DashboardLink,
        Row,
        TextBoxVariable,
        ThresholdsConfig,
    )
    from grafana_foundation_sdk.models.common import (
        BarGaugeDisplayMode,
        DataSourceRef,
        GraphDrawStyle,
        LegendDisplayMode,
        LegendPlacement,
        LogsSortOrder,
        StackingMode,
        VisibilityMode,
        VizOrientation,
    )
    from grafana_foundation_sdk.models.dashboard import (
        DashboardLinkType,
        Threshold,
        ThresholdsMode,
        ValueMap,
        ValueMappingResult,
    )

__all__ = ["CustomVariable", "TextBoxVariable"]  # for the Logs dashboard's variables

PROMETHEUS_UID = "motus-prometheus"
LOKI_UID = "motus-loki"
PROMETHEUS = DataSourceRef(type_val="prometheus", uid=PROMETHEUS_UID)
LOKI = DataSourceRef(type_val="loki", uid=LOKI_UID)

# Stat and state panels read one number per series: the latest.
LAST = ["lastNotNull"]
UP_DOWN = ValueMap(
    {
        "0": ValueMappingResult(text="DOWN", color="red", index=0),
        "1": ValueMappingResult(text="UP", color="green", index=1),
    }
)

# A Redis node's role in its store: which node is the primary, over time.
PRIMARY_REPLICA = ValueMap(
    {
        "0": ValueMappingResult(text="replica", color="blue", index=0),
        "1": ValueMappingResult(text="primary", color="purple", index=1),
    }
)


def dashboard(uid: str, title: str, description: str) -> Dashboard:
    return (
        Dashboard(title)
        .uid(uid)
        .description(description)
        .tags(["motus"])
        .refresh("10s")
        .time("now-30m", "now")
        .timezone("browser")
        .readonly()
        # Every Motus dashboard links to the others (they share the tag).
        .link(
            DashboardLink("Motus dashboards")
            .type(DashboardLinkType.DASHBOARDS)
            .tags(["motus"])
            .as_dropdown(True)
            .keep_time(True)
        )
    )


def row(title: str) -> Row:
    return Row(title)


def promql(expr: str, legend: str, ref: str = "A") -> prometheus.Dataquery:
    return prometheus.Dataquery().datasource(PROMETHEUS).expr(expr).legend_format(legend).ref_id(ref).range()


def logql(expr: str, ref: str = "A", legend: str | None = None) -> loki.Dataquery:
    query = loki.Dataquery().datasource(LOKI).expr(expr).ref_id(ref).range(True)
    return query.legend_format(legend) if legend else query


def _refs(queries: Iterable) -> list:
    # refIds A, B, C... in the order given.
    return [query.ref_id(chr(ord("A") + i)) for i, query in enumerate(queries)]


def _legend(table: bool = False) -> VizLegendOptions:
    legend = VizLegendOptions().show_legend(True).placement(LegendPlacement.BOTTOM)
    if table:
        return legend.display_mode(LegendDisplayMode.TABLE).calcs(["lastNotNull", "max"])
    return legend.display_mode(LegendDisplayMode.LIST).calcs([])


def graph(
    title: str,
    description: str,
    queries: Iterable,
    unit: str = "short",
    stacked: bool = False,
    bars: bool = False,
    width: int = 12,
    height: int = 8,
    threshold: float | None = None,
    min_value: float | None = 0,
) -> timeseries.Panel:
    panel = (
        timeseries.Panel()
        .title(title)
        .description(description)
        .datasource(PROMETHEUS)
        .targets(_refs(queries))
        .unit(unit)
        .legend(_legend())
        .span(width)
        .height(height)
        .fill_opacity(10)
        .line_width(1)
    )
    if min_value is not None:
        panel = panel.min(min_value)
    if stacked:
        panel = panel.stacking(_stacking()).fill_opacity(60)
    if bars:
        panel = panel.draw_style(GraphDrawStyle.BARS).fill_opacity(80)
    if threshold is not None:
        panel = panel.thresholds(_thresholds(threshold))
    return panel


def _stacking() -> StackingConfig:
    return StackingConfig().mode(StackingMode.NORMAL)


def _thresholds(red_from: float, green_below: bool = True) -> ThresholdsConfig:
    base = "green" if green_below else "red"
    other = "red" if green_below else "green"
    return ThresholdsConfig().mode(ThresholdsMode.ABSOLUTE).steps([Threshold(None, base), Threshold(red_from, other)])


def number(
    title: str,
    description: str,
    query,
    unit: str = "short",
    width: int = 6,
    height: int = 4,
    red_from: float | None = None,
) -> stat.Panel:
    panel = (
        stat.Panel()
        .title(title)
        .description(description)
        .datasource(PROMETHEUS)
        .targets(_refs([query]))
        .unit(unit)
        .reduce_options(ReduceDataOptions().calcs(LAST).values(False))
        .span(width)
        .height(height)
    )
    if red_from is not None:
        panel = panel.thresholds(_thresholds(red_from))
    else:
        panel = panel.thresholds(ThresholdsConfig().mode(ThresholdsMode.ABSOLUTE).steps([Threshold(None, "text")]))
    return panel


def states(
    title: str, description: str, query, width: int = 12, height: int = 8, mapping: ValueMap = UP_DOWN
) -> statetimeline.Panel:
    """1 = UP (green), 0 = DOWN (red), over time: a replica turning red, then green again
    (or another two-state mapping)."""
    return (
        statetimeline.Panel()
        .title(title)
        .description(description)
        .datasource(PROMETHEUS)
        .targets(_refs([query]))
        .mappings([mapping])
        .thresholds(_thresholds(1, green_below=False))
        .show_value(VisibilityMode.NEVER)
        .merge_values(True)
        .row_height(0.8)
        .legend(VizLegendOptions().show_legend(False).display_mode(LegendDisplayMode.HIDDEN))
        .span(width)
        .height(height)
    )


def bars(title: str, description: str, query, width: int = 12, height: int = 8) -> bargauge.Panel:
    return (
        bargauge.Panel()
        .title(title)
        .description(description)
        .datasource(PROMETHEUS)
        .targets(_refs([query]))
        .reduce_options(ReduceDataOptions().calcs(LAST).values(False))
        .display_mode(BarGaugeDisplayMode.BASIC)
        .orientation(VizOrientation.HORIZONTAL)
        .min(0)
        .thresholds(ThresholdsConfig().mode(ThresholdsMode.ABSOLUTE).steps([Threshold(None, "blue")]))
        .span(width)
        .height(height)
    )


def log_lines(title: str, description: str, query, width: int = 24, height: int = 12) -> logs.Panel:
    return (
        logs.Panel()
        .title(title)
        .description(description)
        .datasource(LOKI)
        .targets(_refs([query]))
        .show_time(True)
        .show_labels(True)
        .wrap_log_message(True)
        .enable_log_details(True)
        .sort_order(LogsSortOrder.ASCENDING)
        .span(width)
        .height(height)
    )


def log_counts(title: str, description: str, queries: Iterable, width: int = 12, height: int = 8) -> timeseries.Panel:
    return (
        timeseries.Panel()
        .title(title)
        .description(description)
        .datasource(LOKI)
        .targets(_refs(queries))
        .unit("short")
        .legend(_legend())
        .draw_style(GraphDrawStyle.BARS)
        .fill_opacity(80)
        .stacking(_stacking())
        .min(0)
        .span(width)
        .height(height)
    )
