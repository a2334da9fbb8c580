import { test, expect, waitForLive, listsOf } from './app-server';

test('harness: a seeded server shows its rows and hydrates', async ({ page, startServer }) => {
  const server = await startServer({ seed: 3 });
  await page.goto(server.notesUrl);
  await expect(listsOf(page).locator(':scope > li')).toHaveCount(3);
  await waitForLive(page);
});
