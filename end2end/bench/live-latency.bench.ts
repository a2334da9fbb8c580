// Live-sync latency: from a change being committed to another user's screen showing it.
//
//   cd end2end && npx playwright test --config bench.config.ts bench/live-latency.bench.ts
//
// Two browser contexts (two users) on one real server. Tab A makes each change with
// `fetch` to the list API; tab B observes its Lists `<ul>` with a MutationObserver. Both
// tabs timestamp with `performance.timeOrigin + performance.now()`, which is wall-clock
// time at high resolution and so comparable between the two tabs of one machine (the
// offset between the two clocks is measured through Node and reported as a check;
// Chromium coarsens these clocks to 0.1 ms).
//
// Latency is measured from A receiving the HTTP response (the change is committed by
// then) to B's MutationObserver seeing the row inserted, renamed or removed. The SSE
// event can reach B before the response reaches A, so a sample may be slightly negative.
// The time from A *sending* the request is reported as well, as an upper bound.
// Changes are made one at a time (the next after B showed the previous one): this is the
// latency of an idle system, not a throughput test.
import type { Page } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { test, waitForHydration, listsOf } from '../tests/app-server';

const WARM_UP = 10;
const CHANGES = 200;
const SEED = 50;

type Kind = 'create' | 'rename' | 'delete';
type Sample = { kind: Kind; fromResponse: number; fromRequest: number };

/** A tab's time, comparable between tabs of one machine. */
const NOW = 'performance.timeOrigin + performance.now()';

/** Records, in B, when each row appears, changes its name or goes. */
async function watch(page: Page) {
  await page.evaluate(() => {
    const ul = document.querySelector('ul[aria-label="Lists"]')!;
    const seen: { at: number; what: string }[] = [];
    (window as any).__seen = seen;
    new MutationObserver((records) => {
      const at = performance.timeOrigin + performance.now();
      for (const record of records) {
        if (record.target === ul) {
          for (const node of record.addedNodes) if (node instanceof Element) seen.push({ at, what: `added ${node.id}` });
          for (const node of record.removedNodes) if (node instanceof Element) seen.push({ at, what: `removed ${node.id}` });
          continue;
        }
        const target = record.target instanceof Element ? record.target : record.target.parentElement;
        const li = target?.closest('ul[aria-label="Lists"] > li');
        const name = li?.querySelector('.list-name')?.textContent;
        if (li && name != null) seen.push({ at, what: `named ${li.id} ${name}` });
      }
    }).observe(ul, { childList: true, subtree: true, characterData: true });
  });
}

/** When B first recorded `what`. */
async function seenAt(page: Page, what: string): Promise<number> {
  const handle = await page.waitForFunction(
    (what) => (window as any).__seen.find((entry: { what: string }) => entry.what === what)?.at,
    what,
    { timeout: 10_000, polling: 5 },
  );
  return (await handle.jsonValue()) as number;
}

/** Makes one change from A; returns when A sent it, when the response came, and its body. */
async function change(page: Page, endpoint: string, form: Record<string, string | number>) {
  return page.evaluate(
    async ({ endpoint, form }) => {
      const now = () => performance.timeOrigin + performance.now();
      const body = new URLSearchParams(Object.entries(form).map(([k, v]) => [k, String(v)]));
      const sent = now();
      const response = await fetch(`/api/lists/${endpoint}`, { method: 'POST', body });
      const received = now();
      if (!response.ok) throw new Error(`${endpoint}: ${response.status} ${await response.text()}`);
      return { sent, received, json: await response.json() };
    },
    { endpoint, form },
  );
}

/**
 * A tab's clock minus Node's (both are `timeOrigin + now()`), from the read with the
 * shortest round trip: the tab read its clock somewhere inside that round trip.
 */
async function offsetFromNode(page: Page) {
  let best = { rtt: Infinity, offset: 0 };
  for (let i = 0; i < 200; i++) {
    const before = performance.timeOrigin + performance.now();
    const inPage = (await page.evaluate(NOW)) as number;
    const after = performance.timeOrigin + performance.now();
    if (after - before < best.rtt) best = { rtt: after - before, offset: inPage - (before + after) / 2 };
  }
  return best;
}

/**
 * B's clock minus A's, to check that the two tabs' clocks agree. Both are the system
 * clock, so this should be zero within its uncertainty; the samples are not corrected.
 */
async function clockOffset(a: Page, b: Page) {
  const [inA, inB] = [await offsetFromNode(a), await offsetFromNode(b)];
  return { offset: inB.offset - inA.offset, uncertainty: (inA.rtt + inB.rtt) / 2 };
}

function percentile(sorted: number[], p: number): number {
  // Nearest rank.
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

function summary(values: number[]) {
  const sorted = [...values].sort((x, y) => x - y);
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  const round = (v: number) => Math.round(v * 100) / 100;
  return {
    n: values.length,
    p50: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1]),
    min: round(sorted[0]),
    mean: round(mean),
  };
}

test('live sync latency: change committed in A -> shown in B', async ({ browser, startServer }, testInfo) => {
  const server = await startServer({ seed: SEED });
  // BENCH_TWO_INSTANCES: tab B is served by a second instance on the same database
  // (PostgreSQL: scripts/bench-postgres.sh), so each change crosses between instances.
  const other = process.env.BENCH_TWO_INSTANCES ? await startServer({ databaseUrl: server.databaseUrl }) : server;
  const open = async (on: typeof server) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(on.notesUrl);
    await waitForHydration(page);
    return page;
  };
  const a = await open(server);
  const b = await open(other);
  await watch(b);

  const clocks = await clockOffset(a, b);
  const samples: Sample[] = [];
  // Cycles of create -> rename -> delete keep the screen at its seeded size.
  let current: { id: number; name: string } | undefined;
  for (let i = 0; i < WARM_UP + CHANGES; i++) {
    const step = i % 3;
    let kind: Kind;
    let expect: string;
    let timing: { sent: number; received: number };
    if (step === 0) {
      kind = 'create';
      const name = `Bench ${i}`;
      // A fresh create key per create, as the screen sends (without one the server would
      // use the document's cookie key and answer every create after the first with the
      // first row).
      const key = randomUUID().replace(/-/g, '');
      const { json, ...t } = await change(a, 'create', { name, key });
      current = json.list;
      timing = t;
      expect = `added lists-${current!.id}`;
    } else if (step === 1) {
      kind = 'rename';
      const name = `Bench ${i} renamed`;
      const { json, ...t } = await change(a, 'rename', { id: current!.id, name });
      current = json.list;
      timing = t;
      expect = `named lists-${current!.id} ${name}`;
    } else {
      kind = 'delete';
      timing = await change(a, 'delete', { id: current!.id });
      expect = `removed lists-${current!.id}`;
    }
    const shown = await seenAt(b, expect);
    if (i >= WARM_UP) {
      samples.push({ kind, fromResponse: shown - timing.received, fromRequest: shown - timing.sent });
    }
  }

  const report = {
    changes: samples.length,
    seededRows: SEED,
    // B's clock minus A's, measured through Node: should be 0 within the uncertainty.
    clockOffsetMs: Math.round(clocks.offset * 1000) / 1000,
    clockOffsetUncertaintyMs: Math.round(clocks.uncertainty * 1000) / 1000,
    fromResponseMs: summary(samples.map((s) => s.fromResponse)),
    fromRequestMs: summary(samples.map((s) => s.fromRequest)),
    byKindFromResponseMs: Object.fromEntries(
      (['create', 'rename', 'delete'] as const).map((kind) => [
        kind,
        summary(samples.filter((s) => s.kind === kind).map((s) => s.fromResponse)),
      ]),
    ),
  };
  console.log(
    `live-sync latency over ${report.changes} changes (A's response -> B's DOM): ` +
      `p50 ${report.fromResponseMs.p50} ms, p99 ${report.fromResponseMs.p99} ms; ` +
      `(A's request -> B's DOM): p50 ${report.fromRequestMs.p50} ms, p99 ${report.fromRequestMs.p99} ms`,
  );
  console.log(JSON.stringify(report, null, 2));
  await testInfo.attach('live-latency.json', { body: JSON.stringify({ report, samples }, null, 2), contentType: 'application/json' });
  // Keep the screens honest: B ends up with exactly what the database holds.
  const shownRows = await listsOf(b).locator(':scope > li').count();
  const dbRows = Number(server.sql('SELECT COUNT(*) FROM lists WHERE NOT is_deleted'));
  if (shownRows !== dbRows) throw new Error(`B shows ${shownRows} rows, the database has ${dbRows}`);
});
