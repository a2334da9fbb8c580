import { test, expect, waitForLive, listsOf, recordRequestPaths, rowIds, SPLIT_BUILD } from './app-server';
import type { Page } from '@playwright/test';

// With `scripts/build.sh` (`--split --lib-features lazy-requests`), the code that sends
// requests, keeps the outbox, merges loaded pages and reads search terms is split out of
// the first visit's wasm (app/src/notes/transport.rs): the outbox's part is fetched once
// the tab is idle, so that a change made after the connection is gone can still be
// kept; the loading part on the first scroll or search. A plain build has no split files, so
// there is nothing to test.
test.skip(!SPLIT_BUILD, 'built without --split');

const MAIN_WASM = /^\/pkg\/async-streamer\.[\w-]+\.wasm$/;
const SPLIT_WASM = /\/pkg\/(?!async-streamer\.)[\w.-]+\.wasm$/;

function recordWasm(page: Page): string[] {
  return recordRequestPaths(page, (path) => path.endsWith('.wasm'));
}

test('a first visit fetches the main wasm first; the code for changes follows when the page is idle, before any change', async ({
  page,
  startServer,
}) => {
  const server = await startServer({ seed: 2 });
  const wasm = recordWasm(page);
  const changes = recordRequestPaths(page, (path) => path.startsWith('/api/') && path !== '/api/lists/events');
  await page.goto(server.notesUrl);
  await waitForLive(page);
  expect(wasm[0]).toMatch(MAIN_WASM);
  await expect.poll(() => wasm.length).toBeGreaterThan(1);
  expect(wasm.slice(1).every((path) => SPLIT_WASM.test(path))).toBe(true);
  expect(changes).toEqual([]);

  // With the code already here, a change needs no more of it.
  const fetched = wasm.length;
  await page.getByLabel('List name').fill('First change');
  await page.getByLabel('List name').press('Enter');
  await expect(listsOf(page).locator(':scope > li').first()).toHaveText(/First change/);
  await expect.poll(() => server.sql("SELECT count(*) FROM lists WHERE name = 'First change'")).toBe('1');
  expect(wasm).toHaveLength(fetched);
});

test('if the code for changes cannot be fetched, changes fail clearly and change nothing; later they work', async ({
  page,
  startServer,
}) => {
  const server = await startServer({ seed: 2 });
  // The connection is gone before the tab is idle: its split code never arrives.
  await page.route(SPLIT_WASM, (route) => route.abort('internetdisconnected'));
  await page.goto(server.notesUrl);
  await waitForLive(page);
  const unreachable = 'Could not reach the server. Check your connection and try again.';

  const input = page.getByLabel('List name');
  await input.fill('Not yet');
  await input.press('Enter');
  await expect(page.locator('#new-list-name-error')).toHaveText(unreachable);
  await expect(input).toHaveValue('Not yet');

  const row = page.locator('#lists-2');
  const before = (await row.locator('.list-name').textContent())!;
  // The rename editor's code comes with the outbox's: without it, Rename says so at
  // once instead of opening an editor whose name could not be kept.
  await row.getByRole('button', { name: /^Rename/ }).click();
  await expect(page.getByRole('alert')).toHaveText(new RegExp(unreachable.replace(/\./g, '\\.')));
  await expect(row.getByRole('textbox')).toHaveCount(0);
  await expect(row.locator('.list-name')).toHaveText(before);
  await page.getByRole('button', { name: 'Dismiss' }).click();
  await expect(page.getByRole('alert')).toHaveCount(0);

  await row.getByRole('button', { name: /^Delete/ }).click();
  await expect(page.getByRole('alert')).toContainText('Could not reach the server');
  await expect(page.locator('#lists-2 .list-name')).toHaveText(before);
  expect(server.sql('SELECT count(*) FROM lists')).toBe('2');
  expect(server.sql('SELECT name FROM lists WHERE id = 2')).toBe(before);

  // A failed fetch is not remembered: once the code can be fetched, the same change works.
  await page.unroute(SPLIT_WASM);
  await input.press('Enter');
  await expect(listsOf(page).locator(':scope > li').first()).toHaveText(/Not yet/);
  await expect.poll(() => server.sql("SELECT count(*) FROM lists WHERE name = 'Not yet'")).toBe('1');
  await expect(page.locator('.list-name').filter({ hasText: /^Not yet$/ })).toHaveCount(1);
});

test('if the code for loading cannot be fetched, scrolling and searching say so and change nothing; later they work', async ({
  page,
  startServer,
}) => {
  const server = await startServer({ seed: 80 });
  await page.route(SPLIT_WASM, (route) => route.abort('internetdisconnected'));
  await page.goto(server.notesUrl);
  await waitForLive(page);
  const unreachable = 'Could not reach the server. Check your connection and try again.';
  const first = await rowIds(page);
  expect(first).toHaveLength(50);

  // A search says so, and changes neither the rows nor the address.
  const wanted = first[10];
  const term = (await page.locator(`#lists-${wanted} .list-name`).textContent())!;
  const search = page.getByRole('searchbox', { name: 'Search lists' });
  await search.fill(term);
  await search.press('Enter');
  const notice = page.locator('.notices').getByRole('alert');
  await expect(notice).toHaveText(new RegExp(unreachable.replace(/\./g, '\\.')));
  expect(await rowIds(page)).toEqual(first);
  expect(new URL(page.url()).searchParams.get('q')).toBeNull();

  // The next page's code never comes either: the edge says why and offers Retry.
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  const edge = page.locator('.edge-error');
  await expect(edge).toContainText(unreachable);
  expect(await rowIds(page)).toEqual(first);

  // Once the code can be fetched, Retry loads the next page and the search runs. (A
  // click event rather than a pointer: the notice may sit over the edge.)
  await page.unroute(SPLIT_WASM);
  await edge.getByRole('button', { name: 'Retry' }).dispatchEvent('click');
  await expect.poll(async () => (await rowIds(page)).length).toBe(80);
  await search.press('Enter');
  await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe(term);
  await expect.poll(async () => (await rowIds(page)).includes(wanted) && (await rowIds(page)).length < 80).toBe(true);
  for (const name of await listsOf(page).locator('.list-name').allTextContents()) {
    expect(name.toLowerCase()).toContain(term.toLowerCase());
  }
});

test('a page that arrives with the rename editor or Undo open fetches their code first, then both act in place', async ({
  page,
  startServer,
}) => {
  const server = await startServer({ seed: 120 });
  const name = server.sql('SELECT name FROM lists WHERE id = 50');
  // Where Rename leads without JavaScript (or when pressed before the screen hydrated).
  await page.goto(`${server.notesUrl}?before=71&rename=50`);
  await waitForLive(page);
  // Set on this document: still there after the change means no document was loaded.
  const stayed = () => page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed === true);
  await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
  const box = page.locator('#lists-50').getByRole('textbox', { name: 'New name' });
  await expect(box).toHaveValue(name);
  await box.fill('Renamed in place');
  await box.press('Enter');
  await expect(page.locator('#lists-50 .list-name')).toHaveText('Renamed in place');
  await expect.poll(() => server.sql('SELECT name FROM lists WHERE id = 50')).toBe('Renamed in place');
  expect(await stayed()).toBe(true);

  // Where Delete leads without JavaScript: Undo acts in place.
  expect((await server.call('delete', { id: 40 })).ok).toBe(true);
  await page.goto(`${server.notesUrl}?before=71&deleted=40`);
  await waitForLive(page);
  await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
  await expect(page.locator('#lists-40')).toHaveCount(0);
  await page.getByRole('status').getByRole('button', { name: 'Undo' }).click();
  await expect(page.locator('#lists-40')).toBeVisible();
  await expect(page.getByText('List deleted')).toHaveCount(0);
  await expect.poll(() => server.sql("SELECT CASE WHEN is_deleted THEN 1 ELSE 0 END FROM lists WHERE id = 40")).toBe('0');
  expect(await stayed()).toBe(true);
});

test('if that code cannot be fetched, the page stays as the server rendered it and works without JavaScript', async ({
  page,
  startServer,
}) => {
  const server = await startServer({ seed: 120 });
  await page.route(SPLIT_WASM, (route) => route.abort('internetdisconnected'));
  await page.goto(`${server.notesUrl}?before=71&rename=50`);
  const box = page.locator('#lists-50').getByRole('textbox', { name: 'New name' });
  await box.fill('Renamed by the form');
  await page.locator('#lists-50').getByRole('button', { name: 'Save' }).click();
  await expect(page).toHaveURL(/\/notes\?before=71#lists-50$/);
  await expect(page.locator('#lists-50 .list-name')).toHaveText('Renamed by the form');
  expect(server.sql('SELECT name FROM lists WHERE id = 50')).toBe('Renamed by the form');
  // The document it came back to has nothing open, so the screen hydrates as usual.
  await waitForLive(page);
});

test('the words of a notice follow a switch of language, whether its code came later or not', async ({
  page,
  browser,
  startServer,
}) => {
  const server = await startServer({ seed: 3 });
  const german = (on: typeof page) =>
    on.getByRole('navigation', { name: 'Language' }).getByRole('link', { name: 'Deutsch' }).click();

  // Undo is drawn by code that came after the first visit.
  await page.goto(server.notesUrl);
  await waitForLive(page);
  await page.locator('#lists-2').getByRole('button', { name: /^Delete/ }).click();
  const status = page.getByRole('status').filter({ hasText: 'List deleted' });
  await expect(status.getByRole('button', { name: 'Undo' })).toBeVisible();
  await german(page);
  const deleted = page.getByRole('status').filter({ hasText: 'Liste gelöscht' });
  await expect(deleted.getByRole('button', { name: 'Rückgängig' })).toBeVisible();
  await expect(deleted.getByRole('button', { name: 'Schließen' })).toBeVisible();

  // The failure alert is the first visit's own: with no more code to come (a browser
  // that has none of it cached), Rename says the server cannot be reached, then says it
  // again in the new language.
  const context = await browser.newContext();
  const fresh = await context.newPage();
  await fresh.route(SPLIT_WASM, (route) => route.abort('internetdisconnected'));
  await fresh.goto(server.notesUrl);
  await waitForLive(fresh);
  await fresh.locator('#lists-1').getByRole('button', { name: /^Rename/ }).click();
  await expect(fresh.getByRole('alert')).toHaveText(/^Could not reach the server\./);
  await german(fresh);
  await expect(fresh.getByRole('alert')).toHaveText(/^Der Server ist nicht erreichbar\./);
  await context.close();
});

// The lists that come late (the server did not have the rows in time to render them in
// place: the skeleton, then the rows or the error with Retry) are built by code of their
// own (app/src/notes/later/late_lists.rs).
const LATE_WASM = /\/pkg\/split_lists_late\.[\w-]+\.wasm$/;

/** From the next document on: each wasm file the tab fetched, and whether the screen had
 * hydrated when the fetch began (from the browser's own resource timings). */
async function wasmAgainstHydration(page: Page) {
  await page.addInitScript(() => {
    const w = window as unknown as { __hydratedAt?: number };
    new MutationObserver(() => {
      if (w.__hydratedAt === undefined && document.querySelector('main[data-hydrated="true"]')) {
        w.__hydratedAt = performance.now();
      }
    }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-hydrated'] });
  });
  return () =>
    page.evaluate(() => {
      const hydratedAt = (window as unknown as { __hydratedAt?: number }).__hydratedAt ?? Infinity;
      return performance
        .getEntriesByType('resource')
        .filter((entry) => entry.name.endsWith('.wasm'))
        .map((entry) => ({ path: new URL(entry.name).pathname, beforeHydrating: entry.startTime < hydratedAt }));
    });
}

test('a page whose rows came in place hydrates on the main wasm alone and never fetches the late lists’ code; a page whose rows came late fetches it before it hydrates', async ({
  page,
  startServer,
}) => {
  const fetched = await wasmAgainstHydration(page);
  const inPlace = await startServer({ seed: 3 });
  await page.goto(inPlace.notesUrl);
  await waitForLive(page);
  // The idle download (the outbox's code) shares chunks with it, but not its own file.
  await expect.poll(async () => (await fetched()).length).toBeGreaterThan(1);
  await page.waitForLoadState('networkidle');
  const inPlaceWasm = await fetched();
  expect(inPlaceWasm.filter((file) => file.beforeHydrating).map((file) => file.path)).toEqual([
    expect.stringMatching(MAIN_WASM),
  ]);
  expect(inPlaceWasm.filter((file) => LATE_WASM.test(file.path))).toEqual([]);

  const late = await startServer({ seed: 4, latencyMs: 1200 });
  await page.goto(late.notesUrl);
  await expect(listsOf(page).locator(':scope > li')).toHaveCount(4);
  await waitForLive(page);
  const lateWasm = await fetched();
  expect(lateWasm.filter((file) => LATE_WASM.test(file.path))).toEqual([
    { path: expect.stringMatching(LATE_WASM), beforeHydrating: true },
  ]);

  // Hydrated on that code, the late rows act in place.
  await page.getByLabel('List name').fill('After coming late');
  await page.getByLabel('List name').press('Enter');
  await expect(listsOf(page).locator(':scope > li').first()).toHaveText(/After coming late/);
  await expect.poll(() => late.sql("SELECT count(*) FROM lists WHERE name = 'After coming late'")).toBe('1');
});

test('if the late lists’ code cannot be fetched, the page stays as the server rendered it and works without JavaScript', async ({
  page,
  startServer,
}) => {
  const server = await startServer({ seed: 2, latencyMs: 600 });
  await page.route(LATE_WASM, (route) => route.abort('internetdisconnected'));
  await page.goto(server.notesUrl);
  await expect(listsOf(page).locator(':scope > li')).toHaveCount(2);
  // Not hydrated: the form posts as it does without JavaScript, and the document comes
  // back with the new list.
  await page.getByLabel('List name').fill('Posted without the code');
  await page.getByRole('button', { name: 'Add list' }).click();
  await expect(listsOf(page).locator(':scope > li').first()).toHaveText(/Posted without the code/);
  expect(server.sql("SELECT count(*) FROM lists WHERE name = 'Posted without the code'")).toBe('1');
  await expect(page.locator('main[data-hydrated="true"]')).toHaveCount(0);
});
