import { defineConfig } from '@playwright/test';
import base from './playwright.config';

// Benchmarks: the browser set-up of the tests, one at a time, with room to run long.
//   npx playwright test --config bench.config.ts
export default defineConfig({
  ...base,
  testDir: './bench',
  testMatch: '**/*.bench.ts',
  fullyParallel: false,
  workers: 1,
  timeout: 300_000,
});
