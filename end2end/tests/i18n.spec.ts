// The screen in English, German and Arabic: chosen per request (cookie, else
// Accept-Language, else English), in the first bytes, and switchable with or without
// JavaScript.
import type { Browser, Page } from '@playwright/test';
import { test, expect, rowIds, waitForHydration, waitForLive, watchShown, type AppServer } from './app-server';

/** Reads the response up to the end of its first flush (the skeleton, before the rows). */
async function firstBytes(url: string, headers: Record<string, string>): Promise<string> {
  const response = await fetch(url, { headers });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let first = '';
  while (!first.includes('</body>')) {
    const { value, done } = await reader.read();
    if (done) break;
    first += decoder.decode(value, { stream: true });
  }
  await reader.cancel();
  return first;
}

/** Collects what the console says about hydration (Leptos warns there on a mismatch). */
function hydrationWarnings(page: Page): string[] {
  const said: string[] = [];
  page.on('console', (message) => {
    if (/hydrat/i.test(message.text()) && message.type() !== 'debug') said.push(message.text());
  });
  page.on('pageerror', (error) => said.push(String(error)));
  return said;
}

type Language = {
  locale: string;
  lang: string;
  dir: 'ltr' | 'rtl';
  lists: string;
  loading: string;
  add: string;
  loadError: string;
  retry: string;
  empty: string;
  noMatch: string;
  /** The "N new lists" button for 1, 2, 3, 11 and 100 new lists (German: and 1,000). */
  newLists: [number, string][];
  /** The status while the connection is gone and N changes wait to be sent. */
  waiting: [number, string][];
};

const GERMAN: Language = {
  locale: 'de-DE',
  lang: 'de',
  dir: 'ltr',
  lists: 'Listen',
  loading: 'Listen werden geladen',
  add: 'Liste hinzufügen',
  loadError: 'Fehler beim Laden der Daten',
  retry: 'Erneut versuchen',
  empty: 'Noch keine Listen',
  noMatch: 'Keine passenden Listen',
  newLists: [
    [1, '1 neue Liste'],
    [2, '2 neue Listen'],
    [3, '3 neue Listen'],
    [11, '11 neue Listen'],
    [100, '100 neue Listen'],
    // Numbers are written the German way, through the browser's Intl.
    [1000, '1.000 neue Listen'],
  ],
  waiting: [
    [1, 'Offline · 1 Änderung wartet'],
    [2, 'Offline · 2 Änderungen warten'],
  ],
};

// Arabic has six plural forms; five of them show here (zero never does: no button).
const ARABIC: Language = {
  locale: 'ar',
  lang: 'ar',
  dir: 'rtl',
  lists: 'القوائم',
  loading: 'جارٍ تحميل القوائم',
  add: 'إضافة قائمة',
  loadError: 'خطأ في جلب البيانات',
  retry: 'إعادة المحاولة',
  empty: 'لا توجد قوائم بعد',
  noMatch: 'لا توجد قوائم مطابقة',
  newLists: [
    [1, 'قائمة جديدة واحدة'],
    [2, 'قائمتان جديدتان'],
    [3, '3 قوائم جديدة'],
    [11, '11 قائمة جديدة'],
    [100, '100 قائمة جديدة'],
  ],
  waiting: [
    [1, 'غير متصل · تغيير واحد بانتظار الحفظ'],
    [2, 'غير متصل · تغييران بانتظار الحفظ'],
    [3, 'غير متصل · 3 تغييرات بانتظار الحفظ'],
    [11, 'غير متصل · 11 تغييرًا بانتظار الحفظ'],
  ],
};

async function pageIn(browser: Browser, language: Language, javaScriptEnabled = true): Promise<Page> {
  const context = await browser.newContext({ locale: language.locale, javaScriptEnabled });
  return context.newPage();
}

for (const language of [GERMAN, ARABIC]) {
  test.describe(`in ${language.lang}`, () => {
    test('the first bytes are already in the language, skeleton included, with lang and dir', async ({
      startServer,
    }) => {
      const server = await startServer({ seed: 2, latencyMs: 1500 });
      const first = await firstBytes(server.notesUrl, { 'accept-language': `${language.locale},en;q=0.5` });
      expect(first).toContain(`<html lang="${language.lang}" dir="${language.dir}"`);
      expect(first).toContain(`aria-label="${language.loading}"`);
      expect(first).toContain(`<h1 id="lists-heading">${language.lists}</h1>`);
      expect(first).toContain(language.add);
      expect(first).not.toContain('Loading lists');
      expect(first).not.toContain('Add list');
      // The rows are not there yet: this is the skeleton flush.
      expect(first).not.toMatch(/id="lists-\d+"/);
    });

    test('changes waiting while offline are counted in the language, with its plural forms', async ({
      browser,
      startServer,
    }) => {
      const server = await startServer({ seed: 1 });
      const page = await pageIn(browser, language);
      await page.goto(server.notesUrl);
      await waitForLive(page);
      // The outbox's code has come (it registers the service worker when it starts).
      await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
      await page.context().setOffline(true);
      const input = page.getByRole('textbox').first();
      let made = 0;
      for (const [count, text] of language.waiting) {
        while (made < count) {
          made += 1;
          await input.fill(`Liste ${made}`);
          await input.press('Enter');
        }
        await expect(page.locator('.live-indicator')).toHaveText(text);
      }
      expect(server.sql('SELECT count(*) FROM lists')).toBe('1');
      await page.context().close();
    });

    test('skeleton, rows and the empty and no-match states are translated, with no hydration warning', async ({
      browser,
      startServer,
    }) => {
      // The skeleton shows while the load waits.
      const server = await startServer({ latencyMs: 800 });
      const page = await pageIn(browser, language);
      const warnings = hydrationWarnings(page);
      const skeleton = await watchShown(page, `ul[aria-label="${language.loading}"]`, { from: 'next page' });
      await page.goto(server.notesUrl);
      await skeleton();
      await expect(page.locator('html')).toHaveAttribute('lang', language.lang);
      await expect(page.locator('html')).toHaveAttribute('dir', language.dir);
      await expect(page.getByText(language.empty)).toBeVisible();
      await waitForLive(page);

      await server.createList('Liste eins');
      const rows = page.getByRole('list', { name: language.lists, exact: true });
      await expect(rows.locator(':scope > li')).toHaveCount(1);
      // List names are the person's words: never translated.
      await expect(rows).toContainText('Liste eins');

      await page.goto(`${server.notesUrl}?q=zzzz`);
      await expect(page.getByText(language.noMatch)).toBeVisible();
      await waitForHydration(page);
      expect(warnings).toEqual([]);
      await page.context().close();
    });

    test('a failed load says so in the language, and Retry is translated', async ({ browser, startServer }) => {
      const server = await startServer({ seed: 2, failureRate: 1 });
      const page = await pageIn(browser, language);
      await page.goto(server.notesUrl);
      const alert = page.getByRole('alert');
      await expect(alert).toContainText(language.loadError);
      await waitForHydration(page);
      await alert.getByRole('button', { name: language.retry }).click();
      await expect(page.getByRole('alert')).toContainText(language.loadError);
      await page.context().close();
    });

    test('"N new lists" follows the language\'s plural rules for 1, 2, 3, 11 and 100', async ({
      browser,
      startServer,
    }) => {
      const server = await startServer({ seed: 120 });
      const page = await pageIn(browser, language);
      await page.goto(server.notesUrl);
      await waitForLive(page);
      await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
      await expect.poll(async () => (await rowIds(page)).length).toBeGreaterThan(50);
      const button = page.locator('button.new-lists');
      let created = 0;
      for (const [count, text] of language.newLists) {
        while (created < count) {
          await server.createList(`newcomer ${++created}`);
        }
        await expect(button).toHaveText(text);
      }
      await page.context().close();
    });
  });
}

test('a cookie beats Accept-Language, and an unknown language falls back to English', async ({ server }) => {
  const german = await firstBytes(server.notesUrl, { 'accept-language': 'de-DE', cookie: 'lang=ar' });
  expect(german).toContain('<html lang="ar" dir="rtl"');
  const weighted = await firstBytes(server.notesUrl, { 'accept-language': 'fr;q=1, ar;q=0.4, de;q=0.8' });
  expect(weighted).toContain('<html lang="de" dir="ltr"');
  const unknown = await firstBytes(server.notesUrl, { 'accept-language': 'fr-FR, ja' });
  expect(unknown).toContain('<html lang="en" dir="ltr"');
  expect(unknown).toContain('Add list');
});

test('without JavaScript the switch is links that set the cookie and come back to the same page', async ({
  browser,
  startServer,
}) => {
  const server = await startServer({ seed: 3 });
  const page = await pageIn(browser, { ...GERMAN, locale: 'en-US' }, false);
  await page.goto(`${server.notesUrl}?q=e`);
  const switcher = page.getByRole('navigation', { name: 'Language' });
  // Each language by its own name, the default first.
  await expect(switcher.getByRole('link')).toHaveText(['English', 'العربية', 'Deutsch']);
  await expect(switcher.getByRole('link', { name: 'English' })).toHaveAttribute('aria-current', 'true');

  await switcher.getByRole('link', { name: 'Deutsch' }).click();
  await expect(page).toHaveURL(`${server.notesUrl}?q=e`);
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');
  await expect(page.getByRole('heading', { name: 'Listen' })).toBeVisible();
  const cookies = await page.context().cookies();
  expect(cookies.find((cookie) => cookie.name === 'lang')?.value).toBe('de');

  await page.getByRole('navigation', { name: 'Sprache' }).getByRole('link', { name: 'العربية' }).click();
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(page.getByRole('heading', { name: 'القوائم' })).toBeVisible();
  await page.context().close();
});

test('with JavaScript the switch changes the words in place, keeping the rows and the live feed', async ({
  page,
  startServer,
}) => {
  const server: AppServer = await startServer({ seed: 3 });
  const warnings = hydrationWarnings(page);
  await page.goto(server.notesUrl);
  await waitForLive(page);
  await page.evaluate(() => {
    (window as any).__sameDocument = true;
    (document.querySelector('ul.lists > li') as any).__kept = true;
  });
  const requests: string[] = [];
  page.on('request', (request) => requests.push(new URL(request.url()).pathname));

  await page.getByRole('navigation', { name: 'Language' }).getByRole('link', { name: 'Deutsch' }).click();
  await expect(page.getByRole('heading', { name: 'Listen' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');
  await expect(page).toHaveTitle('Listen · async_streamer');
  await expect(page.getByRole('button', { name: 'Liste hinzufügen' })).toBeVisible();
  expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
  expect(await page.evaluate(() => (document.querySelector('ul.lists > li') as any).__kept)).toBe(true);
  expect(requests.filter((path) => path === '/notes' || path.startsWith('/api/'))).toEqual([]);

  // The feed is still connected: another client's list arrives.
  await server.createList('von woanders');
  await expect(page.getByRole('list', { name: 'Listen', exact: true })).toContainText('von woanders');

  await page.getByRole('navigation', { name: 'Sprache' }).getByRole('link', { name: 'العربية' }).click();
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(page.getByRole('list', { name: 'القوائم', exact: true }).locator(':scope > li')).toHaveCount(4);

  // The choice is remembered: the next visit is rendered in Arabic by the server.
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('lang', 'ar');
  await waitForHydration(page);
  expect(warnings).toEqual([]);
});

test('German holds in a narrow window, and Arabic mirrors the layout', async ({ browser, startServer }) => {
  const server = await startServer({ seed: 3 });
  const german = await browser.newContext({ locale: 'de-DE', viewport: { width: 360, height: 740 } });
  const page = await german.newPage();
  await page.goto(server.notesUrl);
  await waitForHydration(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBe(0);
  await german.close();

  const arabic = await browser.newContext({ locale: 'ar', viewport: { width: 900, height: 740 } });
  const rtl = await arabic.newPage();
  await rtl.goto(server.notesUrl);
  const heading = await rtl.getByRole('heading', { name: 'القوائم' }).boundingBox();
  const switcher = await rtl.getByRole('navigation', { name: 'اللغة' }).boundingBox();
  // Right to left: the heading starts on the right, the switch sits to its left.
  expect(heading!.x + heading!.width).toBeGreaterThan(switcher!.x + switcher!.width);
  const input = rtl.getByLabel('اسم القائمة');
  expect(await input.evaluate((el) => getComputedStyle(el).direction)).toBe('rtl');
  await arabic.close();
});

test('long names are whole and wrap at 320 px in every language, with no sideways scrolling', async ({
  browser,
  startServer,
}) => {
  const server = await startServer({ seed: 2 });
  const unbroken = 'Einkaufslistefürdasgroßewochenendemitallenfreundenundnachbarnausderstraße'.slice(0, 80);
  const spaced = 'Groceries for the long weekend with friends, neighbours and everyone else';
  await server.createList(unbroken);
  await server.createList(spaced);
  for (const locale of ['en', 'de-DE', 'ar']) {
    const context = await browser.newContext({ locale, viewport: { width: 320, height: 640 } });
    const page = await context.newPage();
    await page.goto(server.notesUrl);
    await waitForHydration(page);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow, locale).toBe(0);
    for (const name of [unbroken, spaced]) {
      const shown = page.locator('.list-name', { hasText: name });
      await expect(shown, locale).toHaveText(name);
      // Whole: nothing of it is clipped, and it lies inside the viewport.
      expect(await shown.evaluate((el) => el.scrollWidth <= el.clientWidth), locale).toBe(true);
      const box = (await shown.boundingBox())!;
      expect(box.x, locale).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width, locale).toBeLessThanOrEqual(320);
    }
    await context.close();
  }
});

// The browser picks plural forms with its own Intl.PluralRules and the server with ICU4X
// (app/src/language/plural.rs): both are held to CLDR's table for these counts, the one
// the server's unit test (`AGREED`) checks too.
test("the browser's plural forms are CLDR's, as the server's are", async ({ page, server }) => {
  const agreed: Record<string, [number, string][]> = {
    en: [[0, 'other'], [1, 'one'], [2, 'other'], [3, 'other'], [11, 'other'], [100, 'other'], [1000, 'other']],
    de: [[0, 'other'], [1, 'one'], [2, 'other'], [3, 'other'], [11, 'other'], [100, 'other'], [1000, 'other']],
    ar: [[0, 'zero'], [1, 'one'], [2, 'two'], [3, 'few'], [11, 'many'], [100, 'other'], [1000, 'other']],
  };
  await page.goto(server.notesUrl);
  const picked = await page.evaluate(
    (agreed) =>
      Object.fromEntries(
        Object.entries(agreed).map(([language, table]) => {
          const rules = new Intl.PluralRules(language);
          return [language, table.map(([count]) => [count, rules.select(count)])];
        }),
      ),
    agreed,
  );
  expect(picked).toEqual(agreed);
});
