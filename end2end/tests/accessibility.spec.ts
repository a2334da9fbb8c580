// axe-core, in a real browser, on every state of /notes: WCAG 2.2 A and AA and axe's best
// practices, in light and dark, in English, German and Arabic. A violation fails the
// build, with what axe found and where.
import type { Browser, Page } from '@playwright/test';
import { test, expect, waitForHydration, waitForLive, type AppServer } from './app-server';
import { expectNoViolations } from './axe';

const LANGUAGES = ['en', 'de-DE', 'ar'];
const SCHEMES = ['light', 'dark'] as const;

/** Opens /notes (or `path`) in every language and scheme, brings it to a state, checks it. */
async function everywhere(
  browser: Browser,
  server: AppServer,
  state: string,
  reach: (page: Page) => Promise<void>,
  path = '/notes',
) {
  for (const locale of LANGUAGES) {
    for (const colorScheme of SCHEMES) {
      const context = await browser.newContext({ locale, colorScheme });
      const page = await context.newPage();
      await page.goto(`${server.url}${path}`);
      await waitForHydration(page);
      await reach(page);
      await expectNoViolations(page, `${state}, ${locale}, ${colorScheme}`);
      await context.close();
    }
  }
}

// One test per state: each runs axe six times (three languages, two schemes), on screens
// of 50 to 150 rows, which takes most of a minute on two busy cores.
test.describe('rows and what a row can become have nothing for axe to flag', () => {
  test.describe.configure({ timeout: 120_000 });

  test('rows', async ({ browser, startServer }) => {
    const server = await startServer({ seed: 120 });
    await everywhere(browser, server, 'rows', async () => {});
  });

  test('a row being renamed', async ({ browser, startServer }) => {
    const server = await startServer({ seed: 120 });
    await everywhere(browser, server, 'renaming', async (page) => {
      await page.locator('.row-actions button').first().click();
      await expect(page.locator('.rename-form input[type=text]')).toBeFocused();
    });
  });

  test('a refused name', async ({ browser, startServer }) => {
    const server = await startServer({ seed: 120 });
    await everywhere(browser, server, 'refused name', async (page) => {
      await page.locator('#new-list-name').fill('x'.repeat(81));
      await expect(page.locator('#new-list-name')).toHaveAttribute('aria-invalid', 'true');
    });
  });

  test('a deleted row with Undo', async ({ browser, startServer }) => {
    const server = await startServer({ seed: 120 });
    await everywhere(browser, server, 'deleted, with Undo', async (page) => {
      await page.locator('ul.lists > li').first().locator('button.button-danger').click();
      await expect(page.locator('.notice button').first()).toBeFocused();
    });
  });

  test('a rename refused without JavaScript', async ({ browser, startServer }) => {
    const server = await startServer({ seed: 120 });
    // Where a rename posted without JavaScript comes back when the name was refused.
    const refused = Buffer.from(JSON.stringify({ InvalidName: { TooLong: { max: 80, actual: 81 } } }))
      .toString('base64')
      .replaceAll('+', '-')
      .replaceAll('/', '_');
    await everywhere(
      browser,
      server,
      'a rename refused without JavaScript',
      async (page) => {
        await expect(page.locator('#lists-60 .field-error')).not.toBeEmpty();
      },
      `/notes?before=61&rename=60&name=${'x'.repeat(81)}&__path=/api/lists/rename&__err=${encodeURIComponent(refused)}`,
    );
  });

  test('"N new lists"', async ({ browser, startServer }) => {
    const server = await startServer({ seed: 120 });
    await everywhere(browser, server, 'new lists', async (page) => {
      await waitForLive(page);
      await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
      await expect.poll(async () => page.locator('ul.lists > li').count()).toBeGreaterThan(50);
      await server.createList(`newcomer ${Math.random()}`);
      await expect(page.locator('button.new-lists')).toBeVisible();
    });
  });
});

test('empty, no match and a failed load have nothing for axe to flag', async ({ browser, startServer }) => {
  test.setTimeout(120_000);
  const empty = await startServer({ seed: 0 });
  await everywhere(browser, empty, 'empty', async (page) => {
    await expect(page.locator('.empty-state').first()).toBeVisible();
  });
  const some = await startServer({ seed: 5 });
  await everywhere(
    browser,
    some,
    'no match',
    async (page) => {
      await expect(page.locator('.empty-state').nth(1)).toBeVisible();
    },
    '/notes?q=zzzzzz',
  );
  const failing = await startServer({ seed: 5, failureRate: 1 });
  await everywhere(browser, failing, 'load error', async (page) => {
    await expect(page.locator('.load-error')).toBeVisible();
  });
});

test('changes waiting offline, and the choice after a rename of a list deleted elsewhere, have nothing for axe to flag', async ({
  browser,
  startServer,
}) => {
  test.setTimeout(120_000);
  const server = await startServer({ seed: 20 });
  /** Waits until the outbox has started (it registers the service worker), then cuts the network. */
  const offline = async (page: Page) => {
    await waitForLive(page);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await page.context().setOffline(true);
  };
  await everywhere(browser, server, 'changes waiting offline', async (page) => {
    await offline(page);
    const input = page.getByRole('textbox').first();
    await input.fill('Made offline');
    await input.press('Enter');
    const row = page.locator('#lists-20');
    await row.locator('.row-actions button').first().click();
    await row.getByRole('textbox').fill('Renamed offline');
    await row.getByRole('textbox').press('Enter');
    await expect(page.locator('.waiting-mark:visible')).toHaveCount(2);
    await expect(page.locator('.live-indicator')).toHaveAttribute('data-state', 'offline');
  });
  // Each language and scheme renames, and loses to a delete of, a list of its own.
  let id = 20;
  await everywhere(browser, server, 'a rename of a list deleted elsewhere', async (page) => {
    await offline(page);
    const row = page.locator(`#lists-${id}`);
    await row.locator('.row-actions button').first().click();
    await row.getByRole('textbox').fill('Renamed offline');
    await row.getByRole('textbox').press('Enter');
    expect((await server.call('delete', { id })).status).toBe(200);
    id -= 1;
    await page.context().setOffline(false);
    await expect(page.getByRole('alert').getByRole('button')).toHaveCount(2);
  });
});
