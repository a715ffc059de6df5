// Labels in the initiative's three languages. English is the fallback for a
// text another language lacks, and the API's own description the fallback
// for a field no language file knows yet (a field added to the API shows up
// with its description instead of not at all).

export const LANGUAGES = ["en", "fr", "es"];

let texts = {};
let english = {};

async function load(lang) {
  const response = await fetch(`/page/i18n/${lang}.json`);
  return response.ok ? response.json() : {};
}

/** Load the texts of ``lang`` (one of LANGUAGES), English behind them. */
export async function useLanguage(lang) {
  english = await load("en");
  texts = lang === "en" ? english : await load(lang);
  document.documentElement.lang = lang;
}

function lookup(table, key) {
  return key.split(".").reduce((node, part) => (node && typeof node === "object" ? node[part] : undefined), table);
}

/** The text for ``key`` ("fields.soc_t_ha.label"), else ``fallback``; {name} placeholders filled from ``values``. */
export function t(key, fallback = key, values = {}) {
  const found = lookup(texts, key) ?? lookup(english, key);
  const text = typeof found === "string" ? found : fallback;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? values[name] : whole));
}

/** A value of a list (an enum of the API) in words, else the value itself made readable. */
export function valueLabel(field, value) {
  return t(`values.${field}.${value}`, String(value).replaceAll("_", " "));
}

/** Fill every element marked data-i18n (and data-i18n-aria for aria-label) of the static page. */
export function translateStatic(root = document) {
  for (const node of root.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n, node.textContent);
  for (const node of root.querySelectorAll("[data-i18n-aria]")) {
    node.setAttribute("aria-label", t(node.dataset.i18nAria, node.getAttribute("aria-label")));
  }
  document.title = t("title", document.title);
}
