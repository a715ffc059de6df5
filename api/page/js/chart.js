// The stock year by year, drawn as SVG by the page itself: one line per
// method the answer gives (its legend is the method's name, so a method added
// to the API is drawn without a change here), the 4 per 1000 path and the
// soil's capacity. Sized to its box when drawn, so text stays legible on a phone.

import { el, num, svg } from "./dom.js";
import { t } from "./i18n.js";

// Okabe-Ito colours (told apart with colour blindness) and dashes (told apart in print).
const COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8C6D00", "#56B4E9"];
const DASHES = ["", "7 4", "2 3", "9 3 2 3", "4 2", "1 2"];
const TARGET = { colour: "#1a1a1a", dash: "3 5" };
const CAPACITY = { colour: "#8B0000", dash: "10 4" };

function niceStep(span, count) {
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 2.5, 5, 10].map((m) => m * power).find((step) => step >= raw) || raw;
}

function ticks(lo, hi, count) {
  const step = niceStep(hi - lo || 1, count);
  const out = [];
  for (let value = Math.ceil(lo / step) * step; value <= hi + 1e-9; value += step) out.push(Number(value.toPrecision(6)));
  return out;
}

export function methodLabel(method) {
  return t(`methods.${method}`, method);
}

function swatch(style) {
  return svg("svg", { width: 28, height: 10, "aria-hidden": "true", focusable: "false" },
    svg("line", { x1: 0, y1: 5, x2: 28, y2: 5, stroke: style.colour, "stroke-width": 3,
                  "stroke-dasharray": style.dash || null }));
}

/**
 * Draw into ``box`` (emptied). ``series``: [{label, years, values}];
 * ``baseline``: the answer's baseline (stock, 4 per 1000 target, capacity).
 */
export function drawChart(box, { series, baseline, title }) {
  box.replaceChildren();
  const width = Math.round(Math.max(300, Math.min(900, box.clientWidth || 640)));
  const height = Math.round(Math.max(230, Math.min(380, width * 0.6)));
  const m = { left: 50, right: 14, top: 42, bottom: 42 };
  const xMax = Math.max(1, ...series.flatMap((s) => s.years));
  const start = baseline.soc_t_ha;
  const pathEnd = start + baseline.target_4p1000_t_c_ha_yr * xMax;
  const values = [start, pathEnd, ...series.flatMap((s) => s.values)];
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  const span = hi - lo || 1;
  const capacity = baseline.capacity_t_c_ha;
  // A capacity far above the paths would flatten them: it is then named at the top edge instead.
  const capacityDrawn = typeof capacity === "number" && capacity <= hi + span * 0.6;
  if (capacityDrawn) hi = Math.max(hi, capacity);
  lo -= (hi - lo) * 0.06;
  hi += (hi - lo) * 0.06;
  const x = (year) => m.left + (year / xMax) * (width - m.left - m.right);
  const y = (stock) => m.top + (1 - (stock - lo) / (hi - lo)) * (height - m.top - m.bottom);
  const line = (points, style, extra = {}) => svg("polyline", {
    points: points.map(([a, b]) => `${x(a).toFixed(1)},${y(b).toFixed(1)}`).join(" "), fill: "none",
    stroke: style.colour, "stroke-width": 2.5, "stroke-dasharray": style.dash || null, ...extra });

  const styles = series.map((_, i) => ({ colour: COLOURS[i % COLOURS.length], dash: DASHES[i % DASHES.length] }));
  const yTicks = ticks(lo, hi, 5);
  const xTicks = ticks(0, xMax, Math.min(6, Math.max(2, Math.floor(width / 90))));
  const titleId = `${box.id}-title`;
  const description = t("chart_desc", "Stock from {start} t C/ha now; capacity {capacity} t C/ha.",
    { start: num(start), capacity: num(capacity) });
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "img",
                             "aria-labelledby": titleId, class: "chart" },
    svg("title", { id: titleId }, `${title}. ${description}`),
    yTicks.map((v) => [svg("line", { x1: m.left, x2: width - m.right, y1: y(v), y2: y(v), class: "grid" }),
      svg("text", { x: m.left - 6, y: y(v) + 4, "text-anchor": "end" }, num(v))]),
    xTicks.map((v) => svg("text", { x: x(v), y: height - m.bottom + 16, "text-anchor": "middle" }, num(v))),
    svg("text", { x: (m.left + width - m.right) / 2, y: height - 6, "text-anchor": "middle", class: "axis" },
      t("chart_x", "years from now")),
    svg("text", { x: 4, y: 14, class: "axis" }, t("chart_y", "SOC stock, t C/ha (0-30 cm)")),
    svg("line", { x1: m.left, x2: m.left, y1: m.top, y2: height - m.bottom, class: "axis-line" }),
    svg("line", { x1: m.left, x2: width - m.right, y1: height - m.bottom, y2: height - m.bottom, class: "axis-line" }),
    capacityDrawn
      ? [line([[0, capacity], [xMax, capacity]], CAPACITY),
        svg("text", { x: width - m.right - 4, y: y(capacity) - 6, "text-anchor": "end", class: "capacity" },
          t("capacity_line", "capacity {value}", { value: num(capacity) }))]
      : svg("text", { x: width - m.right - 4, y: m.top - 10, "text-anchor": "end", class: "capacity" },
        t("capacity_above", "▲ capacity {value} t C/ha, far above", { value: num(capacity) })),
    line([[0, start], [xMax, pathEnd]], TARGET),
    series.map((s, i) => line(s.years.map((year, j) => [year, s.values[j]]), styles[i],
      { "data-method": s.label })));

  const legend = el("ul", { class: "legend" },
    series.map((s, i) => el("li", {}, swatch(styles[i]), " ", methodLabel(s.label))),
    el("li", {}, swatch(TARGET), " ", t("legend_target", "4 per 1000 path")),
    el("li", {}, swatch(CAPACITY), " ", t("legend_capacity", "soil's capacity")));
  box.append(chart, legend, dataTable(series));
}

/** The numbers behind the lines, for screen readers and anyone who wants them. */
function dataTable(series) {
  const years = series.length ? series[0].years : [];
  return el("details", { class: "chart-data" },
    el("summary", {}, t("chart_numbers", "The numbers")),
    el("div", { class: "table-scroll" }, el("table", {},
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, t("chart_x", "years from now")),
        series.map((s) => el("th", { scope: "col" }, methodLabel(s.label))))),
      el("tbody", {}, years.map((year, j) => el("tr", {}, el("th", { scope: "row" }, num(year)),
        series.map((s) => el("td", {}, num(s.values[j])))))))));
}
