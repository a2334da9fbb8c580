// Two server instances on one PostgreSQL database, behind nginx: every change made
// through one reaches screens on the other, and when the instance a screen is connected
// to dies, the screen carries on through the other with nothing lost or doubled.
// Runs with ASYNC_STREAMER_DATABASE=postgres (scripts/test.sh does).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, waitForLive, listsOf, ON_POSTGRES } from './app-server';

test.skip(!ON_POSTGRES, 'needs PostgreSQL (ASYNC_STREAMER_DATABASE=postgres)');

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** nginx in front of `primary`, with `backup` taking over when it is down. */
async function startNginx(primary: string, backup: string): Promise<{ url: string; stop: () => void }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'async-streamer-nginx-'));
  const port = await freePort();
  const host = (url: string) => new URL(url).host;
  // The repository's example configuration (scripts/nginx.conf), filled in: the
  // primary first, the backup taking over when it is down.
  const template = readFileSync(path.join(__dirname, '..', '..', 'scripts', 'nginx.conf'), 'utf8');
  writeFileSync(
    path.join(dir, 'nginx.conf'),
    template
      .replaceAll('@PREFIX@', dir)
      .replace('@LISTEN@', `127.0.0.1:${port}`)
      .replace(
        '@UPSTREAMS@',
        `    server ${host(primary)} max_fails=1 fail_timeout=30s;\n    server ${host(backup)} backup;`,
      ),
  );
  const nginx: ChildProcess = spawn('nginx', ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-g', 'daemon off;'], {
    stdio: 'ignore',
  });
  for (let attempt = 0; attempt < 50; attempt++) {
    const ok = await fetch(`http://127.0.0.1:${port}/notes`).then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => {
      nginx.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const rowIds = (page: Page) =>
  listsOf(page)
    .locator(':scope > li')
    .evaluateAll((items) => items.map((li) => li.id));

test('two instances behind nginx: changes cross over, and a page outlives its stopped instance', async ({
  browser,
  startServer,
}) => {
  test.setTimeout(90_000);
  const a = await startServer({ seed: 3, allowedHosts: '127.0.0.1' });
  const b = await startServer({ databaseUrl: a.databaseUrl, allowedHosts: '127.0.0.1' });
  const proxy = await startNginx(a.url, b.url);
  try {
    const first = await (await browser.newContext()).newPage();
    await first.goto(`${proxy.url}/notes`);
    await waitForLive(first);
    const second = await (await browser.newContext()).newPage();
    await second.goto(b.notesUrl);
    await waitForLive(second);

    // Through A (the proxy's primary) to a screen on B, and back.
    await first.getByLabel('List name').fill('made through a');
    await first.getByLabel('List name').press('Enter');
    await expect(second.locator('#lists-4 .list-name')).toHaveText('made through a');
    await second.getByLabel('List name').fill('made through b');
    await second.getByLabel('List name').press('Enter');
    await expect(first.locator('#lists-5 .list-name')).toHaveText('made through b');

    // The proxy's health check passes through to an instance.
    const ready = await fetch(`${proxy.url}/readyz`);
    expect([ready.status, await ready.text()]).toEqual([200, 'ready\n']);
    // The status screen is for the servers' own machine: through the proxy (which says
    // whom it forwards for) it is refused, though nginx itself connects from loopback.
    expect((await fetch(`${proxy.url}/status`)).status).toBe(403);
    expect((await fetch(`${b.url}/status`)).status).toBe(200);

    // A is stopped (SIGTERM, as an orchestrator does): it stops accepting, tells its
    // event streams when to come back, and ends them. The first screen's feed reconnects
    // through nginx, now to B, and resumes after the last event it had.
    await a.stop();
    for (const name of ['while a was down 1', 'while a was down 2']) {
      await second.getByLabel('List name').fill(name);
      await second.getByLabel('List name').press('Enter');
      await expect(second.getByText(name)).toBeVisible();
    }
    await second.getByRole('button', { name: 'Delete made through a', exact: true }).click();
    await expect(first.locator('#lists-7 .list-name')).toHaveText('while a was down 2', { timeout: 20_000 });
    await expect(first.locator('#lists-4')).toHaveCount(0);
    const expected = a
      .sql('SELECT id FROM lists WHERE NOT is_deleted ORDER BY id DESC')
      .split('\n')
      .map((id) => `lists-${id}`);
    expect(await rowIds(first)).toEqual(expected);
    expect(await rowIds(second)).toEqual(expected);

    // And the first screen can still change things, through B.
    await first.getByLabel('List name').fill('after the failover');
    await first.getByLabel('List name').press('Enter');
    await expect(second.getByText('after the failover')).toBeVisible();
    expect(a.sql("SELECT count(*) FROM lists WHERE name = 'after the failover'")).toBe('1');
  } finally {
    proxy.stop();
  }
});
