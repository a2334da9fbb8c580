// Offline changes: every change is kept in the browser's outbox until the
// server has answered for it, shown as waiting meanwhile, and sent again until it lands,
// exactly once, even across a lost answer, a reload without a server, and two tabs.
import { test, expect, waitForHydration, waitForLive, listsOf, type AppServer, type ServerOptions } from './app-server';
import { NetworkCut } from './network-cut';
import type { Browser, BrowserContext, Page } from '@playwright/test';

const WAITING = 'Waiting to save';
const CHANGES_PATH = '/api/lists/changes';

type Tab = { context: BrowserContext; page: Page };

/**
 * Opens /notes and waits until the screen's outbox has started: its code (split out of the
 * first visit's wasm) arrives when the tab is idle, and registers the service worker.
 */
async function openNotes(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/notes`);
  await waitForLive(page);
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
}

async function openTab(browser: Browser, url: string): Promise<Tab> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await openNotes(page, url);
  return { context, page };
}

/**
 * A server with `seed` lists and a relay in front of it whose connections a test can cut.
 * The relay is a proxy on another port of 127.0.0.1: the server must answer to it.
 */
async function behindRelay(startServer: (options?: ServerOptions) => Promise<AppServer>, seed: number) {
  const server = await startServer({ seed, allowedHosts: '127.0.0.1' });
  return { server, relay: await NetworkCut.start(server.url) };
}

/** Cuts the connection as a real network loss would: new requests and the open feed. */
async function goOffline(context: BrowserContext, relay: NetworkCut) {
  await context.setOffline(true);
  relay.cut();
}

async function goOnline(context: BrowserContext, relay: NetworkCut) {
  relay.restore();
  await context.setOffline(false);
}

const status = (page: Page) => page.locator('.live-indicator');
const named = (page: Page, name: string) => page.locator('.list-name').filter({ hasText: new RegExp(`^${name}$`) });
const waitingMarks = (page: Page) => page.locator('.waiting-mark:visible');
const countInDb = (server: AppServer, name: string) => server.sql(`SELECT count(*) FROM lists WHERE name = '${name}'`);
const events = (server: AppServer) => Number(server.sql('SELECT count(*) FROM list_events'));

async function create(page: Page, name: string) {
  await page.getByLabel('List name').fill(name);
  await page.getByLabel('List name').press('Enter');
}

async function rename(page: Page, id: number, to: string) {
  const row = page.locator(`#lists-${id}`);
  await row.getByRole('button', { name: /^Rename/ }).click();
  await row.getByRole('textbox', { name: 'New name' }).fill(to);
  await row.getByRole('textbox', { name: 'New name' }).press('Enter');
}

/** Waits until nothing waits: the status is back to live and no row is marked. */
async function drained(page: Page) {
  await expect(status(page)).toHaveAttribute('data-state', 'live', { timeout: 15_000 });
  await expect(waitingMarks(page)).toHaveCount(0);
}

test('changes made offline wait on the page, then land exactly once and reach another page @both', async ({
  browser,
  startServer,
}) => {
  const { server, relay } = await behindRelay(startServer, 3);
  const me = await openTab(browser, relay.url);
  const other = await openTab(browser, server.url);
  const before = events(server);
  const secondName = server.sql('SELECT name FROM lists WHERE id = 2');

  await goOffline(me.context, relay);
  await create(me.page, 'Made offline');
  await rename(me.page, 2, 'Renamed offline');
  await me.page.locator('#lists-1').getByRole('button', { name: /^Delete/ }).click();

  // Each shows at once, marked as waiting; the status counts them; no error.
  const top = listsOf(me.page).locator(':scope > li').first();
  await expect(top).toContainText('Made offline');
  await expect(top).toContainText(WAITING);
  await expect(me.page.locator('#lists-2 .list-name')).toHaveText('Renamed offline');
  await expect(me.page.locator('#lists-2')).toContainText(WAITING);
  await expect(me.page.locator('#lists-1')).toHaveCount(0);
  await expect(status(me.page)).toHaveText('Offline · 3 changes waiting');
  await expect(status(me.page)).toHaveAttribute('data-state', 'offline');
  await expect(me.page.getByRole('alert')).toHaveCount(0);
  expect(countInDb(server, 'Made offline')).toBe('0');
  expect(server.sql('SELECT name FROM lists WHERE id = 2')).toBe(secondName);
  expect(events(server)).toBe(before);

  await goOnline(me.context, relay);
  await drained(me.page);
  expect(countInDb(server, 'Made offline')).toBe('1');
  expect(server.sql('SELECT name FROM lists WHERE id = 2')).toBe('Renamed offline');
  expect(server.sql('SELECT CASE WHEN is_deleted THEN 1 ELSE 0 END FROM lists WHERE id = 1')).toBe('1');
  // One change each in the log: nothing applied twice.
  expect(events(server)).toBe(before + 3);
  await expect(named(me.page, 'Made offline')).toHaveCount(1);
  await expect(named(other.page, 'Made offline')).toHaveCount(1);
  await expect(other.page.locator('#lists-2 .list-name')).toHaveText('Renamed offline');
  await expect(other.page.locator('#lists-1')).toHaveCount(0);
  await me.page.waitForTimeout(500);
  expect(events(server)).toBe(before + 3);
  await relay.close();
});

test('an answer lost after the server applied a create is sent again and makes no second list @both', async ({
  page,
  server,
}) => {
  await openNotes(page, server.url);
  let sent = 0;
  await page.route(`**${CHANGES_PATH}`, async (route) => {
    sent += 1;
    if (sent === 1) {
      // The server applies it; the answer never reaches the screen.
      await route.fetch();
      await route.abort('connectionreset');
    } else {
      await route.continue();
    }
  });
  await create(page, 'Only once');
  await expect.poll(() => sent).toBeGreaterThanOrEqual(2);
  await drained(page);
  expect(countInDb(server, 'Only once')).toBe('1');
  expect(events(server)).toBe(1);
  await expect(named(page, 'Only once')).toHaveCount(1);
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('with the server down, a change survives a reload and lands once when the server is back', async ({
  page,
  startServer,
}) => {
  const server = await startServer({ seed: 2 });
  await openNotes(page, server.url);
  // The service worker keeps the document it was registered from.
  await expect
    .poll(() => page.evaluate(async () => !!(await caches.match('/notes', { ignoreVary: true }))))
    .toBe(true);

  await server.stop();
  await create(page, 'Made while the server was down');
  await expect(status(page)).toHaveText('Offline · 1 change waiting');

  // The document comes back from the service worker, with the change still waiting.
  await page.reload();
  await waitForHydration(page);
  const top = listsOf(page).locator(':scope > li').first();
  await expect(top).toContainText('Made while the server was down');
  await expect(top).toContainText(WAITING);
  await expect(status(page)).toHaveText('Offline · 1 change waiting');
  await expect(page.locator('#lists-2')).toBeVisible();
  expect(countInDb(server, 'Made while the server was down')).toBe('0');

  await server.restart(); // the same port and database
  await drained(page);
  expect(countInDb(server, 'Made while the server was down')).toBe('1');
  await expect(named(page, 'Made while the server was down')).toHaveCount(1);
  await page.waitForTimeout(500);
  expect(countInDb(server, 'Made while the server was down')).toBe('1');
});

test('two tabs offline: each shows the other tab\'s waiting change, and each change lands once', async ({
  browser,
  startServer,
}) => {
  const { server, relay } = await behindRelay(startServer, 1);
  const context = await browser.newContext();
  const one = await context.newPage();
  const two = await context.newPage();
  await openNotes(one, relay.url);
  await openNotes(two, relay.url);
  const before = events(server);

  await goOffline(context, relay);
  await create(one, 'From tab one');
  await create(two, 'From tab two');
  for (const page of [one, two]) {
    await expect(status(page)).toHaveText('Offline · 2 changes waiting');
    await expect(named(page, 'From tab one')).toHaveCount(1);
    await expect(named(page, 'From tab two')).toHaveCount(1);
  }

  await goOnline(context, relay);
  for (const page of [one, two]) await drained(page);
  await expect.poll(() => countInDb(server, 'From tab one')).toBe('1');
  expect(countInDb(server, 'From tab two')).toBe('1');
  for (const page of [one, two]) {
    await expect(named(page, 'From tab one')).toHaveCount(1);
    await expect(named(page, 'From tab two')).toHaveCount(1);
  }
  await one.waitForTimeout(500);
  expect(events(server)).toBe(before + 2);
  await context.close();
  await relay.close();
});

test('a rename that waited while the list was deleted elsewhere offers Restore and rename, or Discard', async ({
  browser,
  startServer,
}) => {
  const { server, relay } = await behindRelay(startServer, 3);
  const me = await openTab(browser, relay.url);
  const deleted = (id: number) => server.sql(`SELECT CASE WHEN is_deleted THEN 1 ELSE 0 END FROM lists WHERE id = ${id}`);

  await goOffline(me.context, relay);
  await rename(me.page, 2, 'Kept name');
  await expect(me.page.locator('#lists-2')).toContainText(WAITING);
  expect((await server.call('delete', { id: 2 })).status).toBe(200);
  await goOnline(me.context, relay);

  const alert = me.page.getByRole('alert');
  await expect(alert).toContainText(
    '“Kept name” was not saved: the list was deleted elsewhere before your rename reached the server.',
  );
  await expect(me.page.locator('#lists-2')).toHaveCount(0);
  await alert.getByRole('button', { name: 'Restore and rename' }).click();
  await expect(me.page.locator('#lists-2 .list-name')).toHaveText('Kept name');
  await expect(alert).toHaveCount(0);
  await drained(me.page);
  expect(server.sql('SELECT name FROM lists WHERE id = 2')).toBe('Kept name');
  expect(deleted(2)).toBe('0');

  // The other choice: the rename is let go, the list stays deleted.
  const name = server.sql('SELECT name FROM lists WHERE id = 3');
  await goOffline(me.context, relay);
  await rename(me.page, 3, 'Let go');
  expect((await server.call('delete', { id: 3 })).status).toBe(200);
  await goOnline(me.context, relay);
  await expect(alert).toContainText('“Let go” was not saved');
  await alert.getByRole('button', { name: 'Discard' }).click();
  await expect(alert).toHaveCount(0);
  await drained(me.page);
  await expect(me.page.locator('#lists-3')).toHaveCount(0);
  expect(deleted(3)).toBe('1');
  expect(server.sql('SELECT name FROM lists WHERE id = 3')).toBe(name);
  await relay.close();
});

test('a change that storage refuses is still sent, and no other tab\'s writes make this tab forget it', async ({
  browser,
  startServer,
}) => {
  const { server, relay } = await behindRelay(startServer, 1);
  const context = await browser.newContext();
  const full = await context.newPage();
  // This tab's storage is full: every write is refused, as a quota would.
  await full.addInitScript(() => {
    Storage.prototype.setItem = () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
  });
  const other = await context.newPage();
  await openNotes(full, relay.url);
  await openNotes(other, relay.url);

  await goOffline(context, relay);
  await create(full, 'Only in memory');
  await expect(status(full)).toHaveText('Offline · 1 change waiting');
  // The other tab writes to storage; this tab hears of it and reads storage again.
  await create(other, 'In storage');
  await expect(status(full)).toHaveText('Offline · 2 changes waiting');
  await expect(named(full, 'Only in memory')).toHaveCount(1);

  await goOnline(context, relay);
  for (const page of [full, other]) await drained(page);
  await expect.poll(() => countInDb(server, 'Only in memory')).toBe('1');
  expect(countInDb(server, 'In storage')).toBe('1');
  await context.close();
  await relay.close();
});
