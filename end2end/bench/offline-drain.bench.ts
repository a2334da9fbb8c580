// Offline changes: 1,000 creates made on the screen while the connection is
// gone, then the connection comes back. How long queueing takes on the screen, and how
// long and how many requests the outbox needs to drain them (batches of 50).
//   npx playwright test --config bench.config.ts bench/offline-drain.bench.ts
// With ASYNC_STREAMER_DATABASE=postgres and POSTGRES_URL, on PostgreSQL (see
// scripts/bench-change-keys.sh, which runs it on both).
import { test, expect, waitForLive, ON_POSTGRES } from '../tests/app-server';
import { NetworkCut } from '../tests/network-cut';

const CHANGES = 1000;

test(`draining ${CHANGES} changes queued offline`, async ({ browser, startServer }) => {
  const server = await startServer({ seed: 1, allowedHosts: '127.0.0.1' });
  const relay = await NetworkCut.start(server.url);
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${relay.url}/notes`);
  await waitForLive(page);
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  let batches = 0;
  page.on('requestfinished', (request) => {
    if (new URL(request.url()).pathname === '/api/lists/changes') batches += 1;
  });

  await context.setOffline(true);
  relay.cut();
  const input = page.getByLabel('List name');
  const queueing = Date.now();
  const each: number[] = [];
  for (let n = 0; n < CHANGES; n++) {
    const start = Date.now();
    await input.fill(`Queued ${n}`);
    await input.press('Enter');
    each.push(Date.now() - start);
  }
  const mean = (times: number[]) => (times.reduce((a, b) => a + b, 0) / times.length).toFixed(1);
  const status = page.locator('.live-indicator');
  await expect(status).toHaveText(`Offline · ${CHANGES.toLocaleString('en')} changes waiting`, { timeout: 60_000 });
  const queued = Date.now() - queueing;

  // Times in the tab: from the `online` event to the status saying nothing waits.
  await page.evaluate(() => {
    const w = window as any;
    window.addEventListener('online', () => (w.__online = performance.now()), { once: true });
    const status = document.querySelector('.live-indicator')!;
    w.__drained = new Promise<number>((resolve) => {
      new MutationObserver((_, observer) => {
        if (status.getAttribute('data-state') === 'live') {
          observer.disconnect();
          resolve(performance.now() - w.__online);
        }
      }).observe(status, { attributes: true });
    });
  });
  relay.restore();
  await context.setOffline(false);
  const drained = await page.evaluate(() => (window as any).__drained as Promise<number>);
  expect(server.sql("SELECT count(*) FROM lists WHERE name LIKE 'Queued %'")).toBe(String(CHANGES));
  await expect(page.locator('.waiting-mark:visible')).toHaveCount(0);

  console.log(
    `| database | queue ${CHANGES} creates in the page, offline (first 100 / last 100, each) | drain: time from \`online\` | drain: requests |`,
  );
  console.log('|---|---|---|---|');
  console.log(
    `| ${ON_POSTGRES ? 'PostgreSQL' : 'SQLite'} | ${queued} ms (${mean(each.slice(0, 100))} / ${mean(each.slice(-100))} ms) | ${drained.toFixed(0)} ms | ${batches} |`,
  );
  await context.close();
  await relay.close();
});
