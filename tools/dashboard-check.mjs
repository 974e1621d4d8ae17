// Loads sluice's built-in dashboard in headless Chromium and checks it against the
// admin API, as an operator would read it:
//   node tools/dashboard-check.mjs http://127.0.0.1:PORT [screenshot.png] [--then COMMAND]
// With --then, COMMAND (a shell command that sends more events and waits until the
// pipeline has settled) runs while the page stays open, and the page is checked
// again without a reload: it must follow on its own.
// It fails (exit 1, a line naming what differs) when the page logs a console error,
// throws, fails a request, draws no chart or graph, or shows a number that is not
// the API's. Prints "ok - ..." lines otherwise. The caller keeps the pipeline's
// counters still while it runs (no traffic), so page and API can be compared exactly.
import { execSync } from "node:child_process";
import { chromium } from "playwright-core";

const args = process.argv.slice(2);
const thenAt = args.indexOf("--then");
const then = thenAt >= 0 ? args.splice(thenAt, 2)[1] : null;
const [base, screenshot] = args;
if (!base) {
  console.error("usage: dashboard-check.mjs BASE_URL [screenshot.png]");
  process.exit(2);
}
const problems = [];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1600 } });
  page.on("console", (m) => { if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on("response", (r) => { if (r.status() >= 400 && !r.url().endsWith("/ready")) problems.push(`HTTP ${r.status()}: ${r.url()}`); });

  await page.goto(`${base}/?interval=300`, { waitUntil: "load" });
  // Charts need two polls for a first rate; wait for a drawn line in each.
  for (const id of ["chart-throughput", "chart-backlog", "chart-errors"]) {
    await page.waitForSelector(`[data-testid="${id}"] path.line`, { state: "attached", timeout: 15000 });
  }
  await page.waitForTimeout(700);  // a few more polls: lines of several points
  await compare(page);
  if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
  if (then) {
    const before = (await (await fetch(`${base}/api/v1/components`)).json()).components.map((c) => c.events_out);
    execSync(then, { stdio: "inherit", shell: "/bin/bash" });
    const after = (await (await fetch(`${base}/api/v1/components`)).json()).components.map((c) => c.events_out);
    if (JSON.stringify(before) === JSON.stringify(after)) problems.push("--then changed no counter: nothing to follow");
    await page.waitForTimeout(1500);  // several polls: the page must have caught up by now
    console.log("the same page, after more events:");
    await compare(page);
  }
} finally {
  await browser.close();
}
if (problems.length) {
  for (const p of problems) console.log(`FAIL: ${p}`);
  process.exit(1);
}

async function compare(page) {
  const fail = (what) => problems.push(what);

  // Every line has more than one point.
  const lines = await page.$$eval("svg.chart path.line", (ps) => ps.map((p) => p.getAttribute("d")));
  if (lines.length < 4 || lines.some((d) => (d.match(/L/g) || []).length < 1)) fail(`charts: lines ${JSON.stringify(lines)}`);
  else console.log(`ok - ${lines.length} chart lines drawn`);

  // What the page shows, and the API at the same moment (nothing moves: no traffic).
  const shown = await page.evaluate(() => {
    const rows = {};
    for (const tr of document.querySelectorAll("#components tbody tr")) {
      const cell = (f) => tr.querySelector(`[data-field="${f}"]`).textContent;
      rows[tr.dataset.component] = { kind: cell("kind"), type: cell("type"), events_in: cell("events_in"),
        events_out: cell("events_out"), errors: cell("errors"), dead_lettered: cell("dead_lettered"), health: cell("health") };
    }
    const backlog = [...document.querySelectorAll("#backlog tbody tr")].map((tr) => ({
      group: tr.dataset.group, topic: tr.dataset.topic, partition: tr.dataset.partition,
      lag: tr.querySelector('[data-field="lag"]').textContent,
      end: tr.querySelector('[data-field="end_offset"]').textContent }));
    const hot = {};
    for (const t of document.querySelectorAll("#hot-tables table")) {
      hot[t.dataset.table] = [...t.querySelectorAll("tbody tr")].map((tr) =>
        Object.fromEntries([...tr.children].map((td) => [td.dataset.column, td.textContent])));
    }
    return {
      rows, backlog, hot,
      tiles: { backlog: document.querySelector('[data-testid="backlog"]').textContent,
               phase: document.querySelector('[data-testid="phase"]').textContent,
               ready: document.querySelector('[data-testid="ready"]').textContent,
               ingest: document.querySelector('[data-testid="ingest-rate"]').textContent },
      nodes: [...document.querySelectorAll("#graph g.node")].map((g) => g.dataset.name),
      edges: [...document.querySelectorAll("#graph path.edge")].map((p) => `${p.dataset.from}>${p.dataset.to}`),
    };
  });
  const api = await (await fetch(`${base}/api/v1/components`)).json();
  const hotApi = await (await fetch(`${base}/api/v1/hot`)).json();
  const number = (text) => Number(String(text).replace(/,/g, ""));

  for (const c of api.components) {
    const row = shown.rows[c.name];
    if (!row) { fail(`components table: no row for ${c.name}`); continue; }
    for (const field of ["events_in", "events_out", "errors", "dead_lettered"]) {
      if (number(row[field]) !== c[field]) fail(`${c.name}.${field}: page shows ${row[field]}, API has ${c[field]}`);
    }
    if (row.kind !== c.kind || row.type !== c.type) fail(`${c.name}: page shows ${row.kind}/${row.type}`);
    if (c.kind === "sink" && (row.health === "ok") !== c.healthy) fail(`${c.name}: health ${row.health}, API healthy=${c.healthy}`);
  }
  if (Object.keys(shown.rows).length !== api.components.length) fail(`components table has ${Object.keys(shown.rows).length} rows`);
  else console.log(`ok - components table matches the API (${api.components.length} components)`);

  const lag = api.log.backlog.filter((b) => b.group === api.group).reduce((s, b) => s + b.lag, 0);
  if (number(shown.tiles.backlog) !== lag) fail(`backlog tile ${shown.tiles.backlog}, API ${lag}`);
  for (const b of api.log.backlog) {
    const row = shown.backlog.find((r) => r.group === b.group && r.topic === b.topic && Number(r.partition) === b.partition);
    if (!row || number(row.lag) !== b.lag || number(row.end) !== b.end_offset) fail(`backlog ${b.group}/${b.topic}/${b.partition}: ${JSON.stringify(row)}`);
  }
  if (shown.tiles.phase !== api.phase || shown.tiles.ready !== "ready") fail(`header: ${JSON.stringify(shown.tiles)}`);
  else console.log(`ok - backlog (${lag}), phase and readiness match`);
  if (shown.tiles.ingest !== "0.0") fail(`ingest rate with no traffic: ${shown.tiles.ingest}`);

  const apiEdges = api.edges.map((e) => `${e.from}>${e.to}`).sort();
  if (JSON.stringify(shown.nodes.slice().sort()) !== JSON.stringify(api.components.map((c) => c.name).sort()) ||
      JSON.stringify(shown.edges.slice().sort()) !== JSON.stringify(apiEdges)) {
    fail(`graph: nodes ${shown.nodes} edges ${shown.edges}`);
  } else {
    console.log(`ok - pipeline graph: ${shown.nodes.length} nodes, ${shown.edges.length} edges`);
  }

  for (const t of hotApi.tables) {
    const rows = shown.hot[t.table] || [];
    const expected = Math.min(20, t.rows.length);
    if (rows.length !== expected) { fail(`hot table ${t.table}: page shows ${rows.length} rows, API has ${t.rows.length}`); continue; }
    t.rows.slice(0, expected).forEach((r, i) => {
      t.columns.forEach((col, j) => {
        const v = r[j];
        const text = rows[i][col];
        const same = v === null ? text === "" : typeof v === "number"
          ? Math.abs(number(text) - v) <= Math.abs(v) * 1e-3 + (Number.isInteger(v) ? 0 : 1e-3) : text === String(v);
        if (!same) fail(`hot table ${t.table} row ${i} ${col}: page ${text}, API ${v}`);
      });
    });
    console.log(`ok - hot table ${t.table}: ${rows.length} rows match`);
  }
}
