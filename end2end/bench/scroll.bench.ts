// Scrolling through 10,000 lists in Chromium: the most <li> ever in the DOM, the JS heap
// at the end, and the time from the bottom edge coming into view to the next page's rows
// being in view.
//   npx playwright test --config bench.config.ts bench/scroll.bench.ts
import { test, expect, waitForLive } from '../tests/app-server';

const LISTS = 10_000;

test('scrolling through 10,000 lists', async ({ page, startServer }) => {
  test.setTimeout(600_000);
  const server = await startServer({ seed: LISTS });
  await page.goto(server.notesUrl);
  await waitForLive(page);
  await page.evaluate(() => {
    const ul = document.querySelector('ul[aria-label="Lists"]')!;
    const w = window as any;
    w.__scroll = { max: ul.children.length, seen: new Set([...ul.children].map((li) => li.id)), waits: [] as number[] };
    new MutationObserver(() => {
      w.__scroll.max = Math.max(w.__scroll.max, ul.children.length);
      for (const li of ul.children) w.__scroll.seen.add(li.id);
      if (w.__scroll.armed !== undefined) {
        w.__scroll.waits.push(performance.now() - w.__scroll.armed);
        w.__scroll.armed = undefined;
      }
    }).observe(ul, { childList: true });
    // When the bottom edge comes into view, the clock starts; the next change of rows stops it.
    new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) w.__scroll.armed = performance.now();
    }).observe(document.querySelector('.list-edge-bottom')!);
  });
  const cdp = await page.context().newCDPSession(page);
  const end = page.getByText('No more lists');
  const started = Date.now();
  while (!(await end.count())) {
    await page.mouse.wheel(0, 4000);
    await page.waitForTimeout(30);
  }
  const seconds = (Date.now() - started) / 1000;
  const result = await page.evaluate(() => {
    const s = (window as any).__scroll;
    return { max: s.max, seen: s.seen.size, waits: s.waits as number[] };
  });
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = await cdp.send('Runtime.getHeapUsage');
  expect(result.seen).toBe(LISTS);
  const waits = result.waits.sort((a, b) => a - b);
  const at = (p: number) => waits[Math.round((waits.length - 1) * p)].toFixed(1);
  console.log('| measure | result |\n|---|---|');
  console.log(`| lists scrolled through | ${result.seen} in ${seconds.toFixed(1)} s (wheel steps of 4000 px) |`);
  console.log(`| most <li> in the DOM | ${result.max} |`);
  console.log(`| JS heap after scrolling (after GC) | ${(heap.usedSize / 1024 / 1024).toFixed(1)} MiB |`);
  console.log(`| bottom edge in view → next rows on screen, ${waits.length} pages | p50 ${at(0.5)} ms, p90 ${at(0.9)} ms |`);
});
