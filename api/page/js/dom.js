// A small element builder: the page is plain JS with no build step and no library.

/** el("p", {class: "x", "data-id": 3}, "text", child) -> <p class="x" data-id="3">text…</p>. */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  setAttributes(node, attributes);
  node.append(...children.flat(Infinity).filter((child) => child !== null && child !== undefined && child !== false));
  return node;
}

const SVG = "http://www.w3.org/2000/svg";

/** The same for SVG elements (they need their namespace). */
export function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  setAttributes(node, attributes);
  node.append(...children.flat(Infinity).filter((child) => child !== null && child !== undefined && child !== false));
  return node;
}

function setAttributes(node, attributes) {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
}

/** Numbers as the API gives them, to 3 significant digits (0.0621, 46.4, 439). */
export function num(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  return String(Number(Number(value).toPrecision(3)));
}
