// The advisor page: builds the form from the API's own description, sends
// it, shows the answer; the form's state lives in the URL.

import { el } from "./dom.js";
import { LANGUAGES, t, translateStatic, useLanguage } from "./i18n.js";
import { apiKey, getJson, postJson, setApiKey } from "./api.js";
import { bodyFields, needsKey, queryFields } from "./schema.js";
import { clearErrors, showErrors } from "./controls.js";
import { FarmForm } from "./form.js";
import { climateHelper } from "./climate.js";
import { renderAnswer } from "./results.js";
import { compareForm, renderScenarios } from "./compare.js";

const $ = (selector) => document.querySelector(selector);
const params = new URLSearchParams(location.search);
const lang = LANGUAGES.includes(params.get("lang")) ? params.get("lang") : "en";
const page = { farm: null, practices: null, redraws: [] };

/** The URL: the form's state and the language; the language links keep that state. */
function saveState() {
  const state = page.farm.toParams(new URLSearchParams());
  if (lang !== "en") state.set("lang", lang);
  history.replaceState(null, "", `${location.pathname}${state.size ? "?" : ""}${state}`);
  for (const link of document.querySelectorAll("[data-lang]")) {
    state.set("lang", link.dataset.lang);
    link.href = `?${state}`;
    if (link.dataset.lang === lang) link.setAttribute("aria-current", "true");
  }
}

function keyBox() {
  const box = $("#key-box");
  box.hidden = false;
  box.replaceChildren(el("div", { class: "field", "data-field": "api_key" },
    el("label", { for: "f-api_key" }, t("api_key", "Service key")),
    el("input", { id: "f-api_key", name: "api_key", type: "password", autocomplete: "off",
                  value: apiKey(), "aria-describedby": "f-api_key-help f-api_key-error",
                  onchange: async (event) => { setApiKey(event.target.value.trim()); await loadPractices(); } }),
    el("p", { class: "help", id: "f-api_key-help" }, t("api_key_help", "This service asks for a key: ask its operator. It is kept for this tab only, never put in the link.")),
    el("p", { class: "error", id: "f-api_key-error", "data-error-for": "api_key", hidden: true })));
}

function keyRefused() {
  const slot = $('[data-error-for="api_key"]');
  if (!slot) return;
  slot.textContent = t("key_refused", "The service refused the key: type the key it expects.");
  slot.hidden = false;
  $("#f-api_key").setAttribute("aria-invalid", "true");
  $("#f-api_key").focus();
}

/** Problems the API named: next to their fields, and listed at the top of the form. */
function showProblems(records, ...scopes) {
  let left = records;
  for (const scope of scopes) left = showErrors(scope, left);
  const summary = $("#errors-summary");
  summary.replaceChildren(el("h3", {}, t("errors_title", "Please check these fields")),
    el("ul", {}, records.map((record) => {
      const name = String(record.field).split(".")[0];
      const control = document.querySelector(`#farm-form [name="${CSS.escape(name)}"]`);
      const text = `${page.farm.label(name)}: ${record.problem}`;
      return el("li", {}, control && !left.includes(record) ? el("a", { href: `#${control.id || "practice-fields"}` }, text) : text);
    })));
  summary.hidden = false;
  summary.focus();
}

function failed(status, body, statusLine, ...scopes) {
  if (status === 422) showProblems(body.detail, ...scopes);
  else if (status === 401) keyRefused();
  statusLine.textContent = status === 422 ? t("fix_errors", "The service could not use some values: see the fields marked.")
    : t("service_error", "The service did not answer ({status}).", { status }) + (body && body.detail ? ` ${body.detail}` : "");
}

function clearAll() {
  clearErrors($("#farm-form"));
  $("#errors-summary").hidden = true;
}

async function recommend(event) {
  event?.preventDefault();
  clearAll();
  saveState();
  const status = $("#results-status");
  status.textContent = t("working", "Asking the service…");
  const farm = page.farm.body();
  const { status: code, body } = await postJson("/v1/recommendations", farm);
  if (code !== 200) {
    // Results of other values would read as the answer to these.
    $("#results-body").replaceChildren();
    failed(code, body, status, $("#farm-form"));
    return;
  }
  status.textContent = t("results_ready", "{count} practices ranked.", { count: body.recommendations.length });
  page.redraws[0] = renderAnswer($("#results-body"), body, page.practices, farm);
  if (event) $("#results").focus();
}

async function compare(sets) {
  clearAll();
  const status = $("#compare-status");
  status.textContent = t("working", "Asking the service…");
  const { status: code, body } = await postJson("/v1/scenarios", { ...page.farm.body(), scenarios: sets });
  if (code !== 200) { failed(code, body, status, $("#farm-form"), $("#compare-form")); return; }
  status.textContent = "";
  const names = new Map((page.practices || []).map((p) => [p.id, p.name]));
  page.redraws[1] = renderScenarios($("#compare-results"), body, names);
}

async function loadPractices() {
  const { status, body } = await getJson("/v1/practices");
  if (status === 401) keyRefused();
  page.practices = status === 200 ? body : null;
  if (page.farm && page.farm.built) page.farm.buildPractices(page.farm.fields.find((f) => f.name === "current_practices"), page.practices);
  $("#compare-body").replaceChildren(...(page.practices
    ? [compareForm(page.practices, compare), el("p", { id: "compare-status", class: "status", role: "status" }),
      el("div", { id: "compare-results" })]
    : [el("p", { class: "status" }, t("practices_unavailable", "The practice list could not be loaded."))]));
}

async function boot() {
  await useLanguage(lang);
  translateStatic();
  const loading = $("#load-status");
  loading.textContent = t("loading", "Loading the form…");
  const spec = await getJson("/openapi.json");
  if (spec.status !== 200) { loading.textContent = t("service_error", "", { status: spec.status }); return; }
  const form = $("#farm-form");
  if (needsKey(spec.body)) keyBox();
  page.farm = new FarmForm(form, bodyFields(spec.body, "RecommendationRequest"));
  await loadPractices();
  const { helper, zoneForm } = climateHelper(queryFields(spec.body, "/v1/climate-zone"), form, keyRefused);
  page.farm.build(page.practices, helper);
  $("#advisor").append(zoneForm);
  page.farm.fromParams(params);
  form.addEventListener("submit", recommend);
  form.addEventListener("change", saveState);
  saveState();
  loading.textContent = "";
  if (page.farm.complete()) await recommend();
}

let resizing = null;
window.addEventListener("resize", () => {
  clearTimeout(resizing);
  resizing = setTimeout(() => page.redraws.forEach((redraw) => redraw && redraw()), 150);
});
// Printed pages show what folded sections hold.
let closed = [];
window.addEventListener("beforeprint", () => {
  closed = [...document.querySelectorAll("#results details:not([open]), #compare details:not([open])")];
  closed.forEach((details) => { details.open = true; });
});
window.addEventListener("afterprint", () => closed.forEach((details) => { details.open = false; }));

boot();
