// A real async-streamer process per test: its own temp SQLite file, its own port.
import { test as base, expect, type Page } from '@playwright/test';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * The server under test: `ASYNC_STREAMER_BIN`, else the newest of the release and debug
 * builds (`scripts/build.sh` builds release; `cargo leptos end-to-end` builds debug).
 */
export const BINARY =
  process.env.ASYNC_STREAMER_BIN ??
  ['release', 'debug']
    .map((profile) => path.join(ROOT, 'target', profile, 'async-streamer'))
    .filter((binary) => existsSync(binary))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0] ??
  path.join(ROOT, 'target', 'release', 'async-streamer');

/** Whether the front end was built with its request code split out (`scripts/build.sh`). */
export const SPLIT_BUILD = (() => {
  const hashes = path.join(path.dirname(BINARY), 'hash.txt');
  return existsSync(hashes) && /^split:/m.test(readFileSync(hashes, 'utf8'));
})();

export type ServerOptions = {
  /** SIMULATED_LATENCY_MS */
  latencyMs?: number;
  /** SIMULATED_FAILURE_RATE */
  failureRate?: number;
  /** Lists to seed with fake names before starting. */
  seed?: number;
  /** CHANGE_LOG_RETENTION_SECS */
  retentionSecs?: number;
  /** ALLOWED_HOSTS: names the server answers to besides its own address (a proxy's). */
  allowedHosts?: string;
  /** Another server's database, to run a second instance on it. */
  databaseUrl?: string;
};

export type List = { id: number; name: string };

/**
 * The database the tests run on: SQLite files by default; with
 * `ASYNC_STREAMER_DATABASE=postgres`, a fresh database per server in the throwaway
 * cluster `POSTGRES_URL` names (`scripts/test.sh` runs the `@both` tests that way too).
 */
export const ON_POSTGRES = process.env.ASYNC_STREAMER_DATABASE === 'postgres';

export class AppServer {
  private child: ChildProcess | undefined;
  private port = 0;
  readonly dir: string;
  readonly dbPath: string;
  readonly databaseUrl: string;

  private constructor(private readonly options: ServerOptions) {
    this.dir = mkdtempSync(path.join(tmpdir(), 'async-streamer-e2e-'));
    this.dbPath = path.join(this.dir, 'lists.db');
    if (options.databaseUrl) {
      this.databaseUrl = options.databaseUrl;
    } else if (ON_POSTGRES) {
      const admin = process.env.POSTGRES_URL;
      if (!admin) throw new Error('ASYNC_STREAMER_DATABASE=postgres needs POSTGRES_URL');
      const name = `e2e_${path.basename(this.dir).replace(/\W/g, '_').toLowerCase()}`;
      this.databaseUrl = `${admin.slice(0, admin.lastIndexOf('/'))}/${name}`;
    } else {
      this.databaseUrl = `sqlite://${this.dbPath}`;
    }
  }

  static async start(options: ServerOptions = {}): Promise<AppServer> {
    const server = new AppServer(options);
    if (options.seed) {
      execFileSync(BINARY, ['seed', '--count', String(options.seed)], { cwd: ROOT, env: server.env() });
    }
    await server.launch();
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get notesUrl(): string {
    return `${this.url}/notes`;
  }

  private env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      DATABASE_URL: this.databaseUrl,
      LEPTOS_SITE_ADDR: `127.0.0.1:${this.port}`,
      LEPTOS_SITE_ROOT: process.env.ASYNC_STREAMER_SITE_ROOT ?? path.join(ROOT, 'target', 'site'),
      SIMULATED_LATENCY_MS: String(this.options.latencyMs ?? 0),
      SIMULATED_FAILURE_RATE: String(this.options.failureRate ?? 0),
      CHANGE_LOG_RETENTION_SECS: String(this.options.retentionSecs ?? 7 * 24 * 3600),
      ALLOWED_HOSTS: this.options.allowedHosts ?? '',
      RUST_LOG: 'info',
      NO_COLOR: '1',
    };
  }

  /** Starts the binary and waits until it says where it listens. */
  private async launch(): Promise<void> {
    const child = spawn(BINARY, ['serve'], { cwd: ROOT, env: this.env(), stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let output = '';
    this.port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 15_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = output.replace(/\x1b\[[0-9;]*m/g, '').match(/listening on http:\/\/127\.0\.0\.1:(\d+)/);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`server exited with ${code}:\n${output}`));
      });
    });
  }

  /** Kills the process at once (SIGKILL), as a crash would, and waits for it to go. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  /** Stops the process gracefully (SIGTERM) and waits for it to exit. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }

  /** Stops and starts again on the same port and database. */
  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Calls a list server function the way a raw HTTP client would. */
  async call(endpoint: 'create' | 'rename' | 'delete' | 'restore', form: Record<string, string | number>) {
    const body = new URLSearchParams(Object.entries(form).map(([k, v]) => [k, String(v)]));
    return fetch(`${this.url}/api/lists/${endpoint}`, { method: 'POST', body });
  }

  /** Creates a list through the API (as another client would) and returns it. */
  async createList(name: string): Promise<List> {
    const response = await this.call('create', { name });
    expect(response.status).toBe(200);
    return (await response.json()).list;
  }

  /**
   * Runs SQL against the test's database, with the sqlite3 CLI or psql; both print rows
   * as `a|b`. Tests that run on both databases keep to SQL both understand.
   */
  sql(query: string): string {
    if (ON_POSTGRES) {
      return execFileSync('psql', ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', this.databaseUrl, '-c', query])
        .toString()
        .trim();
    }
    // Waits for the server's own writes rather than failing with "database is locked".
    return execFileSync('sqlite3', ['-cmd', '.timeout 5000', this.dbPath, query]).toString().trim();
  }
}

type Fixtures = {
  /** Starts a server with options; every server a test starts is stopped after it. */
  startServer: (options?: ServerOptions) => Promise<AppServer>;
  /** A server with an empty database and no simulation. */
  server: AppServer;
};

export const test = base.extend<Fixtures>({
  startServer: async ({}, use) => {
    const started: AppServer[] = [];
    await use(async (options) => {
      const server = await AppServer.start(options);
      started.push(server);
      return server;
    });
    await Promise.all(started.map((server) => server.dispose()));
  },
  server: async ({ startServer }, use) => {
    await use(await startServer());
  },
});

export { expect };

/** Waits until the wasm has hydrated the screen: buttons and forms now run in the tab. */
export async function waitForHydration(page: Page): Promise<void> {
  await expect(page.locator('main[data-hydrated="true"]')).toBeAttached();
}

/** Waits until the screen is hydrated and its feed is connected. */
export async function waitForLive(page: Page): Promise<void> {
  await waitForHydration(page);
  await expect(page.locator('.live-indicator[data-state="live"]')).toBeAttached();
}

/** The `<ul aria-label="Lists">`. */
export function listsOf(page: Page) {
  return page.getByRole('list', { name: 'Lists', exact: true });
}

/** The ids of the rows in the `<ul class="lists">`, top to bottom (in any language). */
export function rowIds(page: Page): Promise<number[]> {
  return page
    .locator('ul.lists > li')
    .evaluateAll((items) => items.map((li) => Number(li.id.replace('lists-', ''))));
}

/**
 * Records the path of every request the tab makes from now on that `keep` accepts.
 * Playwright may report a request after the tab (and even the server) has acted on its
 * response, so assert on the result with `expect.poll`, not once.
 */
export function recordRequestPaths(page: Page, keep: (path: string) => boolean): string[] {
  const paths: string[] = [];
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (keep(path)) paths.push(path);
  });
  return paths;
}

/** Runs in the tab: on every frame, until it happens, looks for `selector` laid out in
 * the viewport while nothing matches `absent`, and notes it in `window.__shown`. */
function lookEveryFrame([selector, absent]: [string, string | null]) {
  const w = window as any;
  w.__shown = false;
  const look = () => {
    const element = document.querySelector(selector);
    const laidOut = element !== null && element.getBoundingClientRect().height > 0;
    if (laidOut && (absent === null || document.querySelector(absent) === null)) w.__shown = true;
    else requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
}

/**
 * Watches, frame by frame, for `selector` to be in the viewport while `absent` is not (a
 * skeleton before its rows, say), from the next document the tab opens or from now on. A
 * state shown for a second can slip between the polls of `expect` on a busy machine;
 * a look on every frame cannot miss it. Call the result to assert it was seen.
 */
export async function watchShown(
  page: Page,
  selector: string,
  options: { absent?: string; from: 'next page' | 'now' },
): Promise<() => Promise<void>> {
  const arg: [string, string | null] = [selector, options.absent ?? null];
  if (options.from === 'now') await page.evaluate(lookEveryFrame, arg);
  else await page.addInitScript(lookEveryFrame, arg);
  return () =>
    expect
      .poll(() => page.evaluate(() => (window as any).__shown === true), { message: `${selector} was shown` })
      .toBe(true);
}
