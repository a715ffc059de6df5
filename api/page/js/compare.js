// "Compare": 2 to 4 sets of practices the user picks, answered side by side
// for the farm of the form through POST /v1/scenarios.

import { el, num } from "./dom.js";
import { t, valueLabel } from "./i18n.js";
import { barKey, barScale } from "./bars.js";
import { drawChart } from "./chart.js";
import { outcomeCard } from "./outcome.js";
import { byFamily } from "./form.js";

export const SETS = 4;
const MIN_SETS = 2;
const setName = (index) => t("set_name", "Set {n}", { n: index + 1 });

/** The picking table: one row per practice (grouped by family), one checkbox column per set. */
export function compareForm(practices, onSubmit) {
  const head = el("tr", {}, el("th", { scope: "col" }, t("practice", "Practice")),
    Array.from({ length: SETS }, (_, i) => el("th", { scope: "col" }, setName(i))));
  const rows = [];
  for (const [family, members] of byFamily(practices)) {
    rows.push(el("tr", { class: "family-row" }, el("th", { scope: "rowgroup", colspan: SETS + 1 },
      valueLabel("family", family))));
    for (const practice of members) {
      rows.push(el("tr", {}, el("th", { scope: "row" }, practice.name),
        Array.from({ length: SETS }, (_, i) => el("td", {}, el("input", {
          type: "checkbox", name: "scenarios", value: practice.id, "data-set": i,
          "aria-label": `${setName(i)}: ${practice.name}` })))));
    }
  }
  const error = el("p", { class: "error", "data-error-for": "scenarios", hidden: true, role: "alert" });
  return el("form", { id: "compare-form", novalidate: true, "data-errors-scope": true, onsubmit: (event) => {
    event.preventDefault();
    const sets = Array.from({ length: SETS }, (_, i) => [...event.target.querySelectorAll(
      `input[data-set="${i}"]:checked`)].map((box) => box.value)).filter((set) => set.length);
    error.hidden = true;
    if (sets.length < MIN_SETS) {
      error.textContent = t("compare_too_few", "Tick practices in at least two sets.");
      error.hidden = false;
      return;
    }
    onSubmit(sets);
  } },
  el("p", { class: "help" }, t("compare_help", "Tick the practices of each set (2 to 4 sets), then compare them on the field described above.")),
  el("div", { class: "table-scroll" }, el("table", { class: "compare-table" }, el("thead", {}, head),
    el("tbody", {}, rows))),
  error,
  el("p", {}, el("button", { type: "submit" }, t("compare_submit", "Compare"))));
}

/** The answers side by side, and one chart with each set's expected path. */
export function renderScenarios(container, answer, names) {
  const target = answer.baseline.target_4p1000_t_c_ha_yr;
  const ok = answer.scenarios.filter((s) => s.status === "ok");
  const at = barScale(ok.map((s) => s.outcome), target);
  const label = (s, i) => `${setName(i)}: ${s.practice_ids.map((id) => names.get(id) || id).join(" + ")}`;
  const cards = answer.scenarios.map((s, i) => el("li", { class: "card", "data-scenario": i },
    s.status === "ok"
      ? outcomeCard(s.outcome, at, target, el("h3", {}, label(s, i)))
      : [el("h3", {}, label(s, i)), el("ul", { class: "error" },
        (s.errors || []).map((e) => el("li", {}, e.problem)))]));
  const box = el("div", { id: "compare-chart-box", class: "chart-box" });
  container.replaceChildren(barKey(target), el("ol", { class: "scenarios" }, cards),
    el("figure", { "data-testid": "compare-chart" }, box));
  const draw = () => ok.length && drawChart(box, {
    series: answer.scenarios.map((s, i) => [s, i]).filter(([s]) => s.status === "ok").map(([s, i]) => ({
      label: `${setName(i)} (${num(s.outcome.expected_gain_t_c_ha_yr)})`,
      years: s.outcome.trajectories[0].years, values: s.outcome.trajectories[0].soc_t_ha })),
    baseline: answer.baseline, title: t("compare_chart_title", "Each set's expected stock year by year") });
  draw();
  return draw;
}
