import { test, expect, waitForLive, listsOf, recordRequestPaths, SPLIT_BUILD } from './app-server';
import type { Page } from '@playwright/test';

// With `scripts/build.sh` (`--split --lib-features lazy-requests`), the code that sends
// requests is split out of the first visit's wasm (app/src/notes/transport.rs) and
// fetched on first use. A plain build has no split files, so there is nothing to test.
test.skip(!SPLIT_BUILD, 'built without --split');

const SPLIT_WASM = /\/pkg\/(?!async-streamer\.)[\w.-]+\.wasm$/;

function recordWasm(page: Page): string[] {
  return recordRequestPaths(page, (path) => path.endsWith('.wasm'));
}

test('a first visit fetches only the main wasm; the code for changes comes with the first change', async ({
  page,
  startServer,
}) => {
  const server = await startServer({ seed: 2 });
  const wasm = recordWasm(page);
  await page.goto(server.notesUrl);
  await waitForLive(page);
  expect(wasm).toHaveLength(1);
  expect(wasm[0]).toMatch(/^\/pkg\/async-streamer\.[\w-]+\.wasm$/);

  await page.getByLabel('List name').fill('First change');
  await page.getByLabel('List name').press('Enter');
  await expect(listsOf(page).locator(':scope > li').first()).toHaveText(/First change/);
  await expect.poll(() => wasm.length).toBeGreaterThan(1);
  expect(wasm.slice(1).every((path) => SPLIT_WASM.test(path))).toBe(true);
});

test('if the code for changes cannot be fetched, changes fail clearly and change nothing; later they work', async ({
  page,
  startServer,
}) => {
  const server = await startServer({ seed: 2 });
  await page.goto(server.notesUrl);
  await waitForLive(page);
  await page.route(SPLIT_WASM, (route) => route.abort('internetdisconnected'));
  const unreachable = 'Could not reach the server. Check your connection and try again.';

  const input = page.getByLabel('List name');
  await input.fill('Not yet');
  await input.press('Enter');
  await expect(page.locator('#new-list-name-error')).toHaveText(unreachable);
  await expect(input).toHaveValue('Not yet');

  const row = page.locator('#lists-2');
  const before = (await row.locator('.list-name').textContent())!;
  await row.getByRole('button', { name: /^Rename/ }).click();
  await row.getByRole('textbox', { name: 'New name' }).fill('Renamed offline');
  await row.getByRole('textbox', { name: 'New name' }).press('Enter');
  await expect(page.getByRole('alert')).toHaveText(new RegExp(unreachable.replace(/\./g, '\\.')));
  await expect(row.locator('.list-name')).toHaveText(before);

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
});
