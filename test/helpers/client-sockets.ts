// Sees the TCP/Unix client sockets this process opens (node's 'net.client.socket'
// diagnostics channel), so a test can wait for a handler's connection to close
// — the event — instead of sleeping and hoping the handler has noticed.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';

const CHANNEL = 'net.client.socket';

export class ClientSockets {
  /** Each socket seen, with the remote port it connected to (undefined until it connects). */
  readonly sockets = new Map<Socket, number | undefined>();
  readonly #onSocket = (msg: unknown): void => {
    const s = (msg as { socket: Socket }).socket;
    this.sockets.set(s, undefined);
    s.once('connect', () => this.sockets.set(s, s.remotePort));
  };

  constructor() {
    subscribe(CHANNEL, this.#onSocket);
  }

  /** Resolves once every socket that connected to `port` has closed (fails if none ever connected). */
  async closedTo(port: number, ms = 15_000): Promise<void> {
    const to = [...this.sockets].filter(([, p]) => p === port).map(([s]) => s);
    if (to.length === 0) throw new Error(`no client socket connected to port ${port}`);
    const open = to.filter((s) => !s.closed);
    await Promise.all(
      open.map(
        (s) =>
          new Promise<void>((resolve, reject) => {
            const t = setTimeout(() => reject(new Error(`the connection to port ${port} did not close within ${ms} ms`)), ms);
            s.once('close', () => {
              clearTimeout(t);
              resolve();
            });
          }),
      ),
    );
  }

  stop(): void {
    unsubscribe(CHANNEL, this.#onSocket);
  }
}
