// The sluice dashboard: polls the admin API and draws what it answers. Rates come
// from the difference of two polls' counters over the time between them, as
// Prometheus' rate() does; totals are shown exactly as the API gives them.
"use strict";

const params = new URLSearchParams(location.search);
const POLL_MS = Math.max(200, Number(params.get("interval")) || 2000);
const HOT_ROWS = 20;
const HISTORY = 150;  // samples kept for the charts (5 minutes at the default interval)

const state = { previous: null, samples: [], graphKey: "" };

// ---- formatting ----
const integer = (n) => Math.round(n).toLocaleString("en-US");
function rate(n) {
  if (!Number.isFinite(n)) return "–";
  return n < 10 ? n.toFixed(1) : integer(n);
}
function seconds(s) {
  if (!Number.isFinite(s)) return "–";
  if (s === 0) return "0";
  if (s < 1e-3) return (s * 1e6).toFixed(0) + " µs";
  if (s < 1) return (s * 1e3).toFixed(s < 0.01 ? 2 : 1) + " ms";
  return s.toFixed(2) + " s";
}
function duration(s) {
  const d = Math.floor(s / 86400), h = Math.floor(s / 3600) % 24, m = Math.floor(s / 60) % 60;
  return (d ? d + "d " : "") + (d || h ? h + "h " : "") + m + "m " + Math.floor(s % 60) + "s";
}
function el(tag, attrs = {}, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}
const SVG = "http://www.w3.org/2000/svg";
function svg(tag, attrs = {}, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}
const byTestId = (id) => document.querySelector(`[data-testid="${id}"]`);

// ---- fetching ----
async function getJson(path) {
  const res = await fetch(path, { cache: "no-store" });
  // /ready answers 503 with a JSON body when not ready: that is data, not failure.
  if (!res.ok && res.status !== 503) throw new Error(`${path}: HTTP ${res.status}`);
  return res.json();
}

async function poll() {
  let answers;
  try {
    answers = await Promise.all([getJson("/api/v1/components"), getJson("/ready"), getJson("/api/v1/hot")]);
  } catch (err) {
    // Between restarts the API is gone for a moment: say so, keep the last picture.
    document.getElementById("offline").hidden = false;
    setTimeout(poll, POLL_MS);
    return;
  }
  document.getElementById("offline").hidden = true;
  try {
    render(...answers);
  } finally {
    setTimeout(poll, POLL_MS);  // a rendering bug shows in the console, and the next poll tries again
  }
}

// ---- derived numbers ----
function totals(doc) {
  const t = { ingest: 0, written: 0, errors: 0 };
  for (const c of doc.components) {
    if (c.kind === "source") t.ingest += c.events_out;
    if (c.kind === "sink") t.written += c.events_out;
    t.errors += c.errors + c.dead_lettered;
  }
  t.backlog = (doc.log.backlog || []).filter((b) => b.group === doc.group).reduce((sum, b) => sum + b.lag, 0);
  const delivered = Object.values(doc.delivery_latency || {}).filter((d) => d.count > 0);
  t.deliveryP99 = delivered.length ? Math.max(...delivered.map((d) => d.p99_seconds)) : NaN;
  return t;
}

// Per-second rates of `now` against `before` (null when there is no earlier poll).
function rates(now, before) {
  if (!before || now.time_us <= before.time_us) return null;
  const dt = (now.time_us - before.time_us) / 1e6;
  const old = new Map(before.components.map((c) => [c.name, c]));
  const perComponent = new Map();
  for (const c of now.components) {
    const o = old.get(c.name);
    if (!o) continue;
    perComponent.set(c.name, {
      in: Math.max(0, c.events_in - o.events_in) / dt,
      out: Math.max(0, c.events_out - o.events_out) / dt,
    });
  }
  const a = totals(now), b = totals(before);
  return {
    perComponent,
    ingest: Math.max(0, a.ingest - b.ingest) / dt,
    written: Math.max(0, a.written - b.written) / dt,
    errors: Math.max(0, a.errors - b.errors) / dt,
  };
}

// ---- rendering ----
function render(doc, ready, hot) {
  const r = rates(doc, state.previous);
  const t = totals(doc);
  state.previous = doc;

  byTestId("pipeline").textContent = doc.file;
  const phase = byTestId("phase");
  phase.textContent = doc.phase;
  phase.className = "badge " + (doc.phase === "running" ? "good" : "bad");
  const readyBadge = byTestId("ready");
  readyBadge.textContent = ready.ready ? "ready" : "not ready";
  readyBadge.className = "badge " + (ready.ready ? "good" : "bad");
  byTestId("uptime").textContent = "up " + duration(doc.uptime_seconds);
  byTestId("updated").textContent = "updated " + new Date(doc.time_us / 1000).toLocaleTimeString();

  byTestId("ingest-rate").textContent = r ? rate(r.ingest) : "–";
  byTestId("written-rate").textContent = r ? rate(r.written) : "–";
  byTestId("error-rate").textContent = r ? rate(r.errors) : "–";
  byTestId("backlog").textContent = integer(t.backlog);
  byTestId("delivery-p99").textContent = seconds(t.deliveryP99);

  if (r) {
    state.samples.push({ t: doc.time_us / 1e6, ingest: r.ingest, written: r.written, errors: r.errors, backlog: t.backlog });
    if (state.samples.length > HISTORY) state.samples.shift();
  }
  drawChart("chart-throughput", [["ingest", "ingest"], ["written", "written"]]);
  drawChart("chart-backlog", [["backlog", "backlog"]]);
  drawChart("chart-errors", [["errors", "errors + dead letters"]]);

  drawGraph(doc, r);
  renderComponents(doc, r);
  renderBacklog(doc);
  renderDelivery(doc);
  renderHot(hot);
}

function drawChart(id, series) {
  const chart = document.getElementById(id);
  chart.replaceChildren();
  const W = 600, H = 170, left = 52, top = 18, bottom = 20, right = 8;
  const samples = state.samples;
  let max = 0;
  for (const s of samples) for (const [key] of series) max = Math.max(max, s[key]);
  max = max > 0 ? max * 1.1 : 1;
  for (let i = 0; i <= 2; ++i) {
    const y = top + (H - top - bottom) * (i / 2);
    chart.append(svg("line", { class: "grid", x1: left, x2: W - right, y1: y, y2: y }));
    chart.append(svg("text", { class: "axis", x: left - 6, y: y + 4, "text-anchor": "end" }, rate(max * (1 - i / 2))));
  }
  series.forEach(([key, label], i) => {
    chart.append(svg("rect", { class: `legend s${i}`, x: left + 4 + i * 110, y: 4, width: 10, height: 4 }));
    chart.append(svg("text", { class: "axis", x: left + 18 + i * 110, y: 10 }, label));
  });
  if (samples.length < 2) {
    chart.append(svg("text", { class: "axis", x: W / 2, y: H / 2, "text-anchor": "middle" }, "collecting…"));
    return;
  }
  const t0 = samples[0].t, t1 = samples[samples.length - 1].t;
  const x = (t) => left + (W - left - right) * ((t - t0) / Math.max(1e-9, t1 - t0));
  const y = (v) => top + (H - top - bottom) * (1 - v / max);
  series.forEach(([key], i) => {
    const d = samples.map((s, j) => `${j ? "L" : "M"}${x(s.t).toFixed(1)},${y(s[key]).toFixed(1)}`).join("");
    chart.append(svg("path", { class: `line s${i}`, d, "data-series": key }));
  });
  chart.append(svg("text", { class: "axis", x: left, y: H - 4 }, `${Math.round(t1 - t0)} s ago`));
  chart.append(svg("text", { class: "axis", x: W - right, y: H - 4, "text-anchor": "end" }, "now"));
}

// The graph: one column per depth (sources first), edges from the output read.
function drawGraph(doc, r) {
  const graph = document.getElementById("graph");
  const names = doc.components.map((c) => c.name);
  const depth = new Map(doc.components.map((c) => [c.name, 0]));
  for (let pass = 0; pass < names.length; ++pass) {
    for (const e of doc.edges) {
      if (depth.has(e.from) && depth.has(e.to)) depth.set(e.to, Math.max(depth.get(e.to), depth.get(e.from) + 1));
    }
  }
  // Sinks all in the last column, as data leaves the pipeline there.
  const last = Math.max(0, ...doc.components.filter((c) => c.kind !== "sink").map((c) => depth.get(c.name))) + 1;
  for (const c of doc.components) if (c.kind === "sink") depth.set(c.name, last);
  const columns = [];
  for (const c of doc.components) (columns[depth.get(c.name)] ||= []).push(c);
  const NW = 150, NH = 44, GX = 70, GY = 16;
  const pos = new Map();
  const inputsOf = new Map();
  for (const e of doc.edges) (inputsOf.get(e.to) || inputsOf.set(e.to, []).get(e.to)).push(e.from);
  columns.forEach((col = [], i) => {
    // Each node near the middle of what it reads: fewer edges cross.
    const weight = (c) => {
      const ys = (inputsOf.get(c.name) || []).map((n) => pos.get(n)).filter(Boolean).map((p) => p.y);
      return ys.length ? ys.reduce((a, b) => a + b, 0) / ys.length : 0;
    };
    col.sort((a, b) => weight(a) - weight(b));
    col.forEach((c, j) => pos.set(c.name, { x: 10 + i * (NW + GX), y: 10 + j * (NH + GY) }));
  });
  const height = 20 + Math.max(...columns.map((c) => (c ? c.length : 0))) * (NH + GY);
  const width = 20 + columns.length * (NW + GX);
  graph.setAttribute("viewBox", `0 0 ${width} ${height}`);
  graph.style.height = height + "px";
  graph.replaceChildren();
  for (const e of doc.edges) {
    const a = pos.get(e.from), b = pos.get(e.to);
    if (!a || !b) continue;
    const x1 = a.x + NW, y1 = a.y + NH / 2, x2 = b.x, y2 = b.y + NH / 2, mx = (x1 + x2) / 2;
    graph.append(svg("path", { class: "edge" + (e.port ? " port" : ""), d: `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`,
                               "data-from": e.from, "data-to": e.to }));
    if (e.port) graph.append(svg("text", { class: "port-label", x: x1 + 4, y: y1 - 4 }, e.port));
  }
  for (const c of doc.components) {
    const p = pos.get(c.name);
    const failing = c.kind === "sink" && c.healthy === false;
    const g = svg("g", { class: `node ${c.kind}` + (failing ? " failing" : ""), transform: `translate(${p.x},${p.y})`, "data-name": c.name });
    g.append(svg("rect", { width: NW, height: NH }));
    g.append(svg("text", { x: 8, y: 17 }, c.name));
    const perSecond = r && r.perComponent.get(c.name);
    g.append(svg("text", { class: "sub", x: 8, y: 34 }, `${c.type} · ${perSecond ? rate(perSecond.out) + "/s" : "–"}`));
    graph.append(g);
  }
}

function cells(row, values) {
  for (const [field, text, cls] of values) row.append(el("td", { "data-field": field, class: cls ?? "num" }, text));
}

function renderComponents(doc, r) {
  const body = document.querySelector("#components tbody");
  body.replaceChildren();
  for (const c of doc.components) {
    const tr = el("tr", { "data-component": c.name });
    const perSecond = r && r.perComponent.get(c.name);
    const health = c.kind !== "sink" ? "" : c.healthy ? "ok" : "FAILING: " + (c.error || "");
    cells(tr, [
      ["name", c.name, "name"], ["kind", c.kind, ""], ["type", c.type, ""],
      ["in_rate", perSecond ? rate(perSecond.in) : "–"], ["out_rate", perSecond ? rate(perSecond.out) : "–"],
      ["events_in", integer(c.events_in)], ["events_out", integer(c.events_out)],
      ["errors", integer(c.errors)], ["dead_lettered", integer(c.dead_lettered)],
      ["batch_p50", c.batch_latency.count ? seconds(c.batch_latency.p50_seconds) : "–"],
      ["batch_p99", c.batch_latency.count ? seconds(c.batch_latency.p99_seconds) : "–"],
      ["queued", c.queued_batches === undefined ? "" : integer(c.queued_batches)],
      ["health", health, c.kind !== "sink" ? "" : c.healthy ? "ok-text" : "bad-text"],
    ]);
    body.append(tr);
  }
}

function renderBacklog(doc) {
  const body = document.querySelector("#backlog tbody");
  body.replaceChildren();
  for (const b of doc.log.backlog || []) {
    const tr = el("tr", { "data-group": b.group, "data-topic": b.topic, "data-partition": b.partition });
    cells(tr, [["group", b.group, ""], ["topic", b.topic, ""], ["partition", String(b.partition)],
               ["committed", integer(b.committed)], ["end_offset", integer(b.end_offset)], ["lag", integer(b.lag)]]);
    body.append(tr);
  }
}

function renderDelivery(doc) {
  const body = document.querySelector("#delivery tbody");
  body.replaceChildren();
  for (const [topic, d] of Object.entries(doc.delivery_latency || {})) {
    const tr = el("tr", { "data-topic": topic });
    const q = (v) => (d.count ? seconds(v) : "–");
    cells(tr, [["topic", topic, ""], ["count", integer(d.count)], ["p50", q(d.p50_seconds)],
               ["p95", q(d.p95_seconds)], ["p99", q(d.p99_seconds)]]);
    body.append(tr);
  }
}

function renderHot(hot) {
  const holder = document.getElementById("hot-tables");
  holder.replaceChildren();
  document.getElementById("hot-empty").hidden = hot.tables.length > 0;
  for (const t of hot.tables) {
    holder.append(el("h3", {}, `${t.table} (sink ${t.sink})`));
    if (t.error) {
      holder.append(el("p", { class: "bad-text" }, t.error));
      continue;
    }
    if (t.rows.length === 0) {
      holder.append(el("p", { class: "muted", "data-table": t.table }, "no rows yet"));
      continue;
    }
    const table = el("table", { "data-table": t.table });
    const head = el("tr");
    for (const c of t.columns) head.append(el("th", {}, c));
    const thead = el("thead");
    thead.append(head);
    table.append(thead);
    const body = el("tbody");
    for (const row of t.rows.slice(0, HOT_ROWS)) {
      const tr = el("tr");
      row.forEach((v, i) => {
        const number = typeof v === "number";
        const text = v === null ? "" : number ? (Number.isInteger(v) ? integer(v) : v.toPrecision(4)) : String(v);
        tr.append(el("td", { class: number ? "num" : "", "data-column": t.columns[i] }, text));
      });
      body.append(tr);
    }
    table.append(body);
    holder.append(table);
  }
}

poll();
