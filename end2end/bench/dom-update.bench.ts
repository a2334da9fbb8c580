// Time from the server's answer reaching the tab to the DOM showing it, with 1 row and
// with 200 rows on the screen (the most the window holds). A keyed stream should make both
// about equal.
//   npx playwright test --config bench.config.ts bench/dom-update.bench.ts
import { test, waitForLive, type AppServer } from '../tests/app-server';
import type { Page } from '@playwright/test';

const ROUNDS = 40;

// Timestamps, in the tab's time, of answers arriving: fetch responses and SSE messages.
const instrument = () => {
  const w = window as any;
  w.__answers = [];
  const fetch = window.fetch.bind(window);
  window.fetch = async (...args: Parameters<typeof fetch>) => {
    const response = await fetch(...args);
    w.__answers.push(performance.now());
    return response;
  };
  const addEventListener = EventSource.prototype.addEventListener;
  EventSource.prototype.addEventListener = function (this: EventSource, type: string, listener: any, options?: any) {
    const timed = (event: Event) => {
      w.__answers.push(performance.now());
      return listener.call(this, event);
    };
    return addEventListener.call(this, type, timed, options);
  } as typeof addEventListener;
};

/**
 * Starts watching `selector`; the returned function resolves with the delay from the
 * last recorded answer to the first mutation after it. Armed before the change is made,
 * so a fast answer cannot slip past the observer.
 */
async function armUpdate(page: Page, selector: string): Promise<() => Promise<number>> {
  await page.evaluate((selector) => {
    const w = window as any;
    const seen = w.__answers.length;
    const target = document.querySelector(selector)!;
    w.__update = new Promise<number>((resolve) => {
      const observer = new MutationObserver(() => {
        if (w.__answers.length > seen) {
          observer.disconnect();
          resolve(performance.now() - w.__answers[w.__answers.length - 1]);
        }
      });
      observer.observe(target, { childList: true, subtree: true, characterData: true });
    });
  }, selector);
  return () => page.evaluate(() => (window as any).__update as Promise<number>);
}

function summary(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.round((sorted.length - 1) * p)].toFixed(2);
  return `median ${at(0.5)} ms, p90 ${at(0.9)} ms`;
}

async function measure(page: Page, server: AppServer, rows: number) {
  await page.addInitScript(instrument);
  await page.goto(server.notesUrl);
  await waitForLive(page);
  // Scroll until every row is loaded (pages of 50 come in as the bottom nears).
  while ((await page.locator('ul[aria-label="Lists"] > li').count()) < rows) {
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await page.waitForTimeout(100);
  }
  await page.evaluate(() => window.scrollTo(0, 0));
  const input = page.getByLabel('List name');
  const creates: number[] = [];
  for (let n = 0; n < ROUNDS; n++) {
    await input.fill(`created ${n}`);
    const update = await armUpdate(page, 'ul[aria-label="Lists"]');
    await input.press('Enter');
    creates.push(await update());
  }
  // A rename by another client: the answer is the SSE message; the row is the newest
  // seeded one (the oldest may have left the window of 200 rows as creates came in).
  const renames: number[] = [];
  for (let n = 0; n < ROUNDS; n++) {
    const update = await armUpdate(page, `#lists-${rows}`);
    await server.call('rename', { id: rows, name: `renamed ${n}` });
    renames.push(await update());
  }
  console.log(`| ${rows} | create (own response → new <li>) | ${summary(creates)} |`);
  console.log(`| ${rows} | rename by another client (SSE message → text) | ${summary(renames)} |`);
}

test('one change with 1 row vs 200 rows on the page', async ({ browser, startServer }) => {
  console.log('| rows on the page | change | response → DOM updated |\n|---|---|---|');
  for (const rows of [1, 200]) {
    const server = await startServer({ seed: rows });
    const context = await browser.newContext();
    await measure(await context.newPage(), server, rows);
    await context.close();
  }
});
