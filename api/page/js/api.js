// The API, called exactly as any other client calls it; the key (when the
// service asks for one) goes in X-API-Key and is kept for the tab only.

const KEY = "advisor-api-key";

export function apiKey() {
  return sessionStorage.getItem(KEY) || "";
}

export function setApiKey(key) {
  if (key) sessionStorage.setItem(KEY, key);
  else sessionStorage.removeItem(KEY);
}

function headers(extra = {}) {
  const key = apiKey();
  return key ? { ...extra, "X-API-Key": key } : extra;
}

/** {status, body}: never throws for an HTTP error; a network failure is status 0. */
async function call(path, options = {}) {
  try {
    const response = await fetch(path, { ...options, headers: headers(options.headers) });
    const text = await response.text();
    let body = null;
    try { body = text ? JSON.parse(text) : null; } catch { body = text; }
    return { status: response.status, body };
  } catch (error) {
    return { status: 0, body: String(error) };
  }
}

export const getJson = (path) => call(path);
export const postJson = (path, body) => call(path, {
  method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
});
