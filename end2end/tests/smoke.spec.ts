// The shortest path through the app: it loads, hydrates, and every kind of change works.
// `scripts/test.sh` also runs this against a plain `cargo leptos build` (no flags).
import { test, expect, waitForLive, listsOf } from './app-server';

test('a seeded server shows its rows and hydrates @both', async ({ page, startServer }) => {
  const server = await startServer({ seed: 3 });
  await page.goto(server.notesUrl);
  await expect(listsOf(page).locator(':scope > li')).toHaveCount(3);
  await waitForLive(page);
});

test('create, rename, delete and undo work @both', async ({ page, startServer }) => {
  const server = await startServer({ seed: 1 });
  await page.goto(server.notesUrl);
  await waitForLive(page);
  await page.getByLabel('List name').fill('Smoke');
  await page.getByLabel('List name').press('Enter');
  await expect(page.locator('#lists-2 .list-name')).toHaveText('Smoke');

  await page.getByRole('button', { name: 'Rename Smoke', exact: true }).click();
  await page.getByRole('textbox', { name: 'New name' }).fill('Smoke renamed');
  await page.getByRole('textbox', { name: 'New name' }).press('Enter');
  await expect(page.locator('#lists-2 .list-name')).toHaveText('Smoke renamed');

  await page.getByRole('button', { name: 'Delete Smoke renamed', exact: true }).click();
  await expect(page.locator('#lists-2')).toHaveCount(0);
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(page.locator('#lists-2 .list-name')).toHaveText('Smoke renamed');
  await expect.poll(() => server.sql('SELECT name, CASE WHEN is_deleted THEN 1 ELSE 0 END FROM lists WHERE id = 2')).toBe('Smoke renamed|0');
});
