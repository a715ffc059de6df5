// One outcome (a ranked practice, the bundle, a compared set): its gain and
// ranges against the 4 per 1000 target, CO2e and net climate, where the carbon
// comes from, and any other figure the API adds, shown under its own name.

import { el, num } from "./dom.js";
import { t, valueLabel } from "./i18n.js";
import { rangeBars, RANGES } from "./bars.js";

/** Units read from the end of an API name ("..._t_c_ha_yr"), for figures the page has no label for. */
const UNITS = [["_t_co2e_ha_yr", "t CO2e/ha/yr"], ["_t_c_ha_yr", "t C/ha/yr"], ["_t_dm_ha_yr", "t DM/ha/yr"],
  ["_t_c_ha", "t C/ha"], ["_t_ha", "t C/ha"], ["_pct", "%"], ["_years", "years"], ["_mm", "mm"]];

/** A label and unit for an API name: the language file's, else the name itself made readable. */
export function figureLabel(group, key) {
  const unit = UNITS.find(([suffix]) => key.endsWith(suffix));
  const bare = unit ? key.slice(0, -unit[0].length) : key;
  return t(`${group}.${key}`, bare.replaceAll("_", " ")) + (unit ? ` (${unit[1]})` : "");
}

export function figureValue(value) {
  if (typeof value === "number") return num(value);
  if (typeof value === "boolean") return t(value ? "yes" : "no", String(value));
  if (Array.isArray(value)) return value.map(figureValue).join(" – ");
  if (value && typeof value === "object") {
    return Object.entries(value).map(([k, v]) => `${k.replaceAll("_", " ")}: ${figureValue(v)}`).join("; ");
  }
  return value === null || value === undefined ? "–" : String(value);
}

/** Keys drawn elsewhere in the card, or by the caller; every other key is listed as a figure. */
const DRAWN = new Set(["rank", "practice_id", "practice_ids", "name", "family", "expected_gain_t_c_ha_yr",
  "share_of_4p1000_target", "meets_4p1000", "carbon_origin", "carbon_origin_reason", "emissions_t_co2e_ha_yr",
  "trajectories", "cobenefits", "cost", "rationale", "caveats", ...RANGES.map(([key]) => key)]);
/** Figures in the order an agent reads them; the rest follow in the API's order. */
const FIRST = ["expected_gain_t_co2e_ha_yr", "net_climate_t_co2e_ha_yr", "years_to_saturation",
  "equilibrium_soc_t_ha", "gain_over_horizon_t_c_ha", "soc_at_horizon_t_c_ha", "capped_by_capacity"];

function figures(outcome) {
  const keys = [...FIRST.filter((key) => key in outcome),
    ...Object.keys(outcome).filter((key) => !FIRST.includes(key) && !DRAWN.has(key))];
  const rows = keys.map((key) => [figureLabel("outcome", key), figureValue(outcome[key])]);
  const gases = outcome.emissions_t_co2e_ha_yr;
  if (gases) {
    rows.push([t("outcome.emissions", "N2O and CH4 caused (t CO2e/ha/yr)"),
      Object.entries(gases).map(([gas, value]) => `${gas.toUpperCase()} ${num(value)}`).join(", ")]);
  }
  return el("dl", { class: "figures" }, rows.map(([label, value]) => el("div", {}, el("dt", {}, label),
    el("dd", {}, value))));
}

function headline(outcome) {
  const meets = outcome.meets_4p1000;
  return el("p", { class: "headline" },
    el("strong", { class: "gain" }, num(outcome.expected_gain_t_c_ha_yr)), " t C/ha/yr ",
    el("span", { class: meets ? "badge meets" : "badge misses" },
      t(meets ? "meets_target" : "below_target", meets ? "meets the 4 per 1000 target" : "below the target"),
      ` (${num(outcome.share_of_4p1000_target)} ×)`));
}

function origin(outcome) {
  if (!outcome.carbon_origin) return null;
  return el("p", { class: `origin origin-${outcome.carbon_origin}` },
    el("strong", {}, valueLabel("carbon_origin", outcome.carbon_origin)), ": ", outcome.carbon_origin_reason || "");
}

/** The card of one outcome; ``heading`` is its title element, ``extra`` what only some outcomes have. */
export function outcomeCard(outcome, at, target, heading, extra = []) {
  return [heading, headline(outcome), rangeBars(outcome, at, target), origin(outcome), figures(outcome), extra];
}
