// "Find my climate zone": climate normals -> the IPCC zone, through
// GET /v1/climate-zone; the answer fills the form's climate zone.
// Its controls belong to a form of their own (form="zone-form"), placed
// inside the farm form's layout next to the zone they fill.

import { el } from "./dom.js";
import { t, valueLabel } from "./i18n.js";
import { clearErrors, fieldBlock, parseValue, showErrors } from "./controls.js";
import { getJson } from "./api.js";

/** The helper's fields first (temperature, rainfall, elevation), then any other the route takes. */
const FIRST = ["mat_c", "map_mm", "elevation_m"];

export function climateHelper(fields, form, onKeyRefused) {
  const ordered = [...FIRST.map((name) => fields.find((f) => f.name === name)).filter(Boolean),
    ...fields.filter((f) => !FIRST.includes(f.name))];
  const main = ordered.filter((f) => FIRST.includes(f.name) || f.required);
  const more = ordered.filter((f) => !main.includes(f));
  const blocks = (list) => list.map((field) => {
    const block = fieldBlock(field, "z");
    block.querySelectorAll("input, select").forEach((control) => control.setAttribute("form", "zone-form"));
    return block;
  });
  const result = el("p", { class: "zone-result", role: "status" });
  const body = el("div", { class: "helper-body", "data-errors-scope": true },
    el("p", { class: "help" }, t("climate_helper_help", "Give the site's climate normals; the zone found fills the climate zone above.")),
    blocks(main),
    more.length ? el("details", {}, el("summary", {}, t("more_climate", "More climate figures (optional)")),
      blocks(more)) : null,
    el("p", {}, el("button", { type: "submit", form: "zone-form" }, t("find_zone", "Find the zone"))),
    result);
  const helper = el("details", { class: "helper", id: "climate-helper" },
    el("summary", {}, t("climate_helper", "Find my climate zone")), body);

  async function find(event) {
    event.preventDefault();
    clearErrors(body);
    result.textContent = "";
    const query = new URLSearchParams();
    for (const field of ordered) {
      const control = body.querySelector(`[name="${field.name}"]`);
      const value = parseValue(field, control.value, control.checked);
      if (value === undefined) continue;
      for (const item of [].concat(value)) query.append(field.name, item);
    }
    const { status, body: answer } = await getJson(`/v1/climate-zone?${query}`);
    if (status === 200) {
      const zoneSelect = form.querySelector('[name="climate_zone"]');
      zoneSelect.value = answer.climate_zone;
      zoneSelect.dispatchEvent(new Event("change", { bubbles: true }));
      result.textContent = t("zone_found", "Zone: {zone}. {rule}",
        { zone: valueLabel("climate_zone", answer.climate_zone), rule: answer.rule }) +
        (answer.borderline ? ` ${t("zone_borderline", "Close to the moist/dry limit: check with local data.")}` : "");
    } else if (status === 422) {
      const left = showErrors(body, answer.detail);
      result.textContent = left.map((r) => `${r.field}: ${r.problem}`).join(" ");
      body.querySelector("[aria-invalid]")?.focus();
    } else if (status === 401) {
      onKeyRefused();
    } else {
      result.textContent = t("service_error", "The service did not answer ({status}).", { status });
    }
  }
  return { helper, zoneForm: el("form", { id: "zone-form", class: "zone-form", novalidate: true, onsubmit: find }) };
}
