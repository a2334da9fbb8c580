// Live sync between two users: what one screen changes shows up on the other one row at a
// time, from the change feed alone (no reload), exactly once, and after being offline,
// after a server restart, and after the server pruned the log the screen was waiting on.
//
// Each user is a separate browser context on the same server. On the screen that receives
// changes the tests watch three things:
//  - a MutationObserver on `<ul aria-label="Lists">` (direct children only) records every
//    `<li>` added or removed, so "one row changed" means exactly one add or remove;
//  - the `<li>` nodes present before a change are remembered, so rows the change did not
//    touch must still be the very same DOM nodes afterwards;
//  - every request the tab makes: receiving a change must not reload the lists
//    (`/api/lists/load`); the only request allowed is the EventSource itself.
import type { Browser, BrowserContext, Page, Request } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { test, expect, waitForLive, listsOf, BINARY, ON_POSTGRES, type AppServer } from './app-server';
import { NetworkCut } from './network-cut';

const LOAD_PATH = '/api/lists/load';
const EVENTS_PATH = '/api/lists/events';
const CHANGES_PATH = '/api/lists/changes';

type Row = { id: string; name: string };

/** One user: a browser context of its own with one tab on /notes. */
type User = {
  context: BrowserContext;
  page: Page;
  /** Every request the tab made, in order. */
  requests: Request[];
};

async function openNotes(browser: Browser, baseUrl: string): Promise<User> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const requests: Request[] = [];
  page.on('request', (request) => requests.push(request));
  await page.goto(`${baseUrl}/notes`);
  await waitForLive(page);
  return { context, page, requests };
}

function pathOf(request: Request): string {
  return new URL(request.url()).pathname;
}

function loadRequests(user: User): Request[] {
  return user.requests.filter((request) => pathOf(request) === LOAD_PATH);
}

/** Asserts that since `from` the tab made no request but (re)opening its EventSource. */
function expectOnlyEventSource(user: User, from: number) {
  const others = user.requests
    .slice(from)
    .filter((request) => !(request.resourceType() === 'eventsource' && pathOf(request) === EVENTS_PATH))
    .map((request) => `${request.resourceType()} ${request.method()} ${request.url()}`);
  expect(others, 'requests other than the EventSource').toEqual([]);
}

/**
 * Starts recording `<li>` children added to / removed from the Lists `<ul>`, and
 * remembers the `<li>` node of every row so that a later check can tell whether a row
 * was re-created. A row is named by the id its node has when asked: a list created here
 * is added as its draft (`waiting-…`) and keeps that node once the server has made it.
 */
async function observeLists(page: Page): Promise<void> {
  await page.evaluate(() => {
    const ul = document.querySelector('ul[aria-label="Lists"]');
    if (!ul) throw new Error('no Lists <ul>');
    const watch = {
      ul,
      added: [] as Element[],
      removed: [] as string[],
      nodes: new Map<string, Element>(),
    };
    for (const li of ul.querySelectorAll(':scope > li')) watch.nodes.set(li.id, li);
    new MutationObserver((records) => {
      for (const record of records) {
        for (const node of record.removedNodes) {
          if (node instanceof Element) watch.removed.push(`${node.nodeName}#${node.id}`);
        }
        for (const node of record.addedNodes) {
          if (node instanceof Element) watch.added.push(node);
        }
      }
    }).observe(ul, { childList: true });
    (window as any).__listsWatch = watch;
  });
}

/**
 * The `<li>`s added and removed since `observeLists`, as `LI#lists-<id>`: an added node
 * by the id it has now, a removed one by the id it had.
 */
async function mutations(page: Page): Promise<{ added: string[]; removed: string[] }> {
  return page.evaluate(() => {
    const watch = (window as any).__listsWatch;
    const added = (watch.added as Element[]).map((node) => `${node.nodeName}#${node.id}`);
    return { added, removed: [...watch.removed] };
  });
}

/**
 * Rows shown now whose `<li>` is not the node remembered for them (nor one added since),
 * plus a note if the `<ul>` itself was replaced. Empty when every row kept its DOM node.
 */
async function replacedNodes(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const watch = (window as any).__listsWatch;
    const ul = document.querySelector('ul[aria-label="Lists"]');
    const replaced: string[] = ul === watch.ul ? [] : ['the <ul> itself'];
    const added = new Set(watch.added as Element[]);
    for (const li of document.querySelectorAll('ul[aria-label="Lists"] > li')) {
      const remembered = watch.nodes.get(li.id);
      if (added.has(li)) continue;
      if (remembered !== li) replaced.push(li.id);
    }
    return replaced;
  });
}

/** The rows shown, top to bottom. */
async function rowsOf(page: Page): Promise<Row[]> {
  return listsOf(page)
    .locator(':scope > li')
    .evaluateAll((items) =>
      items.map((li) => ({ id: li.id, name: li.querySelector('.list-name')?.textContent ?? '' })),
    );
}

/** The active lists in the database, newest first, as the screen shows them. */
function rowsInDb(server: AppServer): Row[] {
  const json = server.sql(
    ON_POSTGRES
      ? "SELECT json_agg(json_build_object('id', 'lists-' || id, 'name', name) ORDER BY id DESC) " +
          'FROM lists WHERE NOT is_deleted'
      : "SELECT json_group_array(json_object('id', 'lists-' || id, 'name', name)) " +
          'FROM (SELECT id, name FROM lists WHERE NOT is_deleted ORDER BY id DESC)',
  );
  return JSON.parse(json);
}

function idInDb(server: AppServer, name: string): string {
  const id = server.sql(`SELECT id FROM lists WHERE name = '${name.replaceAll("'", "''")}'`);
  expect(id, `one list named ${name}`).toMatch(/^\d+$/);
  return `lists-${id}`;
}

function latestSeq(server: AppServer): number {
  return Number(server.sql("SELECT seq FROM sqlite_sequence WHERE name = 'list_events'"));
}

/** The live indicator while the feed is down. */
function reconnecting(page: Page) {
  return page.getByRole('status').filter({ hasText: 'Reconnecting…' });
}

async function expectLive(page: Page) {
  await expect(page.locator('.live-indicator')).toHaveAttribute('data-state', 'live');
  await expect(page.locator('.live-indicator')).toHaveText('');
}

async function createIn(page: Page, name: string) {
  await page.getByLabel('List name').fill(name);
  await page.getByRole('button', { name: 'Add list' }).click();
}

async function renameIn(page: Page, from: string, to: string) {
  await page.getByRole('button', { name: `Rename ${from}`, exact: true }).click();
  const input = page.getByRole('textbox', { name: 'New name' });
  await input.fill(to);
  await input.press('Enter');
}

async function deleteIn(page: Page, name: string) {
  await page.getByRole('button', { name: `Delete ${name}`, exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'List deleted' })).toBeVisible();
}

/**
 * Resolves once the database holds `rows` and the user's screen has nothing left waiting
 * to be sent (its outbox sends changes in batches, so requests do not map to changes).
 */
async function drained(user: User, server: AppServer, rows: Row[]) {
  await expect.poll(() => rowsInDb(server)).toEqual(rows);
  await expect(user.page.locator('.live-indicator')).toHaveAttribute('data-state', 'live');
  await Promise.all(user.requests.filter((request) => pathOf(request) === CHANGES_PATH).map((r) => r.response()));
}

async function closeAll(...users: User[]) {
  await Promise.all(users.map((user) => user.context.close()));
}

test.describe('live sync between two users', () => {
  test('create, rename, delete and undo in one window each change exactly one row in the other @both', async ({
    browser,
    startServer,
  }) => {
    const server = await startServer({ seed: 4 });
    const a = await openNotes(browser, server.url);
    const b = await openNotes(browser, server.url);
    await observeLists(b.page);
    const seeded = await rowsOf(b.page);
    expect(seeded).toHaveLength(4);
    const afterLoad = b.requests.length;
    const rowsB = listsOf(b.page).locator(':scope > li');

    // Create: one new <li> at the top, within a second.
    await createIn(a.page, 'Groceries');
    await expect(rowsB.first().locator('.list-name')).toHaveText('Groceries', { timeout: 1000 });
    const created = idInDb(server, 'Groceries');
    await expect(rowsB.first()).toHaveId(created);
    expect(await mutations(b.page)).toEqual({ added: [`LI#${created}`], removed: [] });
    expect(await replacedNodes(b.page)).toEqual([]);

    // Rename: the same <li> gets the new text; nothing added or removed.
    await renameIn(a.page, 'Groceries', 'Weekly groceries');
    await expect(b.page.locator(`#${created} .list-name`)).toHaveText('Weekly groceries', { timeout: 1000 });
    expect(await mutations(b.page)).toEqual({ added: [`LI#${created}`], removed: [] });
    expect(await replacedNodes(b.page)).toEqual([]);

    // Delete a row in the middle: exactly that <li> goes.
    const middle = seeded[1];
    await deleteIn(a.page, middle.name);
    await expect(b.page.locator(`#${middle.id}`)).toHaveCount(0, { timeout: 1000 });
    expect(await mutations(b.page)).toEqual({ added: [`LI#${created}`], removed: [`LI#${middle.id}`] });
    expect(await replacedNodes(b.page)).toEqual([]);

    // Undo: it comes back between the same neighbours, as one added <li>.
    await a.page.getByRole('button', { name: 'Undo', exact: true }).click();
    await expect(b.page.locator(`#${middle.id}`)).toHaveCount(1, { timeout: 1000 });
    expect(await mutations(b.page)).toEqual({
      added: [`LI#${created}`, `LI#${middle.id}`],
      removed: [`LI#${middle.id}`],
    });
    const expected = [{ id: created, name: 'Weekly groceries' }, ...seeded];
    expect(await rowsOf(b.page)).toEqual(expected);
    expect(await replacedNodes(b.page)).toEqual([]);
    expect(rowsInDb(server)).toEqual(expected);
    expect(await rowsOf(a.page)).toEqual(expected);

    // Everything came over the feed: no reload, no request but the EventSource.
    expectOnlyEventSource(b, afterLoad);
    expect(loadRequests(b)).toEqual([]);
    await closeAll(a, b);
  });

  test('own changes are applied once, even when the live event arrives before the response @both', async ({
    browser,
    startServer,
  }) => {
    const server = await startServer({ seed: 2 });
    const a = await openNotes(browser, server.url);
    const b = await openNotes(browser, server.url);
    await observeLists(a.page);
    const seeded = await rowsOf(a.page);

    // The usual order: A's response first, then the same change over A's own feed.
    await createIn(a.page, 'Mine');
    await expect(b.page.getByText('Mine', { exact: true })).toBeVisible({ timeout: 1000 });
    await a.page.waitForTimeout(300); // A's own live event has arrived by now
    const mine = idInDb(server, 'Mine');
    await expect(a.page.locator('.list-name').filter({ hasText: /^Mine$/ })).toHaveCount(1);
    // One <li>, from the moment it showed as waiting: the list's own row now.
    expect(await mutations(a.page)).toEqual({ added: [`LI#${mine}`], removed: [] });

    // The other order: hold A's answers back so its own live events arrive first.
    const held: string[] = [];
    const delivered: string[] = [];
    await a.page.route(/\/api\/lists\/changes$/, async (route) => {
      const response = await route.fetch();
      const body = route.request().postData() ?? '';
      held.push(body);
      await new Promise((resolve) => setTimeout(resolve, 800));
      await route.fulfill({ response });
      delivered.push(body);
    });

    await createIn(a.page, 'Mine too');
    // Made by the server and shown from A's own feed while its answer is still held back:
    // once, in the very row it showed as waiting at first.
    await expect.poll(() => server.sql("SELECT count(*) FROM lists WHERE name = 'Mine too'")).toBe('1');
    const mineToo = idInDb(server, 'Mine too');
    await expect(a.page.locator(`#${mineToo}`)).toBeVisible();
    await expect(a.page.locator('.list-name').filter({ hasText: /^Mine too$/ })).toHaveCount(1);
    expect(delivered).toEqual([]);
    await renameIn(a.page, 'Mine', 'Mine, renamed');
    await deleteIn(a.page, seeded[0].name);
    await a.page.getByRole('button', { name: 'Undo', exact: true }).click();

    const expected = [
      { id: mineToo, name: 'Mine too' },
      { id: mine, name: 'Mine, renamed' },
      ...seeded,
    ];
    await drained(a, server, expected);
    await expect.poll(() => delivered.length).toBe(held.length);
    await a.page.waitForTimeout(300);
    expect(await rowsOf(a.page)).toEqual(expected);
    expect(await mutations(a.page)).toEqual({
      added: [`LI#${mine}`, `LI#${mineToo}`, `LI#${seeded[0].id}`],
      removed: [`LI#${seeded[0].id}`],
    });
    expect(await replacedNodes(a.page)).toEqual([]);
    expect(rowsInDb(server)).toEqual(expected);
    await expect.poll(() => rowsOf(b.page)).toEqual(expected);
    await closeAll(a, b);
  });

  test('a page that was offline catches up on every change it missed, once each, without reloading', async ({
    browser,
    startServer,
  }) => {
    // The relay is a proxy on another port of 127.0.0.1: the server must answer to it.
    const server = await startServer({ seed: 4, allowedHosts: '127.0.0.1' });
    // Chromium's offline mode fails new requests but leaves an open event stream
    // alone; a real network loss would break it. B goes through a relay that breaks it.
    const relay = await NetworkCut.start(server.url);
    const a = await openNotes(browser, server.url);
    const b = await openNotes(browser, relay.url);
    await observeLists(b.page);
    const seeded = await rowsOf(b.page);
    const afterLoad = b.requests.length;

    // One change while connected, so B has a Last-Event-ID to resume from.
    await createIn(a.page, 'Before');
    await expect(b.page.getByText('Before', { exact: true })).toBeVisible({ timeout: 1000 });
    const before = idInDb(server, 'Before');
    const lastSeen = latestSeq(server);

    await b.context.setOffline(true);
    relay.cut();
    await expect(reconnecting(b.page)).toBeVisible();
    await expect(b.page.locator('.live-indicator')).toHaveAttribute('data-state', 'reconnecting');

    await createIn(a.page, 'Offline one');
    await createIn(a.page, 'Offline two');
    await renameIn(a.page, seeded[0].name, 'Renamed while away');
    await deleteIn(a.page, seeded[2].name);
    await expect.poll(() => latestSeq(server)).toBe(lastSeen + 4);
    const one = idInDb(server, 'Offline one');
    const two = idInDb(server, 'Offline two');
    const expected = rowsInDb(server);
    expect(expected).toEqual([
      { id: two, name: 'Offline two' },
      { id: one, name: 'Offline one' },
      { id: before, name: 'Before' },
      { id: seeded[0].id, name: 'Renamed while away' },
      seeded[1],
      seeded[3],
    ]);
    expect(await rowsOf(a.page)).toEqual(expected);
    // B really is cut off: give the changes time to arrive, and they do not.
    await b.page.waitForTimeout(1500);
    expect(await rowsOf(b.page)).toEqual([{ id: before, name: 'Before' }, ...seeded]);
    await expect(reconnecting(b.page)).toBeVisible();

    relay.restore();
    await b.context.setOffline(false);
    await expect(reconnecting(b.page)).toHaveCount(0, { timeout: 5000 });
    await expectLive(b.page);
    await expect.poll(() => rowsOf(b.page), { timeout: 3000 }).toEqual(expected);
    await b.page.waitForTimeout(300); // nothing more (a duplicate, say) comes after

    expect(await rowsOf(b.page)).toEqual(expected);
    expect(await mutations(b.page)).toEqual({
      added: [`LI#${before}`, `LI#${one}`, `LI#${two}`],
      removed: [`LI#${seeded[2].id}`],
    });
    expect(await replacedNodes(b.page)).toEqual([]);
    expectOnlyEventSource(b, afterLoad);
    expect(loadRequests(b)).toEqual([]);
    // The event stream that caught up resumed right after the last event B had applied.
    const resumed = b.requests.filter((request) => request.resourceType() === 'eventsource').at(-1)!;
    expect((await resumed.allHeaders())['last-event-id']).toBe(String(lastSeen));
    await closeAll(a, b);
    await relay.close();
  });

  test('after a server restart the page reconnects by itself and keeps receiving changes', async ({
    browser,
    startServer,
  }) => {
    const server = await startServer({ seed: 3 });
    const a = await openNotes(browser, server.url);
    const b = await openNotes(browser, server.url);
    await observeLists(b.page);
    const seeded = await rowsOf(b.page);
    const afterLoad = b.requests.length;

    await server.stop();
    await expect(reconnecting(b.page)).toBeVisible();
    await expect(reconnecting(a.page)).toBeVisible();
    // It keeps trying (and keeps saying so) while the server is away.
    await b.page.waitForTimeout(2500);
    await expect(reconnecting(b.page)).toBeVisible();

    await server.restart();
    await expect(reconnecting(b.page)).toHaveCount(0, { timeout: 5000 });
    await expectLive(b.page);
    await expectLive(a.page);

    // A change made in A after the restart reaches B, and so does one from another client.
    await createIn(a.page, 'After restart');
    await expect(listsOf(b.page).locator(':scope > li').first().locator('.list-name')).toHaveText(
      'After restart',
      { timeout: 1000 },
    );
    const viaApi = await server.createList('Via the API');
    await expect(listsOf(b.page).locator(':scope > li').first()).toHaveId(`lists-${viaApi.id}`, { timeout: 1000 });

    const expected = rowsInDb(server);
    expect(expected).toEqual([
      { id: `lists-${viaApi.id}`, name: 'Via the API' },
      { id: idInDb(server, 'After restart'), name: 'After restart' },
      ...seeded,
    ]);
    expect(await rowsOf(b.page)).toEqual(expected);
    expect(await rowsOf(a.page)).toEqual(expected);
    expect(await mutations(b.page)).toEqual({
      added: [`LI#${idInDb(server, 'After restart')}`, `LI#lists-${viaApi.id}`],
      removed: [],
    });
    expect(await replacedNodes(b.page)).toEqual([]);
    expectOnlyEventSource(b, afterLoad);
    expect(loadRequests(b)).toEqual([]);
    await closeAll(a, b);
  });

  test('a page away longer than the change log reaches back is reset: it reloads its rows once', async ({
    browser,
    startServer,
  }) => {
    const server = await startServer({ seed: 4, allowedHosts: '127.0.0.1' });
    const relay = await NetworkCut.start(server.url);
    const a = await openNotes(browser, server.url);
    const b = await openNotes(browser, relay.url);
    await observeLists(b.page);
    const seeded = await rowsOf(b.page);
    const afterLoad = b.requests.length;

    await b.context.setOffline(true);
    relay.cut();
    await expect(reconnecting(b.page)).toBeVisible();

    await createIn(a.page, 'Made while B was away');
    await renameIn(a.page, seeded[1].name, 'Renamed while B was away');
    await deleteIn(a.page, seeded[3].name);
    await expect.poll(() => rowsInDb(server).length).toBe(4);
    const fresh = idInDb(server, 'Made while B was away');
    const expected = [
      { id: fresh, name: 'Made while B was away' },
      seeded[0],
      { id: seeded[1].id, name: 'Renamed while B was away' },
      seeded[2],
    ];
    await drained(a, server, expected);

    // What the server's hourly prune does once these entries are older than the
    // retention period (see ListStore::prune_events): move the horizon past them, drop them.
    server.sql(
      'UPDATE change_log_horizon SET pruned_through = MAX(pruned_through, ' +
        '(SELECT COALESCE(MAX(seq), 0) FROM list_events)) WHERE id = 1; ' +
        'DELETE FROM list_events WHERE seq <= (SELECT pruned_through FROM change_log_horizon WHERE id = 1);',
    );
    expect(server.sql('SELECT COUNT(*) FROM list_events')).toBe('0');
    expect(await rowsOf(b.page)).toEqual(seeded);

    relay.restore();
    await b.context.setOffline(false);
    await expect.poll(() => loadRequests(b).length, { timeout: 5000 }).toBe(1);
    await expect.poll(() => rowsOf(b.page), { timeout: 3000 }).toEqual(expected);
    await expectLive(b.page);
    // Rows that survived kept their <li>; only the new one was added, the deleted one removed.
    expect(await replacedNodes(b.page)).toEqual([]);
    expect(await mutations(b.page)).toEqual({ added: [`LI#${fresh}`], removed: [`LI#${seeded[3].id}`] });

    // B follows on from the reloaded rows: the next change arrives live, with no reload.
    await createIn(a.page, 'After the reset');
    await expect(listsOf(b.page).locator(':scope > li').first().locator('.list-name')).toHaveText(
      'After the reset',
      { timeout: 1000 },
    );
    await b.page.waitForTimeout(300);
    expect(await rowsOf(b.page)).toEqual(rowsInDb(server));
    expect(loadRequests(b)).toHaveLength(1);
    expect(loadRequests(b)[0].method()).toBe('POST');
    // Besides the feed and the one load, B may only fetch the lazily loaded wasm that
    // holds the browser's load call (see app/src/notes/split.rs): code, not data.
    const otherRequests = b.requests
      .slice(afterLoad)
      .filter((request) => pathOf(request) !== EVENTS_PATH && pathOf(request) !== LOAD_PATH)
      .filter((request) => !/^\/pkg\/[\w.-]+\.wasm$/.test(pathOf(request)));
    expect(otherRequests.map((request) => request.url())).toEqual([]);
    // A was connected all along: it never reloaded.
    expect(loadRequests(a)).toEqual([]);
    await closeAll(a, b);
    await relay.close();
  });

  test('the server prunes the log past a page that was away (real retention), and the page resets', async ({
    browser,
    startServer,
  }) => {
    // The prune task runs once at startup and then hourly; a restart with a 1 s retention
    // period makes the real ListStore::prune_events drop what B missed.
    const server = await startServer({ seed: 3, retentionSecs: 1, allowedHosts: '127.0.0.1' });
    const relay = await NetworkCut.start(server.url);
    const a = await openNotes(browser, server.url);
    const b = await openNotes(browser, relay.url);
    await observeLists(b.page);
    const seeded = await rowsOf(b.page);

    await b.context.setOffline(true);
    relay.cut();
    await expect(reconnecting(b.page)).toBeVisible();
    await createIn(a.page, 'Missed by B');
    await deleteIn(a.page, seeded[0].name);
    await expect.poll(() => server.sql("SELECT count(*) FROM lists WHERE name = 'Missed by B'")).toBe('1');
    const missed = idInDb(server, 'Missed by B');
    await drained(a, server, [{ id: missed, name: 'Missed by B' }, ...seeded.slice(1)]);
    const latest = latestSeq(server);

    await a.page.waitForTimeout(1500); // older than the retention period
    await server.restart();
    await expect.poll(() => server.sql('SELECT pruned_through FROM change_log_horizon')).toBe(String(latest));
    expect(server.sql('SELECT COUNT(*) FROM list_events')).toBe('0');

    relay.restore();
    await b.context.setOffline(false);
    await expect.poll(() => loadRequests(b).length, { timeout: 5000 }).toBe(1);
    const expected = rowsInDb(server);
    expect(expected).toEqual([{ id: missed, name: 'Missed by B' }, ...seeded.slice(1)]);
    await expect.poll(() => rowsOf(b.page), { timeout: 3000 }).toEqual(expected);
    await expectLive(b.page);
    expect(await replacedNodes(b.page)).toEqual([]);
    expect(await mutations(b.page)).toEqual({ added: [`LI#${missed}`], removed: [`LI#${seeded[0].id}`] });

    // A had seen its own changes over the feed, so its resume point is not behind the
    // horizon: it reconnects without a reset.
    await expectLive(a.page);
    await b.page.waitForTimeout(300);
    expect(loadRequests(a)).toEqual([]);
    expect(loadRequests(b)).toHaveLength(1);
    await closeAll(a, b);
    await relay.close();
  });

  test('a change made after the page was rendered but before it hydrated arrives through the feed', async ({
    browser,
    startServer,
  }) => {
    const server = await startServer({ seed: 3 });
    // B's server-rendered rows arrive, but its wasm is held back.
    let releaseWasm!: () => void;
    const wasmHeld = new Promise<void>((resolve) => (releaseWasm = resolve));
    const b = await (async () => {
      const context = await browser.newContext();
      await context.route(/\.wasm$/, async (route) => {
        await wasmHeld;
        await route.continue();
      });
      const page = await context.newPage();
      const requests: Request[] = [];
      page.on('request', (request) => requests.push(request));
      await page.goto(server.notesUrl, { waitUntil: 'domcontentloaded' });
      return { context, page, requests };
    })();
    await expect(listsOf(b.page).locator(':scope > li')).toHaveCount(3);
    await expect(b.page.locator('.live-indicator')).toHaveAttribute('data-state', 'connecting');
    await observeLists(b.page);
    const rendered = await rowsOf(b.page);
    const renderedAt = latestSeq(server);

    const created = await server.createList('Made before hydration');
    expect((await server.call('rename', { id: rendered[2].id.replace('lists-', ''), name: 'Renamed before hydration' })).status).toBe(200);
    releaseWasm();
    await waitForLive(b.page);

    const expected = rowsInDb(server);
    expect(expected).toEqual([
      { id: `lists-${created.id}`, name: 'Made before hydration' },
      rendered[0],
      rendered[1],
      { id: rendered[2].id, name: 'Renamed before hydration' },
    ]);
    await expect.poll(() => rowsOf(b.page), { timeout: 1000 }).toEqual(expected);
    // Hydration kept the server-rendered rows; the feed added the one new row.
    expect(await replacedNodes(b.page)).toEqual([]);
    expect(await mutations(b.page)).toEqual({ added: [`LI#lists-${created.id}`], removed: [] });
    expect(loadRequests(b)).toEqual([]);
    // The event stream started at the position the rendered page was read at, so nothing
    // in between was lost.
    const stream = b.requests.find((request) => request.resourceType() === 'eventsource')!;
    expect(new URL(stream.url()).searchParams.get('after')).toBe(String(renderedAt));
    await closeAll(b);
  });

  test('a burst bigger than the broadcast ring, some from another process, arrives once each', async ({
    browser,
    startServer,
  }) => {
    test.setTimeout(120_000);
    const server = await startServer({ seed: 3 });
    const b = await openNotes(browser, server.url);
    await observeLists(b.page);
    const afterLoad = b.requests.length;

    // Another server process (the seed command) commits 3000 lists in one transaction:
    // this server's tailer finds them by polling and broadcasts them at once, far more
    // than its 1024-event ring holds for an event stream. Then 200 concurrent API creates.
    execFileSync(BINARY, ['seed', '--count', '3000'], {
      env: { ...process.env, DATABASE_URL: `sqlite://${server.dbPath}`, RUST_LOG: 'warn' },
      stdio: 'pipe',
    });
    await Promise.all(Array.from({ length: 200 }, (_, i) => server.createList(`Burst ${i}`)));
    const inDb = rowsInDb(server);
    expect(inDb).toHaveLength(3203);

    // The screen keeps a window of the 200 newest rows (the top is in view, so new
    // lists go on top and the oldest drop off the bottom): each list is added once, and
    // at the end the window is exactly the 200 newest.
    const expected = inDb.slice(0, 200);
    await expect.poll(async () => (await rowsOf(b.page))[0]?.id, { timeout: 30_000 }).toBe(expected[0].id);
    await b.page.waitForTimeout(500);
    expect(await rowsOf(b.page)).toEqual(expected);
    const { added, removed } = await mutations(b.page);
    expect(added).toHaveLength(3200);
    expect(new Set(added).size).toBe(3200);
    expect(removed).toHaveLength(3203 - 200);
    expect(new Set(removed).size).toBe(3203 - 200);
    expect(await replacedNodes(b.page)).toEqual([]);
    await expect(b.page.getByRole('link', { name: 'Older lists' })).toBeVisible();
    expectOnlyEventSource(b, afterLoad);
    expect(loadRequests(b)).toEqual([]);
    await closeAll(b);
  });
});
