// The four states of /notes: skeleton, error with Retry, empty, rows.
import { test, expect, waitForHydration, listsOf, watchShown } from './app-server';

// Visible busy lists only: the screen also holds a hidden skeleton for search resets.
const BUSY = '[aria-busy="true"]';
const ROWS = 'ul[aria-label="Lists"]';
const skeleton = (page: import('@playwright/test').Page) => page.locator(`${BUSY}:visible`);

test('the skeleton is in the first bytes of the response, the rows follow in the same response @both', async ({ startServer }) => {
  const server = await startServer({ seed: 3, latencyMs: 1500 });
  const response = await fetch(server.notesUrl);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let first = '';
  while (!first.includes('</body>')) {
    const { value, done } = await reader.read();
    expect(done).toBe(false);
    first += decoder.decode(value, { stream: true });
  }
  const busy = first.slice(first.indexOf('aria-busy="true"'));
  expect(busy.slice(0, busy.indexOf('</ul>')).match(/<li/g)).toHaveLength(10);
  expect(first).not.toMatch(/id="lists-\d+"/);

  let rest = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    rest += decoder.decode(value, { stream: true });
  }
  expect(rest.match(/<li id="lists-\d+"/g)).toHaveLength(3);
});

test('in the browser the skeleton shows first, then the rows, with no second request', async ({ page, startServer }) => {
  const server = await startServer({ seed: 4, latencyMs: 1200 });
  const requests: string[] = [];
  page.on('request', (request) => requests.push(new URL(request.url()).pathname));
  const skeletonAlone = await watchShown(page, BUSY, { absent: ROWS, from: 'next page' });
  await page.goto(server.notesUrl, { waitUntil: 'commit' });
  await expect(listsOf(page).locator(':scope > li')).toHaveCount(4);
  await skeletonAlone();
  await expect(skeleton(page)).toHaveCount(0);
  await waitForHydration(page);
  expect(requests.filter((path) => path === '/notes')).toHaveLength(1);
  expect(requests.filter((path) => path === '/api/lists/load')).toHaveLength(0);
});

test('the skeleton pulses, and stops under prefers-reduced-motion', async ({ page, startServer }) => {
  const server = await startServer({ latencyMs: 20_000 });
  const bar = page.locator('.skeleton-bar').first();
  await page.goto(server.notesUrl, { waitUntil: 'commit' });
  await expect(bar).toBeVisible();
  expect(await bar.evaluate((el) => getComputedStyle(el).animationName)).not.toBe('none');
  await page.emulateMedia({ reducedMotion: 'reduce' });
  expect(await bar.evaluate((el) => getComputedStyle(el).animationName)).toBe('none');
});

test('a failed load shows an alert; Retry loads again in place, skeleton first @both', async ({ page, startServer }) => {
  const server = await startServer({ seed: 2, failureRate: 1, latencyMs: 800 });
  await page.goto(server.notesUrl);
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('Error fetching data');
  await expect(listsOf(page)).toHaveCount(0);
  await waitForHydration(page);
  await page.evaluate(() => ((window as any).__sameDocument = true));

  const skeletonAlone = await watchShown(page, BUSY, { absent: '[role="alert"]', from: 'now' });
  await alert.getByRole('button', { name: 'Retry' }).click();
  await skeletonAlone();
  await expect(page.getByRole('alert')).toContainText('Error fetching data');
  await expect(skeleton(page)).toHaveCount(0);
  expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
});

test('Retry shows the rows once the load succeeds, without a reload', async ({ page, startServer }) => {
  const server = await startServer({ seed: 3, failureRate: 0.5 });
  // Get a screen whose load failed first (each load fails with probability 1/2).
  for (let attempt = 0; attempt < 40; attempt++) {
    await page.goto(server.notesUrl);
    await expect(page.getByRole('alert').or(listsOf(page))).toBeVisible();
    if (await page.getByRole('alert').count()) break;
  }
  await expect(page.getByRole('alert')).toContainText('Error fetching data');
  await waitForHydration(page);
  await page.evaluate(() => ((window as any).__sameDocument = true));
  for (let attempt = 0; attempt < 40 && !(await listsOf(page).count()); attempt++) {
    await page.getByRole('button', { name: 'Retry' }).click();
    await expect(page.getByRole('alert').or(listsOf(page))).toBeVisible();
  }
  await expect(listsOf(page).locator(':scope > li')).toHaveCount(3);
  expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
});

test('an empty database shows a friendly empty state, not an error @both', async ({ page, server }) => {
  await page.goto(server.notesUrl);
  await expect(page.getByText('No lists yet')).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(listsOf(page).locator(':scope > li')).toHaveCount(0);
});

test('rows are the active lists, newest first, with stream DOM ids and their names @both', async ({ page, startServer }) => {
  const server = await startServer({ seed: 6 });
  await server.call('delete', { id: 3 });
  await page.goto(server.notesUrl);
  const expected = server
    .sql('SELECT id, name FROM lists WHERE NOT is_deleted ORDER BY id DESC')
    .split('\n')
    .map((line) => line.split('|'));
  const rows = listsOf(page).locator(':scope > li');
  await expect(rows).toHaveCount(5);
  for (const [index, [id, name]] of expected.entries()) {
    await expect(rows.nth(index)).toHaveAttribute('id', `lists-${id}`);
    await expect(rows.nth(index).locator('.list-name')).toHaveText(name);
  }
  await expect(page.getByText('No lists yet')).toBeHidden();
});

test('a name containing markup is shown as text', async ({ page, server }) => {
  const name = '<img src=x onerror=__pwned=1><b>bold</b><script>__pwned=1</script>';
  const list = await server.createList(name);
  await page.goto(server.notesUrl);
  await waitForHydration(page);
  const row = page.locator(`#lists-${list.id}`);
  await expect(row.locator('.list-name')).toHaveText(name);
  await expect(row.locator('b, img, script')).toHaveCount(0);
  expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
});
