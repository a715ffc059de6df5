// One labelled control per API field, its help text and its error slot.
// Numbers are typed in text boxes (inputmode gives a number keyboard): the API
// stays the one judge of a value, so a wrong one reaches it and its message
// is shown next to the field instead of the browser's own.

import { el } from "./dom.js";
import { t, valueLabel } from "./i18n.js";

const NUMERIC = ["number", "integer"];

function labelText(field) {
  const label = t(`fields.${field.name}.label`, field.name.replaceAll("_", " "));
  const unit = field.unit ? ` (${field.unit})` : "";
  return label + unit;
}

function helpText(field) {
  let help = t(`fields.${field.name}.help`, field.description);
  if (field.kind === "numbers") help += " " + t("numbers_help", "Numbers separated by commas.");
  return help;
}

function input(field, id, describedBy) {
  const common = { id, name: field.name, "aria-describedby": describedBy,
                   "aria-required": field.required ? "true" : null };
  if (field.kind === "enum") {
    const options = field.enum.map((value) => el("option", { value }, valueLabel(field.name, value)));
    if (field.default === undefined || field.default === null) {
      options.unshift(el("option", { value: "" }, t(field.required ? "choose" : "not_given", "—")));
    }
    const select = el("select", common, options);
    if (field.default !== undefined && field.default !== null) select.value = field.default;
    return select;
  }
  if (field.kind === "boolean") {
    return el("input", { ...common, type: "checkbox", value: "true", checked: field.default === true });
  }
  const numeric = NUMERIC.includes(field.kind);
  const negative = field.minimum === null || field.minimum < 0;
  return el("input", {
    ...common, type: "text", autocomplete: "off", spellcheck: "false",
    // A decimal keypad has no minus sign on some phones: only where negatives make no sense.
    inputmode: numeric && !negative ? (field.kind === "integer" ? "numeric" : "decimal") : null,
    value: field.default ?? null,
  });
}

/** The block for one field: label, control, help, error slot (data-error-for). */
export function fieldBlock(field, prefix = "f") {
  const id = `${prefix}-${field.name}`;
  const help = `${id}-help`;
  const error = `${id}-error`;
  const control = input(field, id, `${help} ${error}`);
  const label = el("label", { for: id }, labelText(field),
    field.required ? el("span", { class: "required" }, " ", t("required", "(required)")) : null);
  const wrapper = el("div", { class: `field kind-${field.kind}`, "data-field": field.name },
    field.kind === "boolean" ? [control, " ", label] : [label, control],
    el("p", { class: "help", id: help }, helpText(field)),
    el("p", { class: "error", id: error, "data-error-for": field.name, hidden: true }));
  return wrapper;
}

function parseNumber(text) {
  const number = Number(text.replace(",", "."));
  // Not a number: the text goes to the API as it is, and its message says why.
  return text !== "" && Number.isFinite(number) ? number : text;
}

function parseNumbers(text) {
  // "1.5, 2, 3" or, where the comma is the decimal mark, "1,5; 2; 3".
  const parts = text.includes(";") ? text.split(";") : text.split(",");
  return parts.map((part) => part.trim()).filter((part) => part !== "").map(parseNumber);
}

/** The JSON value of a field from the text in its control; undefined leaves it out of the request. */
export function parseValue(field, text, checked) {
  if (field.kind === "boolean") return checked;
  const value = text.trim();
  if (value === "") return undefined;
  if (NUMERIC.includes(field.kind)) return parseNumber(value);
  if (field.kind === "numbers") return parseNumbers(value);
  return value;
}

/**
 * Show the API's problems next to the fields they name, inside ``scope`` (an
 * element marked data-errors-scope: the zone helper sits inside the farm
 * form's layout and may share a name with a farm field). Returns the problems
 * no field of the scope shows.
 */
export function showErrors(scope, records) {
  const own = (node) => node.closest("[data-errors-scope]") === scope;
  const unplaced = [];
  for (const record of records) {
    const name = String(record.field).split(".")[0];
    const slot = [...scope.querySelectorAll(`[data-error-for="${CSS.escape(name)}"]`)].find(own);
    if (!slot) { unplaced.push(record); continue; }
    const allowed = record.allowed && !record.problem.includes("allowed")
      ? ` ${t("allowed", "Allowed:")} ${record.allowed.join(", ")}` : "";
    slot.textContent = [slot.textContent, record.problem + allowed].filter(Boolean).join(" ");
    slot.hidden = false;
    for (const control of scope.querySelectorAll(`[name="${CSS.escape(name)}"]`)) {
      if (own(control)) control.setAttribute("aria-invalid", "true");
    }
  }
  return unplaced;
}

export function clearErrors(scope) {
  const own = (node) => node.closest("[data-errors-scope]") === scope;
  for (const slot of scope.querySelectorAll("[data-error-for]")) {
    if (own(slot)) { slot.textContent = ""; slot.hidden = true; }
  }
  for (const control of scope.querySelectorAll("[aria-invalid]")) if (own(control)) control.removeAttribute("aria-invalid");
}
