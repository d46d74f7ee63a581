import { escapeHtml } from "./html.js";

/**
 * The developer console page: polls `./state.json` (handlers, their routes
 * on every router, calls and latency from the metrics, breakers, recent
 * errors) and builds a try-it form from a handler's input schema, which calls
 * it through its HTTP route (or `./invoke` by name) and shows the answer.
 * Plain DOM code, no assets to fetch.
 */
export function consolePage(title: string, docsUrl: string | undefined): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} — developer console</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:0;background:#f5f6f8;color:#1b1f24}
header{background:#1b1f24;color:#eee;padding:10px 18px;display:flex;gap:16px;align-items:baseline}
header h1{font-size:17px;margin:0}header a{color:#8cf}
main{display:grid;grid-template-columns:minmax(420px,1.2fr) 1fr;gap:16px;padding:16px}
section{background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:10px 14px;margin-bottom:16px}
h2{font-size:14px;margin:4px 0 8px;text-transform:uppercase;letter-spacing:.04em;color:#57606a}
.handler{border-top:1px solid #eef0f2;padding:8px 0}.handler:first-of-type{border-top:0}
.handler b{font-size:15px}.desc{color:#57606a}.routes{margin:4px 0;display:flex;flex-wrap:wrap;gap:4px}
.route{font:12px ui-monospace,monospace;background:#eef3fb;border-radius:4px;padding:1px 6px}.route i{color:#6a737d;font-style:normal}
.calls{font:12px ui-monospace,monospace;color:#24292f}.bad{color:#b42318}
button{font:inherit;padding:3px 10px;border:1px solid #8c959f;border-radius:5px;background:#f6f8fa;cursor:pointer}
button.primary{background:#1f6feb;color:#fff;border-color:#1f6feb}
label{display:block;margin:6px 0 2px;font-weight:600}label small{font-weight:400;color:#6a737d}
input[type=text],input[type=number],select,textarea{width:100%;box-sizing:border-box;font:13px ui-monospace,monospace;padding:4px 6px;border:1px solid #c9d1d9;border-radius:4px}
pre{background:#0d1117;color:#e6edf3;padding:8px;border-radius:5px;overflow:auto;font-size:12px;min-height:2em}
table{border-collapse:collapse;width:100%;font-size:12px}td,th{text-align:left;padding:2px 6px;border-bottom:1px solid #eef0f2}
.muted{color:#6a737d}
</style>
</head>
<body>
<header><h1>${escapeHtml(title)} · developer console</h1><span id="app-state" class="muted"></span>${
    docsUrl === undefined ? "" : `<a href="${docsUrl}">API docs</a>`
  }</header>
<main>
<div>
<section><h2>Handlers</h2><div id="handlers">loading…</div></section>
</div>
<div>
<section id="try"><h2>Try it</h2><p class="muted">Pick a handler's “try” to get a form built from its input schema.</p></section>
<section><h2>Circuit breakers</h2><div id="breakers" class="muted">none</div></section>
<section><h2>Governance rules</h2><div id="governance" class="muted">none configured</div></section>
<section><h2>Recent errors</h2><div id="errors" class="muted">none</div></section>
</div>
</main>
<script>
const base = location.pathname.replace(/\\/$/, "");
let state = { handlers: [] };
const el = (tag, attrs = {}, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (k === "class") e.className = v; else if (k.startsWith("on")) e[k] = v; else e.setAttribute(k, v);
  for (const kid of kids) e.append(kid);
  return e;
};
const fmt = (ms) => ms === undefined ? "–" : ms < 1 ? ms.toFixed(2) + " ms" : ms.toFixed(1) + " ms";
function callsText(c) {
  return c.total + " calls · " + c.errors + " errors · mean " + fmt(c.meanMs) + " · p95 ≤ " + fmt(c.p95Ms) + (c.inFlight ? " · " + c.inFlight + " in flight" : "");
}
function render() {
  document.getElementById("app-state").textContent = state.app + " · " + state.state + (state.production ? " · production" : "");
  const list = document.getElementById("handlers");
  const names = state.handlers.map((h) => h.name).join(",");
  if (list.dataset.names !== names) {
    list.dataset.names = names;
    list.replaceChildren(...state.handlers.map((h) => el("div", { class: "handler", "data-handler": h.name },
      el("b", {}, h.name), " ",
      h.tryIt.via === "none" ? el("span", { class: "muted" }, "(no HTTP route, not registered by name)") : el("button", { class: "try", onclick: () => openForm(h.name) }, "try"),
      h.description ? el("div", { class: "desc" }, h.description) : "",
      el("div", { class: "routes" }, ...h.routes.map((r) => el("span", { class: "route" }, el("i", {}, r.server + " "), r.route))),
      el("div", { class: "calls" }))));
  }
  for (const h of state.handlers) {
    const c = list.querySelector('[data-handler="' + CSS.escape(h.name) + '"] .calls');
    if (c) { c.textContent = callsText(h.calls); c.classList.toggle("bad", h.calls.errors > 0); }
  }
  const br = document.getElementById("breakers");
  if (state.breakers.length) br.replaceChildren(el("table", {}, ...state.breakers.map((b) => el("tr", {}, el("td", {}, b.name), el("td", { class: b.state === "closed" ? "" : "bad" }, b.state)))));
  if (state.governance !== undefined) document.getElementById("governance").replaceChildren(el("pre", {}, JSON.stringify(state.governance, null, 2)));
  const er = document.getElementById("errors");
  if (state.errors.length) er.replaceChildren(el("table", {}, el("tr", {}, el("th", {}, "when"), el("th", {}, "handler"), el("th", {}, "route"), el("th", {}, "code"), el("th", {}, "message")),
    ...state.errors.slice(0, 15).map((e) => el("tr", {}, el("td", {}, new Date(e.at).toLocaleTimeString()), el("td", {}, e.handler), el("td", {}, e.transport + " " + e.route), el("td", { class: "bad" }, e.code), el("td", {}, e.message)))));
}
async function poll() {
  try { state = await (await fetch(base + "/state.json")).json(); render(); } catch (e) { document.getElementById("app-state").textContent = "unreachable"; }
}
function fieldFor(name, schema, required, value) {
  const id = "f-" + name;
  const label = el("label", { for: id }, name, " ", el("small", {}, (schema.type || "json") + (required ? "" : " · optional") + (schema.description ? " — " + schema.description : "")));
  let input;
  if (schema.enum) input = el("select", { id, name }, ...(required ? [] : [el("option", { value: "" }, "")]), ...schema.enum.map((v) => el("option", { value: JSON.stringify(v) }, String(v))));
  else if (schema.type === "boolean") input = el("input", { id, name, type: "checkbox" });
  else if (schema.type === "number" || schema.type === "integer") input = el("input", { id, name, type: "number", step: schema.type === "integer" ? "1" : "any" });
  else if (schema.type === "string") input = el("input", { id, name, type: "text" });
  else input = el("textarea", { id, name, rows: "3" });
  input.dataset.kind = schema.enum ? "enum" : schema.type || "json";
  if (value !== undefined) {
    if (input.type === "checkbox") input.checked = !!value;
    else if (schema.enum) input.value = JSON.stringify(value);
    else input.value = typeof value === "string" || typeof value === "number" ? String(value) : JSON.stringify(value);
  }
  return [label, input];
}
function readForm(form) {
  const whole = form.querySelector("[data-kind=whole]");
  if (whole) return whole.value.trim() === "" ? undefined : JSON.parse(whole.value);
  const out = {};
  for (const input of form.querySelectorAll("[data-kind]")) {
    const k = input.dataset.kind, n = input.name;
    if (k === "boolean") { out[n] = input.checked; continue; }
    if (input.value === "") continue;
    out[n] = k === "number" || k === "integer" ? Number(input.value) : k === "string" ? input.value : JSON.parse(input.value);
  }
  return out;
}
async function call(h, input) {
  if (h.tryIt.via === "invoke") {
    const res = await fetch(base + "/invoke", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ handler: h.name, input }) });
    return { status: res.status, body: await res.json() };
  }
  const [method, pattern] = h.tryIt.route.split(" ");
  const fields = Object.assign({}, input);
  const path = pattern.replace(/:([A-Za-z0-9_]+)/g, (_, n) => { const v = fields[n]; delete fields[n]; return encodeURIComponent(v === undefined ? "" : String(v)); });
  let url = path, body;
  const headers = {};
  const token = document.getElementById("token")?.value;
  if (token) headers.authorization = "Bearer " + token;
  if (method === "GET" || method === "DELETE") {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) q.append(k, typeof v === "string" ? v : JSON.stringify(v));
    if (String(q)) url += "?" + q;
  } else { body = JSON.stringify(input ?? {}); headers["content-type"] = "application/json"; }
  const res = await fetch(url, { method, headers, body });
  return { status: res.status, body: await res.json().catch(() => null) };
}
function openForm(name) {
  const h = state.handlers.find((x) => x.name === name);
  const panel = document.getElementById("try");
  const example = h.examples[0]?.input;
  const fields = [];
  const props = h.input && h.input.type === "object" ? h.input.properties || {} : undefined;
  if (props) for (const [n, s] of Object.entries(props)) fields.push(...fieldFor(n, s, (h.input.required || []).includes(n), example?.[n]));
  else { const t = el("textarea", { name: "input", rows: "5" }); t.dataset.kind = "whole"; if (example !== undefined) t.value = JSON.stringify(example, null, 2); fields.push(el("label", {}, "input ", el("small", {}, "JSON")), t); }
  const answer = el("pre", { class: "answer" });
  const form = el("form", { class: "try-form", "data-handler": h.name }, ...fields,
    h.filters.includes("jwt") ? el("span", {}, el("label", { for: "token" }, "bearer token"), el("input", { id: "token", type: "text" })) : "",
    el("p", {}, el("button", { class: "primary", type: "submit" }, "Invoke"), " ", el("span", { class: "muted" }, h.tryIt.via === "http" ? "via " + h.tryIt.route : "via the console (app.invoke)")),
    answer);
  form.onsubmit = async (ev) => {
    ev.preventDefault();
    answer.textContent = "…";
    try { const r = await call(h, readForm(form)); answer.textContent = r.status + "\\n" + JSON.stringify(r.body, null, 2); }
    catch (e) { answer.textContent = String(e); }
    poll();
  };
  panel.replaceChildren(el("h2", {}, "Try it: " + h.name), h.description ? el("p", { class: "desc" }, h.description) : "", form);
}
poll();
setInterval(poll, 2000);
</script>
</body>
</html>
`;
}
