// The status screen in a real browser: its charts move every second with the server's
// figures, one row per chart (each keeps its node), in every language, and axe finds
// nothing on it.
import { test, expect, waitForLive, SPLIT_BUILD, recordRequestPaths } from './app-server';
import { expectNoViolations } from './axe';

test('a chart moves when a list is created, and every chart keeps its node', async ({ page, server }) => {
  await page.goto(`${server.url}/status`);
  await waitForLive(page);
  // With scripts on, the words for a browser without them are not shown.
  await expect(page.locator('.status-intro')).not.toContainText('A snapshot', { useInnerText: true });
  const changes = page.locator('li[data-figure="changes"]');
  await expect(changes.locator('h2')).toHaveText('Changes');
  // Nothing written yet: the highest rate of changes the chart shows is nought.
  await expect(changes.locator('dd').nth(1)).toHaveText('0/s');
  await page.locator('li.chart').evaluateAll((charts) =>
    charts.forEach((chart, index) => ((chart as HTMLElement).dataset.mark = String(index))),
  );
  // Its line lies on the floor of the chart (60 units down) at every point.
  const highestPoint = async () => {
    const line = (await changes.locator('path').getAttribute('d')) ?? '';
    const heights = [...line.matchAll(/[ML][\d.]+ ([\d.]+)/g)].map((point) => Number(point[1]));
    return Math.min(...heights);
  };
  expect(await highestPoint()).toBe(60);

  await server.createList('Counted on the status screen');

  // One create in a second a little longer than one reads 0.99/s: anything but nought.
  await expect(changes.locator('dd').nth(1)).not.toHaveText('0/s');
  await expect.poll(highestPoint, { message: 'the line rose off the floor' }).toBeLessThan(60);
  const marks = await page
    .locator('li.chart')
    .evaluateAll((charts) => charts.map((chart) => (chart as HTMLElement).dataset.mark));
  expect(marks, 'each chart was changed in place, none drawn anew').toEqual(
    marks.map((_, index) => String(index)),
  );
});

test('the status screen fetches its own code, and /notes never does', async ({ page, server }) => {
  test.skip(!SPLIT_BUILD, 'needs the split build (scripts/build.sh)');
  const fetched = recordRequestPaths(page, (path) => path.endsWith('.wasm'));
  await page.goto(server.notesUrl);
  await waitForLive(page);
  expect(fetched.some((path) => path.includes('status_screen'))).toBe(false);
  await page.goto(`${server.url}/status`);
  await waitForLive(page);
  expect(fetched.some((path) => path.includes('status_screen'))).toBe(true);
});

test('the status screen speaks each language and has nothing for axe to flag', async ({ browser, server }) => {
  test.setTimeout(90_000);
  const names: Record<string, string> = { en: 'Live pages', 'de-DE': 'Live-Seiten', ar: 'الصفحات الحيّة' };
  for (const [locale, livePages] of Object.entries(names)) {
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ locale, colorScheme });
      const page = await context.newPage();
      await page.goto(`${server.url}/status`);
      await waitForLive(page);
      await expect(page.locator('li[data-figure="live-pages"] h2')).toHaveText(livePages);
      await expectNoViolations(page, `${locale}, ${colorScheme}`);
      await context.close();
    }
  }
});

test('without JavaScript the status screen is a snapshot that says so', async ({ browser, server }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${server.url}/status`);
  await expect(page.locator('.status-intro')).toContainText('A snapshot: reload the page for newer figures.', {
    useInnerText: true,
  });
  await expect(page.locator('.live-indicator')).toHaveText('');
  await expect(page.locator('li.chart')).toHaveCount(16);
  // Every chart has its figures in words (now, highest, lowest), drawn by the server.
  await expect(page.locator('li.chart dd')).toHaveCount(48);
  // A reload shows what happened since: the create is among the figures once sampled.
  await server.createList('Seen by a browser without JavaScript');
  const highestChanges = page.locator('li[data-figure="changes"] dd').nth(1);
  await expect
    .poll(async () => {
      await page.reload();
      return highestChanges.textContent();
    })
    .not.toBe('0/s');
  await context.close();
});
