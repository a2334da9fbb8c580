// Create, rename, delete and undo each touch exactly one row of the DOM, with exactly
// one HTTP request (to the batch endpoint the screen's outbox sends through), and never
// reload the list: online, and offline until the changes land. A created list shows at
// once in a row marked "Waiting to save" (it has no id before the server makes it),
// which becomes the list's own row, in the same `<li>`.
import { test, expect, waitForLive, listsOf, recordRequestPaths, type AppServer } from './app-server';
import { NetworkCut } from './network-cut';
import type { Page } from '@playwright/test';

/**
 * Watches the direct children of the Lists `<ul>` and remembers every row's DOM node.
 * Added nodes are named by the id they have when asked (a draft keeps its node when it
 * becomes the list's row), removed ones by the id they had.
 */
async function watchRows(page: Page) {
  await page.evaluate(() => {
    const ul = document.querySelector('ul[aria-label="Lists"]')!;
    const w = window as any;
    w.__added = [];
    w.__removed = [];
    w.__nodes = new Map([...ul.children].map((li) => [li.id, li]));
    new MutationObserver((records) => {
      for (const record of records) {
        record.addedNodes.forEach((n) => n.nodeType === 1 && w.__added.push(n));
        record.removedNodes.forEach((n) => n.nodeType === 1 && w.__removed.push((n as Element).id));
      }
    }).observe(ul, { childList: true });
  });
}

const CHANGES = '/api/lists/changes';

/** What changed among the list's `<li>` rows, and whether every other row kept its node. */
async function rowChanges(page: Page, changedIds: string[] = []) {
  return page.evaluate((changed) => {
    const w = window as any;
    const keptNodes = [...(w.__nodes as Map<string, Element>)]
      .filter(([id]) => !changed.includes(id))
      .every(([id, node]) => document.getElementById(id) === node);
    const added = (w.__added as Element[]).map((node) => node.id);
    return { added, removed: [...w.__removed], keptNodes };
  }, changedIds);
}

/** Records the list API calls a tab makes. */
function apiCalls(page: Page): string[] {
  return recordRequestPaths(page, (path) => path.startsWith('/api/lists/'));
}

async function open(page: Page, server: AppServer) {
  await page.goto(server.notesUrl);
  await waitForLive(page);
  await watchRows(page);
  return apiCalls(page);
}

const rowIds = (page: Page) => listsOf(page).locator(':scope > li').evaluateAll((lis) => lis.map((li) => li.id));

test('creating by keyboard adds exactly one row, at the top @both', async ({ page, startServer }) => {
  const server = await startServer({ seed: 3 });
  const calls = await open(page, server);
  const input = page.getByLabel('List name');
  await input.fill('Groceries');
  await input.press('Enter');
  await expect(listsOf(page).locator(':scope > li').first()).toHaveText(/Groceries/);
  await expect(input).toHaveValue('');
  await expect(input).toBeFocused();
  await expect(page.locator('#lists-4')).toContainText('Groceries');
  // It showed at once, waiting, in the one row it keeps: the list's own now.
  expect(await rowChanges(page)).toEqual({ added: ['lists-4'], removed: [], keptNodes: true });
  await expect.poll(() => calls).toEqual([CHANGES]);
  expect(server.sql("SELECT count(*) FROM lists WHERE name = 'Groceries'")).toBe('1');
});

test('the Add list button creates too, and each change is one request', async ({ page, startServer }) => {
  const server = await startServer({ seed: 1 });
  const calls = await open(page, server);
  await page.getByLabel('List name').fill('Trip');
  await page.getByRole('button', { name: 'Add list' }).click();
  await expect(page.locator('#lists-2')).toContainText('Trip');
  await expect.poll(() => calls).toEqual([CHANGES]);
  expect((await rowChanges(page)).added).toEqual(['lists-2']);
});

test('renaming by keyboard changes the text of one row and adds or removes none @both', async ({ page, startServer }) => {
  const server = await startServer({ seed: 3 });
  const calls = await open(page, server);
  const row = page.locator('#lists-2');
  const before = await row.locator('.list-name').textContent();
  await row.getByRole('button', { name: /^Rename/ }).focus();
  await page.keyboard.press('Enter');
  const box = row.getByRole('textbox', { name: 'New name' });
  await expect(box).toBeFocused();
  await expect(box).toHaveValue(before!);
  await box.fill('Renamed list');
  await box.press('Enter');
  await expect(row.locator('.list-name')).toHaveText('Renamed list');
  await expect(row.getByRole('button', { name: 'Rename Renamed list' })).toBeFocused();
  expect(await rowChanges(page, ['lists-2'])).toEqual({ added: [], removed: [], keptNodes: true });
  expect(await page.evaluate(() => document.getElementById('lists-2') === (window as any).__nodes.get('lists-2'))).toBe(true);
  // The rename shows at once (optimistic); the server has it a moment later.
  await expect.poll(() => server.sql('SELECT name FROM lists WHERE id = 2')).toBe('Renamed list');
  await expect.poll(() => calls).toEqual([CHANGES]);
});

test('Escape cancels a rename and Save saves one', async ({ page, startServer }) => {
  const server = await startServer({ seed: 2 });
  const calls = await open(page, server);
  const row = page.locator('#lists-1');
  const before = (await row.locator('.list-name').textContent())!;
  await row.getByRole('button', { name: /^Rename/ }).click();
  await row.getByRole('textbox', { name: 'New name' }).fill('Never saved');
  await page.keyboard.press('Escape');
  await expect(row.locator('.list-name')).toHaveText(before);
  expect(calls).toEqual([]);

  await row.getByRole('button', { name: /^Rename/ }).click();
  await row.getByRole('textbox', { name: 'New name' }).fill('Saved by mouse');
  await row.getByRole('button', { name: 'Save' }).click();
  await expect(row.locator('.list-name')).toHaveText('Saved by mouse');
  await expect.poll(() => server.sql('SELECT name FROM lists WHERE id = 1')).toBe('Saved by mouse');
  await expect.poll(() => calls).toEqual([CHANGES]);
});

test('deleting removes exactly one row and keeps the list in the database; Undo puts it back in place @both', async ({ page, startServer }) => {
  const server = await startServer({ seed: 4 });
  const calls = await open(page, server);
  const name = (await page.locator('#lists-3 .list-name').textContent())!;
  await page.locator('#lists-3').getByRole('button', { name: /^Delete/ }).click();
  await expect(page.locator('#lists-3')).toHaveCount(0);
  const status = page.getByRole('status').filter({ hasText: 'List deleted' });
  await expect(status).toBeVisible();
  expect(await rowChanges(page, ['lists-3'])).toEqual({ added: [], removed: ['lists-3'], keptNodes: true });
  await expect.poll(() => server.sql('SELECT CASE WHEN is_deleted THEN 1 ELSE 0 END FROM lists WHERE id = 3')).toBe('1');
  await expect.poll(() => calls).toEqual([CHANGES]);

  const undo = status.getByRole('button', { name: 'Undo' });
  await expect(undo).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('#lists-3 .list-name')).toHaveText(name);
  expect(await rowIds(page)).toEqual(['lists-4', 'lists-3', 'lists-2', 'lists-1']);
  const changes = await rowChanges(page, ['lists-3']);
  expect(changes.added).toEqual(['lists-3']);
  expect(changes.removed).toEqual(['lists-3']);
  expect(changes.keptNodes).toBe(true);
  await expect.poll(() => calls).toEqual([CHANGES, CHANGES]);
  expect(server.sql('SELECT CASE WHEN is_deleted THEN 1 ELSE 0 END FROM lists WHERE id = 3')).toBe('0');
  await expect(page.getByText('List deleted')).toHaveCount(0);

  // A notice can also just be dismissed; the list stays deleted.
  await page.locator('#lists-1').getByRole('button', { name: /^Delete/ }).click();
  await status.getByRole('button', { name: 'Dismiss' }).click();
  await expect(page.getByText('List deleted')).toHaveCount(0);
  await expect(page.locator('#lists-1')).toHaveCount(0);
});

test('an invalid name is refused in the browser: a message, aria-invalid, no request, no change', async ({ page, startServer }) => {
  const server = await startServer({ seed: 2 });
  const calls = await open(page, server);
  const input = page.getByLabel('List name');
  for (const [text, message] of [
    ['', 'Give the list a name.'],
    ['    ', 'Give the list a name.'],
    ['x'.repeat(81), 'A list name can be at most 80 characters; this one has 81.'],
  ]) {
    await input.fill(text);
    await input.press('Enter');
    await expect(input).toHaveAttribute('aria-invalid', 'true');
    await expect(page.locator('#new-list-name-error')).toHaveText(message);
  }
  await input.fill('Fine now');
  await expect(input).not.toHaveAttribute('aria-invalid');

  const row = page.locator('#lists-1');
  const before = (await row.locator('.list-name').textContent())!;
  await row.getByRole('button', { name: /^Rename/ }).click();
  const box = row.getByRole('textbox', { name: 'New name' });
  await box.fill('  ');
  await box.press('Enter');
  await expect(box).toHaveAttribute('aria-invalid', 'true');
  await expect(row.locator('.field-error')).toHaveText('Give the list a name.');
  await box.press('Escape');
  await expect(row.locator('.list-name')).toHaveText(before);

  expect(calls).toEqual([]);
  expect(await rowChanges(page)).toEqual({ added: [], removed: [], keptNodes: true });
  expect(server.sql('SELECT count(*) FROM lists')).toBe('2');
});

test('a change the server refuses is undone on the page and the reason is shown', async ({ page, startServer }) => {
  const server = await startServer({ seed: 3 });
  await open(page, server);
  // The database now refuses every change to a list, as a broken disk would.
  server.sql("CREATE TRIGGER refuse BEFORE UPDATE ON lists BEGIN SELECT RAISE(ABORT, 'disk gone'); END;");
  const row = page.locator('#lists-2');
  const before = (await row.locator('.list-name').textContent())!;

  await row.getByRole('button', { name: /^Rename/ }).click();
  await row.getByRole('textbox', { name: 'New name' }).fill('Lost?');
  await row.getByRole('textbox', { name: 'New name' }).press('Enter');
  await expect(page.getByRole('alert')).toContainText('could not save the change');
  await expect(row.locator('.list-name')).toHaveText(before);

  await row.getByRole('button', { name: /^Delete/ }).click();
  await expect(page.getByRole('alert')).toContainText('could not save the change');
  await expect(page.locator('#lists-2 .list-name')).toHaveText(before);
  expect(await rowIds(page)).toEqual(['lists-3', 'lists-2', 'lists-1']);
  await page.getByRole('alert').getByRole('button', { name: 'Dismiss' }).click();
  await expect(page.getByRole('alert')).toHaveCount(0);
  expect(server.sql('SELECT name, is_deleted FROM lists WHERE id = 2')).toBe(`${before}|0`);
});

test('after a reload the page shows what the user saw', async ({ page, startServer }) => {
  const server = await startServer({ seed: 3 });
  await open(page, server);
  await page.getByLabel('List name').fill('Kept');
  await page.getByLabel('List name').press('Enter');
  await expect(page.locator('#lists-4')).toContainText('Kept');
  await page.locator('#lists-1').getByRole('button', { name: /^Delete/ }).click();
  await expect(page.locator('#lists-1')).toHaveCount(0);
  await page.locator('#lists-2').getByRole('button', { name: /^Rename/ }).click();
  await page.locator('#lists-2').getByRole('textbox').fill('Changed');
  await page.locator('#lists-2').getByRole('textbox').press('Enter');
  await expect(page.locator('#lists-2 .list-name')).toHaveText('Changed');
  const seen = await listsOf(page).locator('.list-name').allTextContents();
  // Wait until the server has every change (requests run in click order).
  await expect.poll(() => server.sql('SELECT name FROM lists WHERE id = 2')).toBe('Changed');

  await page.reload();
  await expect(listsOf(page).locator('.list-name')).toHaveText(seen);
});

test('before the wasm has loaded, the form posts to the server and shows a refused name\'s reason', async ({ page, startServer }) => {
  const server = await startServer({ seed: 1 });
  // The screen never hydrates: its wasm and js bundle are never delivered.
  await page.route('**/pkg/*.{wasm,js}', (route) => route.abort());
  await page.goto(server.notesUrl);
  await expect(page.locator('#lists-1')).toBeVisible();
  await page.getByLabel('List name').fill('Posted without wasm');
  await page.getByRole('button', { name: 'Add list' }).click();
  await expect(page).toHaveURL(/\/notes/);
  await expect(page.locator('#lists-2 .list-name')).toHaveText('Posted without wasm');

  await page.getByLabel('List name').fill('   ');
  await page.getByRole('button', { name: 'Add list' }).click();
  await expect(page.locator('#new-list-name-error')).toHaveText('Give the list a name.');
  await expect(page.getByLabel('List name')).toHaveAttribute('aria-invalid', 'true');
  expect(server.sql('SELECT count(*) FROM lists')).toBe('2');
  await expect(page.locator('main[data-hydrated]')).toHaveCount(0);
});

test('offline, each change touches one row, and landing later touches none @both', async ({ page, context, startServer }) => {
  const server = await startServer({ seed: 3, allowedHosts: '127.0.0.1' });
  const relay = await NetworkCut.start(server.url);
  await page.goto(`${relay.url}/notes`);
  await waitForLive(page);
  // The outbox's code comes when the tab is first idle; then it can keep changes offline.
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await watchRows(page);
  await context.setOffline(true);
  relay.cut();
  await expect(page.locator('.live-indicator')).toHaveAttribute('data-state', /reconnecting|offline/);

  // A create: one new row, at the top, marked as waiting.
  await page.getByLabel('List name').fill('Made offline');
  await page.getByLabel('List name').press('Enter');
  const draft = listsOf(page).locator(':scope > li').first();
  await expect(draft).toContainText('Made offline');
  await expect(draft).toContainText('Waiting to save');
  const draftId = (await draft.getAttribute('id'))!;
  expect(await rowChanges(page)).toEqual({ added: [draftId], removed: [], keptNodes: true });

  // A rename: the same row, new text. A delete: that row goes.
  const renamed = page.locator('#lists-2');
  await renamed.getByRole('button', { name: /^Rename/ }).click();
  await renamed.getByRole('textbox', { name: 'New name' }).fill('Renamed offline');
  await renamed.getByRole('textbox', { name: 'New name' }).press('Enter');
  await expect(renamed.locator('.list-name')).toHaveText('Renamed offline');
  await page.locator('#lists-1').getByRole('button', { name: /^Delete/ }).click();
  await expect(page.locator('#lists-1')).toHaveCount(0);
  expect(await rowChanges(page, ['lists-1', 'lists-2'])).toEqual({
    added: [draftId],
    removed: ['lists-1'],
    keptNodes: true,
  });

  // Online again: every change lands, and no row is added or removed for it.
  relay.restore();
  await context.setOffline(false);
  await expect(page.locator('.live-indicator')).toHaveAttribute('data-state', 'live', { timeout: 15_000 });
  await expect(page.locator('#lists-4 .list-name')).toHaveText('Made offline');
  await expect(page.locator('.waiting-mark:visible')).toHaveCount(0);
  expect(await rowChanges(page, ['lists-1', 'lists-2'])).toEqual({
    added: ['lists-4'],
    removed: ['lists-1'],
    keptNodes: true,
  });
  expect(server.sql("SELECT name FROM lists WHERE id = 4")).toBe('Made offline');
  expect(server.sql('SELECT name FROM lists WHERE id = 2')).toBe('Renamed offline');
  await relay.close();
});
