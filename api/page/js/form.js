// The farm form: every field of the request body, its state in the URL
// (share it, bookmark it), and the request body it makes.

import { el } from "./dom.js";
import { fieldBlock, parseValue } from "./controls.js";
import { t, valueLabel } from "./i18n.js";

/** Fields shown under "How to rank" rather than with the farm's field (all others are the farm's). */
const OPTIONS = new Set(["objective", "top_k", "horizon_years", "bundle_size"]);
/** The field whose values are practices of the catalogue: checkboxes grouped by family. */
const PRACTICES = "current_practices";

/** Practices grouped by family, in the catalogue's order (older tablets lack Map.groupBy). */
export function byFamily(practices) {
  const families = new Map();
  for (const practice of practices) {
    if (!families.has(practice.family)) families.set(practice.family, []);
    families.get(practice.family).push(practice);
  }
  return families;
}

export class FarmForm {
  constructor(form, fields) {
    this.form = form;
    this.fields = fields;
  }

  /** Build every control; ``afterZone`` is put right after the climate zone (the zone helper). */
  build(practices, afterZone) {
    const farm = this.form.querySelector("#farm-fields");
    const options = this.form.querySelector("#option-fields");
    for (const field of this.fields) {
      if (field.name === PRACTICES) { this.buildPractices(field, practices); continue; }
      (OPTIONS.has(field.name) ? options : farm).append(fieldBlock(field));
      if (field.name === "climate_zone" && afterZone) farm.append(afterZone);
    }
    this.built = true;
  }

  buildPractices(field, practices) {
    const box = this.form.querySelector("#practice-fields");
    box.querySelectorAll(":scope > :not(legend)").forEach((node) => node.remove());
    box.append(el("p", { class: "help", id: "f-current_practices-help" },
      t(`fields.${PRACTICES}.help`, field.description)));
    if (!practices) {
      box.append(el("p", { class: "status" }, t("practices_unavailable", "The practice list could not be loaded.")));
    } else {
      for (const [family, members] of byFamily(practices)) {
        box.append(el("fieldset", { class: "family" },
          el("legend", {}, valueLabel("family", family)),
          members.map((practice) => el("label", { class: "check" },
            el("input", { type: "checkbox", name: PRACTICES, value: practice.id,
                          "aria-describedby": "f-current_practices-help" }),
            " ", practice.name))));
      }
    }
    box.append(el("p", { class: "error", "data-error-for": PRACTICES, hidden: true }));
  }

  controls(name) {
    return [...this.form.querySelectorAll(`[name="${CSS.escape(name)}"]`)];
  }

  /** The request body: every field given a value (empty ones are left to the API's defaults). */
  body() {
    const body = {};
    for (const field of this.fields) {
      const controls = this.controls(field.name);
      if (field.name === PRACTICES) {
        body[field.name] = controls.filter((box) => box.checked).map((box) => box.value);
        continue;
      }
      if (!controls.length) continue;
      const value = parseValue(field, controls[0].value, controls[0].checked);
      if (value !== undefined) body[field.name] = value;
    }
    return body;
  }

  /** The form as query parameters: the text of each control that differs from its default. */
  toParams(params = new URLSearchParams()) {
    for (const field of this.fields) {
      params.delete(field.name);
      const controls = this.controls(field.name);
      if (field.name === PRACTICES || field.kind === "boolean") {
        controls.filter((box) => box.checked).forEach((box) => params.append(field.name, box.value));
        continue;
      }
      const text = controls.length ? controls[0].value.trim() : "";
      if (text !== "" && text !== String(field.default ?? "")) params.set(field.name, text);
    }
    return params;
  }

  /** Put the values of the query parameters back in the controls. */
  fromParams(params) {
    for (const field of this.fields) {
      if (!params.has(field.name)) continue;
      const values = params.getAll(field.name);
      for (const control of this.controls(field.name)) {
        if (control.type === "checkbox") control.checked = values.includes(control.value);
        else control.value = values[0];
      }
    }
  }

  /** Whether every required field has a value (a shared link then answers at once). */
  complete() {
    return this.fields.filter((field) => field.required).every(
      (field) => this.controls(field.name).some((control) => control.value.trim() !== ""));
  }

  label(name) {
    const field = this.fields.find((candidate) => candidate.name === name);
    return field ? t(`fields.${name}.label`, name) : name;
  }
}
