// The ranges of a gain drawn as bars on one scale shared by every outcome
// shown together, with the farm's 4 per 1000 target marked on each: the
// numbers are written beside the bars, the bars themselves are decoration
// for screen readers (aria-hidden).

import { el, num } from "./dom.js";
import { t } from "./i18n.js";

/** Each range an outcome may carry, [low, high] in t C/ha/yr; the last is optional (methods' spread). */
export const RANGES = [
  ["interval_t_c_ha_yr", "bar_interval", "10–90 % of the expected gain"],
  ["field_range_t_c_ha_yr", "bar_field_range", "what one field may see (10–90 %)"],
  ["structural_range_t_c_ha_yr", "bar_structural", "spread between methods"],
];

const finite = (value) => typeof value === "number" && Number.isFinite(value);

/** A scale from 0 (or the lowest low) to the target or the highest high, as % of the bar's width. */
export function barScale(outcomes, target) {
  const values = outcomes.flatMap((outcome) => [outcome.expected_gain_t_c_ha_yr,
    ...RANGES.flatMap(([key]) => (Array.isArray(outcome[key]) ? outcome[key] : []))]).filter(finite);
  const lo = Math.min(0, ...values);
  const hi = Math.max(target || 0, ...values);
  const span = hi - lo || 1;
  return (value) => Math.max(0, Math.min(100, ((value - lo) / span) * 100));
}

function marks(at, target) {
  return [el("span", { class: "zero", style: `left:${at(0)}%` }),
    finite(target) ? el("span", { class: "target", style: `left:${at(target)}%` }) : null];
}

function row(kind, label, [low, high], at, target, point) {
  return el("div", { class: `bar-row ${kind}` },
    el("span", { class: "bar-label" }, label),
    el("span", { class: "track", "aria-hidden": "true" }, marks(at, target),
      el("span", { class: "range", style: `left:${at(low)}%;width:${Math.max(0.5, at(high) - at(low))}%` }),
      finite(point) ? el("span", { class: "point", style: `left:${at(point)}%` }) : null),
    el("span", { class: "bar-value" }, `${num(low)} – ${num(high)}`));
}

/** The bars of one outcome (every range it has), on the scale ``at``. */
export function rangeBars(outcome, at, target) {
  const rows = RANGES.filter(([key]) => Array.isArray(outcome[key]) && outcome[key].length === 2).map(
    ([key, label, fallback], index) => row(key, t(label, fallback), outcome[key], at, target,
      index === 0 ? outcome.expected_gain_t_c_ha_yr : null));
  return el("div", { class: "bars" }, rows);
}

/** The key to the bars, shown once above the outcomes that use it. */
export function barKey(target) {
  return el("p", { class: "bar-key" },
    el("span", { class: "key-target", "aria-hidden": "true" }), " ",
    t("bar_key", "Bars: t C/ha/yr; dot: the expected gain; dashed line: this farm's 4 per 1000 target ({target} t C/ha/yr).",
      { target: num(target) }));
}
