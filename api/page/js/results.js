// The answer for one farm: its baseline, the ranked practices, the best
// bundle and the chart of the stock year by year.

import { el, num } from "./dom.js";
import { t, valueLabel } from "./i18n.js";
import { barKey, barScale } from "./bars.js";
import { drawChart } from "./chart.js";
import { figureLabel, figureValue, outcomeCard } from "./outcome.js";

function baseline(base) {
  const rows = Object.entries(base).map(([key, value]) => [figureLabel("baseline", key),
    key === "soc_source" ? valueLabel("soc_source", value) : figureValue(value)]);
  return el("section", { class: "baseline", "aria-labelledby": "baseline-title" },
    el("h3", { id: "baseline-title" }, t("baseline_title", "The field today")),
    el("dl", { class: "figures" }, rows.map(([label, value]) => el("div", {}, el("dt", {}, label),
      el("dd", {}, value)))));
}

function scores(cobenefits) {
  return el("ul", { class: "scores" }, Object.entries(cobenefits).map(([key, value]) => el("li", {},
    `${t(`cobenefits.${key}`, key.replaceAll("_", " "))}: `,
    el("span", { "aria-hidden": "true", class: "dots" }, "●".repeat(value) + "○".repeat(Math.max(0, 3 - value))),
    el("span", { class: "visually-hidden" }, t("score_of", "{value} of 3", { value })))));
}

function cost(value) {
  const level = value.cost_class ?? value.class;
  return el("p", { class: "cost" }, el("strong", {}, t("cost", "Cost"), ": "),
    `${valueLabel("cost_class", level)}, ${num(value.usd_ha_min)} – ${num(value.usd_ha_max)} USD/ha/yr`);
}

function practiceExtra(practice) {
  return [
    el("h4", {}, t("cobenefits_title", "Co-benefits (0 to 3)")), scores(practice.cobenefits),
    cost(practice.cost),
    el("details", {}, el("summary", {}, t("rationale", "Why this gain")), el("p", {}, practice.rationale)),
    practice.caveats.length ? el("details", {}, el("summary", {},
      t("caveats", "Caveats ({count})", { count: practice.caveats.length })),
    el("ul", {}, practice.caveats.map((caveat) => el("li", {}, caveat)))) : null,
  ];
}

function practiceItem(practice, at, target) {
  const heading = el("h4", { class: "practice-name" }, `${practice.rank}. ${practice.name} `,
    el("span", { class: `family-tag family-${practice.family}` }, valueLabel("family", practice.family)));
  return el("li", { class: "card", "data-practice-id": practice.practice_id },
    outcomeCard(practice, at, target, heading, practiceExtra(practice)));
}

function bundleCard(bundle, names, at, target) {
  const heading = el("h3", { id: "bundle-title" }, t("bundle_title", "Best bundle: {practices}",
    { practices: bundle.practice_ids.map((id) => names.get(id) || id).join(" + ") }));
  return el("section", { class: "card bundle", "aria-labelledby": "bundle-title", "data-testid": "bundle" },
    outcomeCard(bundle, at, target, heading));
}

/** The outcomes whose path the chart can show: the bundle first, then each practice. */
function chartChoices(answer) {
  const choices = answer.bundle ? [[t("bundle", "Best bundle"), answer.bundle]] : [];
  return choices.concat(answer.recommendations.map((p) => [`${p.rank}. ${p.name}`, p]));
}

function chartSection(answer) {
  const choices = chartChoices(answer);
  const box = el("div", { id: "trajectory-box", class: "chart-box" });
  const draw = (index) => drawChart(box, {
    series: choices[index][1].trajectories.map((path) => ({ label: path.method, years: path.years,
                                                             values: path.soc_t_ha })),
    baseline: answer.baseline, title: t("chart_title_of", "Stock year by year: {name}", { name: choices[index][0] }) });
  const select = el("select", { id: "chart-choice", onchange: (event) => draw(Number(event.target.value)) },
    choices.map(([label], index) => el("option", { value: index }, label)));
  const section = el("section", { class: "chart-section", "aria-labelledby": "chart-title" },
    el("h3", { id: "chart-title" }, t("chart_title", "Stock year by year")),
    el("p", { class: "chart-choice" }, el("label", { for: "chart-choice" }, t("chart_show", "Show"), " "), select),
    el("figure", { "data-testid": "trajectory-chart" }, box));
  // Drawn once the box is in the page, where its width is known.
  section.redraw = () => choices.length && draw(Number(select.value));
  return section;
}

/** The farm the answer is for, in one line (a printout or a screenshot says which field). */
function farmLine(farm) {
  const given = Object.entries(farm).filter(([, value]) => !(Array.isArray(value) && !value.length));
  return el("p", { class: "farm-line" }, given.map(([key, value]) => `${t(`fields.${key}.label`, key)}: ${
    [].concat(value).map((item) => valueLabel(key, item)).join(", ")}`).join(" · "));
}

/** Replace ``container``'s content with ``answer`` for ``farm``; returns a function that redraws the chart. */
export function renderAnswer(container, answer, practices, farm) {
  const target = answer.baseline.target_4p1000_t_c_ha_yr;
  const outcomes = [...answer.recommendations, ...(answer.bundle ? [answer.bundle] : [])];
  const at = barScale(outcomes, target);
  const names = new Map((practices || []).map((p) => [p.id, p.name]));
  answer.recommendations.forEach((p) => names.set(p.practice_id, p.name));
  const chart = chartSection(answer);
  container.replaceChildren(...[
    farmLine(farm),
    baseline(answer.baseline),
    chart,
    el("h3", { id: "ranked-title" }, t("ranked_title", "Ranked practices")),
    barKey(target),
    el("ol", { class: "practices", "data-testid": "recommendations", "aria-labelledby": "ranked-title" },
      answer.recommendations.map((practice) => practiceItem(practice, at, target))),
    answer.bundle ? bundleCard(answer.bundle, names, at, target) : null,
    el("p", { class: "model" }, t("model_stamp", "Model {version}", { version: answer.model.version })),
  ].filter(Boolean));
  chart.redraw();
  return chart.redraw;
}
