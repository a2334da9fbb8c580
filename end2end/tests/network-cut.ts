// A TCP relay between one browser context and the app server, so a test can cut the
// connections that are already open.
//
// `context.setOffline(true)` makes Chromium fail *new* requests, but it leaves an open
// event stream untouched: a tab "offline" that way still receives live events. A real
// network loss kills that event stream too. Pointing the tab at this relay and calling
// `cut()` together with `setOffline(true)` reproduces that: the open event stream
// breaks and every reconnect attempt fails until the test goes back online.
import net from 'node:net';

export class NetworkCut {
  private readonly sockets = new Set<net.Socket>();
  private down = false;

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  /** Relays 127.0.0.1:<random port> to `target` (an http://host:port URL). */
  static async start(target: string): Promise<NetworkCut> {
    const { hostname, port } = new URL(target);
    let relay: NetworkCut | undefined;
    const server = net.createServer((client) => relay!.accept(client, hostname, Number(port)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    relay = new NetworkCut(server, (server.address() as net.AddressInfo).port);
    return relay;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private accept(client: net.Socket, host: string, port: number) {
    if (this.down) {
      client.destroy();
      return;
    }
    const upstream = net.connect(port, host);
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      this.sockets.add(from);
      from.pipe(to);
      from.on('error', () => to.destroy());
      from.on('close', () => {
        this.sockets.delete(from);
        to.destroy();
      });
    }
  }

  /** Breaks every open connection and refuses new ones until `restore()`. */
  cut() {
    this.down = true;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  restore() {
    this.down = false;
  }

  async close() {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
