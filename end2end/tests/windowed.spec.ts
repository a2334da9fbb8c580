// Windowed lists: pages of 50, infinite scroll both ways with at most 200 rows in the
// DOM, links that page without JavaScript, search, and live events that land only where
// they belong.
import type { Page } from '@playwright/test';
import { test, expect, waitForLive, listsOf, recordRequestPaths, rowIds, type AppServer } from './app-server';

const LOAD = '/api/lists/load';

const descending = (from: number, to: number) => Array.from({ length: from - to + 1 }, (_, i) => from - i);

/** Records every `<li>` added to the Lists `<ul>` and the most rows it ever held. */
async function trackRows(page: Page) {
  await page.evaluate(() => {
    const ul = document.querySelector('ul[aria-label="Lists"]')!;
    const w = window as any;
    w.__rows = { added: [] as number[], max: ul.children.length, nodes: new Map() };
    for (const li of ul.children) w.__rows.nodes.set(li.id, li);
    new MutationObserver(() => {
      w.__rows.max = Math.max(w.__rows.max, ul.children.length);
    }).observe(ul, { childList: true });
    new MutationObserver((records) => {
      for (const record of records)
        for (const node of record.addedNodes)
          if (node instanceof Element) w.__rows.added.push(Number(node.id.replace('lists-', '')));
    }).observe(ul, { childList: true });
  });
}

const tracked = (page: Page) =>
  page.evaluate(() => ({ added: (window as any).__rows.added as number[], max: (window as any).__rows.max as number }));

/** Scrolls to one end, again and again, until `done` holds. */
async function scrollUntil(page: Page, to: 'top' | 'bottom', done: () => Promise<boolean>) {
  for (let step = 0; step < 60 && !(await done()); step++) {
    await page.evaluate((end) => window.scrollTo(0, end === 'top' ? 0 : document.documentElement.scrollHeight), to);
    await page.waitForTimeout(150);
  }
  expect(await done()).toBe(true);
}

/** Inserts lists straight into the database, as another tool would, ids from 1. */
function insertLists(server: AppServer, names: string[]) {
  const values = names.map((name) => `('${name.replaceAll("'", "''")}', lower('${name.replaceAll("'", "''")}'))`);
  server.sql(`INSERT INTO lists (name, search_key) VALUES ${values.join(', ')}`);
}

test('the first page is the 50 newest lists, with a link to older ones @both', async ({ page, startServer }) => {
  const server = await startServer({ seed: 120 });
  await page.goto(server.notesUrl);
  expect(await rowIds(page)).toEqual(descending(120, 71));
  await expect(page.getByRole('link', { name: 'Older lists' })).toHaveAttribute('href', '/notes?before=71');
  await expect(page.getByRole('link', { name: 'Newer lists' })).toHaveCount(0);
  await expect(page.getByText('No more lists')).toHaveCount(0);
});

test('scrolling down reaches "No more lists", sees every list once and never holds more than 200 rows; scrolling up comes back to the newest', async ({
  page,
  startServer,
}) => {
  const server = await startServer({ seed: 520 });
  const loads = recordRequestPaths(page, (path) => path === LOAD);
  await page.goto(server.notesUrl);
  await waitForLive(page);
  await trackRows(page);
  const end = page.getByText('No more lists');
  await scrollUntil(page, 'bottom', async () => (await end.count()) > 0);
  const down = await tracked(page);
  const seen = [...descending(520, 471), ...down.added];
  expect(seen.length, 'no list was added twice on the way down').toBe(new Set(seen).size);
  expect(new Set(seen).size).toBe(520);
  expect(down.max).toBeLessThanOrEqual(200);
  await expect.poll(() => loads.length, 'one request per page after the first').toBe(Math.ceil(520 / 50) - 1);
  expect((await rowIds(page)).at(-1)).toBe(1);

  await scrollUntil(page, 'top', async () => (await rowIds(page))[0] === 520);
  await expect(page.getByRole('link', { name: 'Newer lists' })).toHaveCount(0);
  expect((await tracked(page)).max).toBeLessThanOrEqual(200);
  const ids = await rowIds(page);
  expect(ids).toEqual(descending(520, 520 - ids.length + 1));
});

test('loading a page below keeps the row at the top of the viewport where it was', async ({ page, startServer }) => {
  const server = await startServer({ seed: 400 });
  await page.goto(server.notesUrl);
  await waitForLive(page);
  // Four pages in: the next one drops rows from the top.
  await scrollUntil(page, 'bottom', async () => (await rowIds(page)).length === 200);
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight / 2));
  const anchor = await page.evaluate(() => {
    const li = [...document.querySelectorAll('ul[aria-label="Lists"] > li')].find((li) => li.getBoundingClientRect().top >= 0)!;
    return { id: li.id, top: li.getBoundingClientRect().top };
  });
  await page.getByRole('link', { name: 'Older lists' }).evaluate((link: HTMLElement) => link.click());
  await expect.poll(async () => (await rowIds(page))[0]).toBeLessThan(400);
  await expect(page.getByRole('link', { name: 'Newer lists' })).toHaveCount(1);
  const after = await page.locator(`#${anchor.id}`).evaluate((li) => li.getBoundingClientRect().top);
  expect(Math.abs(after - anchor.top)).toBeLessThanOrEqual(1);
});

test('without JavaScript, "Older lists" and "Newer lists" page through server-rendered pages of 50', async ({
  browser,
  startServer,
}) => {
  const server = await startServer({ seed: 120 });
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(server.notesUrl);
  await page.getByRole('link', { name: 'Older lists' }).click();
  await expect(page).toHaveURL(/\/notes\?before=71$/);
  expect(await rowIds(page)).toEqual(descending(70, 21));
  await page.getByRole('link', { name: 'Older lists' }).click();
  expect(await rowIds(page)).toEqual(descending(20, 1));
  await expect(page.getByText('No more lists')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Older lists' })).toHaveCount(0);
  await page.getByRole('link', { name: 'Newer lists' }).click();
  await expect(page).toHaveURL(/\/notes\?after=20$/);
  expect(await rowIds(page)).toEqual(descending(70, 21));
  await page.getByRole('link', { name: 'Newer lists' }).click();
  expect(await rowIds(page)).toEqual(descending(120, 71));
  await expect(page.getByRole('link', { name: 'Newer lists' })).toHaveCount(0);
  await context.close();
});

test('the paging links work from the keyboard once the page is live', async ({ page, startServer }) => {
  const server = await startServer({ seed: 120 });
  await page.goto(server.notesUrl);
  await waitForLive(page);
  const loads = recordRequestPaths(page, (path) => path === LOAD);
  await page.evaluate(() => ((window as any).__samePage = true));
  const older = page.getByRole('link', { name: 'Older lists' });
  await older.focus();
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await rowIds(page)).length).toBeGreaterThanOrEqual(100);
  // Loaded in place: the same document (the address bar may name the window in view).
  expect(await page.evaluate(() => (window as any).__samePage)).toBe(true);
  expect(new URL(page.url()).searchParams.has('after')).toBe(false);
  await expect.poll(() => loads.length).toBeGreaterThanOrEqual(1);
});

test('a search is rendered by the server from ?q=, with the term in the box @both', async ({ page, startServer }) => {
  const server = await startServer();
  insertLists(server, ['Green tea', 'Coffee', 'Iced TEA', 'Water']);
  const html = await (await fetch(`${server.notesUrl}?q=tea`)).text();
  expect(html.match(/<li id="lists-\d+"/g)).toEqual(['<li id="lists-3"', '<li id="lists-1"']);
  await page.goto(`${server.notesUrl}?q=tea`);
  await expect(page.getByRole('searchbox', { name: 'Search lists' })).toHaveValue('tea');
  expect(await rowIds(page)).toEqual([3, 1]);
});

test('typing a search replaces the rows with one request, keeps the nodes of rows that stay, and puts q in the URL @both', async ({
  page,
  startServer,
}) => {
  const server = await startServer();
  insertLists(server, ['alpha tea', 'beta tea', 'alpha coffee', 'gamma']);
  await page.goto(server.notesUrl);
  await waitForLive(page);
  const loads = recordRequestPaths(page, (path) => path === LOAD);
  const box = page.getByRole('searchbox', { name: 'Search lists' });
  await box.fill('alpha');
  await expect.poll(() => rowIds(page)).toEqual([3, 1]);
  await expect(page).toHaveURL(/\/notes\?q=alpha$/);
  await expect.poll(() => loads.length).toBe(1);
  const kept = await page.locator('#lists-1').elementHandle();

  await box.pressSequentially(' t');
  await expect.poll(() => rowIds(page)).toEqual([1]);
  expect(await kept!.evaluate((li) => li.isConnected && li.id)).toBe('lists-1');
  await expect.poll(() => loads.length).toBe(2);

  await box.fill('zzz');
  await expect(page.getByText('No lists match')).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page).toHaveURL(/\?q=zzz$/);

  await box.fill('');
  await expect.poll(() => rowIds(page)).toEqual([4, 3, 2, 1]);
  await expect(page).toHaveURL(/\/notes$/);
  await expect(page.getByText('No lists match')).toBeHidden();
});

test('searches of one or two letters find exactly the lists that contain them, in any script, and follow renames and deletes @both', async ({
  page,
  startServer,
}) => {
  const server = await startServer();
  // Created through the app, so that names are folded as the app folds them.
  for (const name of ['Été à Paris', 'ΟΔΟΣ', 'tea', 'Tax', 'zq list']) {
    expect((await server.call('create', { name })).status).toBe(200);
  }
  const html = await (await fetch(`${server.notesUrl}?q=zq`)).text();
  expect(html.match(/<li id="lists-\d+"/g)).toEqual(['<li id="lists-5"']);

  await page.goto(server.notesUrl);
  await waitForLive(page);
  const box = page.getByRole('searchbox', { name: 'Search lists' });
  for (const [term, ids] of [
    ['É', [1]],
    ['σ', [2]],
    ['ta', [4]],
    ['t', [5, 4, 3, 1]],
    ['zq', [5]],
  ] as const) {
    await box.fill(term);
    await expect.poll(() => rowIds(page), { message: term }).toEqual([...ids]);
  }
  await box.fill('qz');
  await expect(page.getByText('No lists match')).toBeVisible();

  expect((await server.call('rename', { id: 3, name: 'Taste' })).status).toBe(200);
  expect((await server.call('delete', { id: 4 })).status).toBe(200);
  await box.fill('ta');
  await expect.poll(() => rowIds(page)).toEqual([3]);
});

test('search results page and scroll like the rest', async ({ page, startServer }) => {
  const server = await startServer();
  insertLists(server, Array.from({ length: 130 }, (_, i) => (i % 2 ? `Tea ${i + 1}` : `Coffee ${i + 1}`)));
  await page.goto(`${server.notesUrl}?q=tea`);
  await waitForLive(page);
  expect((await rowIds(page)).length).toBe(50);
  await scrollUntil(page, 'bottom', async () => (await page.getByText('No more lists').count()) > 0);
  const ids = await rowIds(page);
  expect(ids).toEqual(descending(130, 1).filter((id) => id % 2 === 0));
});

test('live changes land only inside the window and the search @both', async ({ page, startServer }) => {
  const server = await startServer();
  insertLists(server, Array.from({ length: 120 }, (_, i) => `tea ${i + 1}`));
  await page.goto(`${server.notesUrl}?q=tea`);
  await waitForLive(page);
  // Older than the window (lists 1 to 70 are not loaded): not shown.
  await server.call('delete', { id: 5 });
  await server.call('restore', { id: 5 });
  // Inside it and matching: shown in place; not matching: not shown.
  const coffee = await server.createList('coffee');
  await server.call('rename', { id: 100, name: 'tea renamed' });
  await server.call('rename', { id: 90, name: 'coffee now' });
  const green = await server.createList('green tea');
  await expect(page.locator(`#lists-${green.id}`)).toBeVisible();
  await expect(page.locator('#lists-100 .list-name')).toHaveText('tea renamed');
  await expect(page.locator('#lists-90')).toHaveCount(0);
  await expect(page.locator(`#lists-${coffee.id}`)).toHaveCount(0);
  await expect(page.locator('#lists-5')).toHaveCount(0);
  await server.call('rename', { id: coffee.id, name: 'coffee with tea' });
  await expect(page.locator(`#lists-${coffee.id}`)).toBeVisible();
  expect((await rowIds(page)).slice(0, 2)).toEqual([green.id, coffee.id]);
});

test('new lists wait behind "N new lists" while the top is out of view; pressing it shows them at the top', async ({
  page,
  startServer,
}) => {
  const server = await startServer({ seed: 120 });
  await page.goto(server.notesUrl);
  await waitForLive(page);
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await expect.poll(async () => (await rowIds(page)).length).toBeGreaterThan(50);
  const before = await rowIds(page);
  const button = page.getByRole('button', { name: /new list/ });
  await server.createList('first newcomer');
  await expect(button).toHaveText('1 new list');
  await server.createList('second newcomer');
  await expect(button).toHaveText('2 new lists');
  await expect(button).toBeInViewport();
  expect((await rowIds(page)).slice(0, before.length)).toEqual(before);

  await button.click();
  await expect(button).toBeHidden();
  expect((await rowIds(page)).slice(0, 3)).toEqual([122, 121, 120]);
  await expect(page.locator('#lists-122')).toBeInViewport();

  // At the top, a new list shows at once.
  await server.createList('third newcomer');
  await expect.poll(async () => (await rowIds(page))[0]).toBe(123);
  await expect(button).toBeHidden();
});

test('far down the list, "1 new list" jumps to the newest rows and leaves the whole list newest first', async ({
  page,
  startServer,
}) => {
  test.setTimeout(60_000);
  const server = await startServer({ seed: 600 });
  await page.goto(server.notesUrl);
  await waitForLive(page);
  // Far enough down that the newest rows were dropped from the top of the window.
  await scrollUntil(page, 'bottom', async () => (await rowIds(page))[0] <= 450);
  const button = page.getByRole('button', { name: /new list/ });
  await server.createList('from another page');
  await expect(button).toHaveText('1 new list');
  await button.click();
  await expect(button).toBeHidden();
  await expect(page.locator('#lists-601')).toBeInViewport();
  // Whatever the edges load after the jump, the rows stay one run, newest first.
  const isNewestFirstRun = (ids: number[]) => ids.every((id, at) => at === 0 || id === ids[at - 1] - 1);
  await expect.poll(async () => (await rowIds(page))[0]).toBe(601);
  for (let check = 0; check < 5; check++) {
    const ids = await rowIds(page);
    expect(isNewestFirstRun(ids), `rows out of order: ${ids.join(' ')}`).toBe(true);
    expect(ids[0]).toBe(601);
    await page.waitForTimeout(300);
  }
});

test('far down the list, "1 new list" brings the newest rows back in order, the new one on top', async ({
  page,
  startServer,
}) => {
  const server = await startServer({ seed: 600 });
  await page.goto(server.notesUrl);
  await waitForLive(page);
  // Far enough down that the newest rows have left the window (it holds 200 at most).
  await scrollUntil(page, 'bottom', async () => {
    const ids = await rowIds(page);
    return ids.length > 0 && ids[0] <= 450;
  });
  const made = await server.createList('Made elsewhere');
  const button = page.getByRole('button', { name: '1 new list' });
  await expect(button).toBeVisible();
  await button.click();
  await expect(listsOf(page).locator(':scope > li').first()).toHaveId(`lists-${made.id}`);
  // Give every load the jump started time to land, then check the whole window.
  await page.waitForTimeout(1000);
  const ids = await rowIds(page);
  expect(ids[0]).toBe(made.id);
  expect(ids).toEqual([...ids].sort((a, b) => b - a));
  expect(new Set(ids).size).toBe(ids.length);
  // Scrolling down from there still meets each list once, in order.
  await scrollUntil(page, 'bottom', async () => (await rowIds(page)).at(-1)! <= 400);
  const after = await rowIds(page);
  expect(after).toEqual([...after].sort((a, b) => b - a));
});
