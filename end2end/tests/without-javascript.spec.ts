// Every action works without JavaScript (rename, delete and Undo are forms that lead
// back to the same window), the same controls act in place with it, and the address bar
// keeps the window scrolled to, so a reload, Back and Forward open the same rows.
import type { Browser, Page } from '@playwright/test';
import { test, expect, waitForLive, rowIds, type AppServer } from './app-server';

const descending = (from: number, to: number) => Array.from({ length: from - to + 1 }, (_, i) => from - i);

async function withoutJavaScript(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled: false });
  return context.newPage();
}

const nameOf = (server: AppServer, id: number) => server.sql(`SELECT name FROM lists WHERE id = ${id}`);

/** The id of the first row whose bottom is below the top of the viewport. */
const topRowInView = (page: Page) =>
  page.evaluate(() => {
    const li = [...document.querySelectorAll('ul.lists > li')].find((li) => li.getBoundingClientRect().bottom > 0);
    return li ? Number(li.id.replace('lists-', '')) : null;
  });

test('without JavaScript, Rename on the second page saves and comes back to that window', async ({ browser, startServer }) => {
  const server = await startServer({ seed: 120 });
  const page = await withoutJavaScript(browser);
  await page.goto(`${server.notesUrl}?before=71`);
  const name = nameOf(server, 50);
  await page.getByRole('button', { name: `Rename ${name}`, exact: true }).click();
  await expect(page).toHaveURL(/\/notes\?rename=50&before=71$/);
  const box = page.locator('#lists-50').getByRole('textbox', { name: 'New name' });
  await expect(box).toHaveValue(name);
  await expect(box).toBeFocused();
  await box.fill('Renamed without script');
  await page.locator('#lists-50').getByRole('button', { name: 'Save' }).click();
  await expect(page).toHaveURL(/\/notes\?before=71#lists-50$/);
  await expect(page.locator('#lists-50 .list-name')).toHaveText('Renamed without script');
  expect(await rowIds(page)).toEqual(descending(70, 21));
  expect(nameOf(server, 50)).toBe('Renamed without script');
  await page.context().close();
});

test('without JavaScript, Delete says "List deleted" with an Undo that puts the list back', async ({ browser, startServer }) => {
  const server = await startServer({ seed: 120 });
  const page = await withoutJavaScript(browser);
  await page.goto(`${server.notesUrl}?before=71`);
  await page.locator('#lists-40').getByRole('button', { name: /^Delete/ }).click();
  await expect(page).toHaveURL(/\/notes\?before=71&deleted=40$/);
  await expect(page.locator('#lists-40')).toHaveCount(0);
  expect(server.sql('SELECT CASE WHEN is_deleted THEN 1 ELSE 0 END FROM lists WHERE id = 40')).toBe('1');
  const status = page.getByRole('status').filter({ hasText: 'List deleted' });
  await expect(status).toBeVisible();
  await status.getByRole('button', { name: 'Undo' }).click();
  await expect(page).toHaveURL(/\/notes\?before=71#lists-40$/);
  expect(await rowIds(page)).toEqual(descending(70, 21));
  await expect(page.getByText('List deleted')).toHaveCount(0);
  expect(server.sql('SELECT CASE WHEN is_deleted THEN 1 ELSE 0 END FROM lists WHERE id = 40')).toBe('0');
  await page.context().close();
});

test('without JavaScript, a refused name comes back typed as it was, with the reason, and changes nothing', async ({
  browser,
  startServer,
}) => {
  const server = await startServer({ seed: 60 });
  const page = await withoutJavaScript(browser);
  await page.goto(`${server.notesUrl}?before=51`);
  const name = nameOf(server, 30);
  await page.getByRole('button', { name: `Rename ${name}`, exact: true }).click();
  const typed = 'n'.repeat(81);
  await page.getByRole('textbox', { name: 'New name' }).fill(typed);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('A list name can be at most 80 characters; this one has 81.')).toBeVisible();
  const box = page.locator('#lists-30').getByRole('textbox', { name: 'New name' });
  await expect(box).toHaveValue(typed);
  await expect(box).toHaveAttribute('aria-invalid', 'true');
  expect(nameOf(server, 30)).toBe(name);
  await page.getByRole('link', { name: 'Cancel' }).click();
  await expect(page).toHaveURL(/\/notes\?before=51#lists-30$/);
  await expect(page.locator('#lists-30 .list-name')).toHaveText(name);
  await page.context().close();
});

test('with JavaScript the same forms act in place: no page load, one row', async ({ page, startServer }) => {
  const server = await startServer({ seed: 5 });
  await page.goto(server.notesUrl);
  await waitForLive(page);
  await page.evaluate(() => ((window as any).__samePage = true));
  const row = page.locator('#lists-4');
  await row.getByRole('button', { name: /^Rename/ }).click();
  await row.getByRole('textbox', { name: 'New name' }).fill('In place');
  await row.getByRole('button', { name: 'Save' }).click();
  await expect(row.locator('.list-name')).toHaveText('In place');
  await page.locator('#lists-3').getByRole('button', { name: /^Delete/ }).click();
  await expect(page.locator('#lists-3')).toHaveCount(0);
  await page.getByRole('status').getByRole('button', { name: 'Undo' }).click();
  await expect(page.locator('#lists-3')).toHaveCount(1);
  await expect.poll(() => server.sql('SELECT CASE WHEN is_deleted THEN 1 ELSE 0 END FROM lists WHERE id = 3')).toBe('0');
  expect(nameOf(server, 4)).toBe('In place');
  expect(await page.evaluate(() => (window as any).__samePage)).toBe(true);
  expect(page.url()).toBe(server.notesUrl);
});

test('the address bar follows the scrolled window: a reload and Back open the same rows at the same row', async ({
  page,
  startServer,
}) => {
  const server = await startServer({ seed: 520 });
  await page.goto(server.notesUrl);
  await waitForLive(page);
  // Scroll down through several pages, then a little back up.
  for (let step = 0; step < 12; step++) {
    await page.mouse.wheel(0, 1500);
    await page.waitForTimeout(150);
  }
  await page.mouse.wheel(0, -700);
  await expect.poll(() => page.url()).toMatch(/\/notes\?before=\d+#lists-\d+$/);
  await page.waitForTimeout(400);
  const top = await topRowInView(page);
  const url = page.url();
  const [, before, anchor] = url.match(/before=(\d+)#lists-(\d+)$/)!.map(Number);
  expect(anchor).toBe(top);
  expect(before).toBeGreaterThan(anchor);
  expect(top).toBeLessThan(470);

  await page.reload();
  await waitForLive(page);
  // The screen scrolls to the row once hydrated, and keeps it in place as the newer page
  // above it lands (a frame later): poll, as for Back below.
  await expect.poll(() => topRowInView(page)).toBe(top);
  expect((await rowIds(page)).includes(top!)).toBe(true);

  await page.goto(`${server.notesUrl}?q=zzz`);
  await page.goBack();
  await waitForLive(page);
  expect(page.url()).toBe(url);
  await expect.poll(() => topRowInView(page)).toBe(top);
  await page.goForward();
  await expect(page).toHaveURL(/\/notes\?q=zzz$/);
  await page.goBack();
  await waitForLive(page);
  await expect.poll(() => topRowInView(page)).toBe(top);

  // Back at the top, the newest rows keep the plain address.
  for (let step = 0; step < 40 && page.url() !== server.notesUrl; step++) {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForTimeout(250);
  }
  expect(page.url()).toBe(server.notesUrl);
  expect((await rowIds(page))[0]).toBe(520);
});
