// What Chromium really downloads of the front end before the page has hydrated: the
// encoded (brotli, as served) bytes of every script and wasm file, from the browser's
// own resource timings. Usage: node chromium-size.mjs URL
import { chromium } from '@playwright/test';

const url = process.argv[2];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
const page = await browser.newPage();
await page.addInitScript(() => {
  new MutationObserver(() => {
    if (window.__hydratedAt === undefined && document.querySelector('main[data-hydrated="true"]')) {
      window.__hydratedAt = performance.now();
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-hydrated'] });
});
await page.goto(url);
await page.locator('main[data-hydrated="true"]').waitFor({ state: 'attached' });
await page.waitForLoadState('networkidle');
const files = await page.evaluate(() =>
  performance
    .getEntriesByType('resource')
    .filter((entry) => /\.(wasm|js)$/.test(new URL(entry.name).pathname))
    .map((entry) => ({
      path: new URL(entry.name).pathname.replace(/\.[\w-]{22}\./, '.'),
      bytes: entry.encodedBodySize,
      beforeHydrating: entry.startTime < window.__hydratedAt,
    })),
);
const before = files.filter((file) => file.beforeHydrating).reduce((sum, file) => sum + file.bytes, 0);
const after = files.filter((file) => !file.beforeHydrating).reduce((sum, file) => sum + file.bytes, 0);
for (const file of files) console.log(`${file.beforeHydrating ? 'before' : 'after '} ${file.bytes} ${file.path}`);
console.log(`before hydrating: ${before} B; after, until the network is idle: ${after} B`);
await browser.close();
