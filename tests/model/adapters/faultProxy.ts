// A controllable TCP proxy on 127.0.0.1:0 in front of a real chat server, for adapters that make
// network faults happen for real: the client under test connects to the proxy's URL, and the
// proxy decides what each new connection meets.
//
// Policies for new connections (`setPolicy`):
// - `pass`: connected through to the server at once;
// - `hold`: accepted and kept waiting (bytes buffered, nothing forwarded) until `passHeld()`,
//   `refuseHeld()` or a policy change decides; the client's transport is "connecting";
// - `refuse`: reset as soon as accepted (RST): the client sees its connection refused.
// Live connections: `dropAll()` destroys them (the client sees its transport close);
// `pauseUpstream()`/`resumeUpstream()` hold what clients send (delay) without losing it;
// `setUpstream(port)` points new connections at another (restarted, replaced) server.
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export type ProxyPolicy = 'pass' | 'hold' | 'refuse';

interface Link {
  client: net.Socket;
  upstream: net.Socket | null;
  /** What the client sent while held or paused, in order. */
  buffered: Buffer[];
  state: 'held' | 'open' | 'closed';
}

export interface FaultProxy {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  setPolicy(policy: ProxyPolicy): void;
  readonly policy: ProxyPolicy;
  /** Connections accepted so far (refused ones included). */
  readonly accepted: number;
  /** Connections refused so far. */
  readonly refused: number;
  /** Connections held now, waiting for a decision. */
  readonly held: number;
  /** Connections through to the server now. */
  readonly open: number;
  /** Connections dropped by `dropAll` so far. */
  readonly dropped: number;
  /** Bytes clients sent that the proxy holds now (paused upstream, or held connections). */
  readonly pendingBytes: number;
  /** Connects every held connection through. */
  passHeld(): void;
  /** Resets every held connection. */
  refuseHeld(): void;
  /** Destroys every live connection (held ones too). */
  dropAll(): void;
  /** Stops forwarding what clients send (kept, in order) until `resumeUpstream`. */
  pauseUpstream(): void;
  resumeUpstream(): void;
  /** New connections go to this port from now on. */
  setUpstream(port: number): void;
  /** Called after anything changes (a connection accepted, closed, passed...). */
  onChange(listener: () => void): () => void;
  close(): Promise<void>;
}

export async function startFaultProxy(
  upstreamPort: number,
  initialPolicy: ProxyPolicy = 'pass',
): Promise<FaultProxy> {
  let policy = initialPolicy;
  let upstreamPortNow = upstreamPort;
  let paused = false;
  let accepted = 0;
  let refused = 0;
  let dropped = 0;
  const links = new Set<Link>();
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const listener of [...listeners]) listener();
  };

  const closeLink = (link: Link) => {
    if (link.state === 'closed') return;
    link.state = 'closed';
    link.client.destroy();
    link.upstream?.destroy();
    links.delete(link);
    changed();
  };

  const refuse = (link: Link) => {
    refused += 1;
    link.state = 'closed';
    links.delete(link);
    // An RST, as a closed port answers: the client's transport fails to open.
    link.client.resetAndDestroy();
    changed();
  };

  const flush = (link: Link) => {
    if (paused || link.state !== 'open' || !link.upstream) return;
    for (const chunk of link.buffered.splice(0)) link.upstream.write(chunk);
  };

  const pass = (link: Link) => {
    if (link.state !== 'held') return;
    link.state = 'open';
    const upstream = net.connect(upstreamPortNow, '127.0.0.1');
    link.upstream = upstream;
    upstream.on('connect', () => flush(link));
    upstream.on('data', (chunk: Buffer) => link.client.write(chunk));
    upstream.on('error', () => closeLink(link));
    upstream.on('close', () => closeLink(link));
    changed();
  };

  const server = net.createServer((client) => {
    accepted += 1;
    const link: Link = { client, upstream: null, buffered: [], state: 'held' };
    links.add(link);
    client.on('data', (chunk: Buffer) => {
      link.buffered.push(chunk);
      if (link.upstream && !link.upstream.connecting) flush(link);
      changed();
    });
    client.on('error', () => closeLink(link));
    client.on('close', () => closeLink(link));
    if (policy === 'refuse') refuse(link);
    else if (policy === 'pass') pass(link);
    else changed();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const linksIn = (state: Link['state']) => [...links].filter((link) => link.state === state);

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    setPolicy(next) {
      policy = next;
      changed();
    },
    get policy() {
      return policy;
    },
    get accepted() {
      return accepted;
    },
    get refused() {
      return refused;
    },
    get held() {
      return linksIn('held').length;
    },
    get open() {
      return linksIn('open').length;
    },
    get dropped() {
      return dropped;
    },
    get pendingBytes() {
      let bytes = 0;
      for (const link of links) for (const chunk of link.buffered) bytes += chunk.length;
      return bytes;
    },
    passHeld() {
      for (const link of linksIn('held')) pass(link);
    },
    refuseHeld() {
      for (const link of linksIn('held')) refuse(link);
    },
    dropAll() {
      for (const link of [...links]) {
        dropped += 1;
        closeLink(link);
      }
    },
    pauseUpstream() {
      paused = true;
    },
    resumeUpstream() {
      paused = false;
      for (const link of linksIn('open')) flush(link);
    },
    setUpstream(next) {
      upstreamPortNow = next;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      for (const link of [...links]) closeLink(link);
      listeners.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
