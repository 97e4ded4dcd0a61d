// The Parley chat server: one HTTP server carrying Socket.IO (and, optionally, the built
// renderer), wired to a store, a code sender and a clock that callers may replace.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type ServerOptions } from 'socket.io';
import type { z } from 'zod';
import {
  confirmSession,
  defaultSessionIdleExpiryMs,
  handshakeAuthenticator,
  maintainSessions,
  sessionMaintenanceIntervalMs,
} from './auth.ts';
import { type Clock, systemClock } from './clock.ts';
import type { ChatSocket, CodeSender } from './codeSender.ts';
import { conversationRoom, type ServerContext, userRoom } from './context.ts';
import { MemoryDraftingStore } from './drafting/memory.ts';
import { DraftingTracker } from './drafting/tracker.ts';
import type { DraftingStore } from './drafting/types.ts';
import {
  bindEvent,
  capText,
  enqueue,
  errorAck,
  type EventHandler,
  spendConnectionBudget,
  splitArguments,
} from './handlers/bind.ts';
import {
  broadcastChannelUpdate,
  isDrafting,
  requestConversationsAndUsers,
  listSessions,
  markDelivered,
  markRead,
  listReceipts,
  setMuted,
  requestMessages,
  revokeSession,
  sendMessage,
  signOut,
} from './handlers/conversations.ts';
import {
  addMembers,
  createConversation,
  leaveConversation,
  removeMember,
  searchPeople,
  updateProfile,
} from './handlers/membership.ts';
import { createUser, requestVerificationCode, verifyCode } from './handlers/onboarding.ts';
import { searchMessages } from './handlers/search.ts';
import { setAvatarImage } from './handlers/avatarImage.ts';
import {
  deleteMessage,
  editMessage,
  hideMessage,
  listMessageChanges,
  reactToMessage,
} from './handlers/messageOps.ts';
import { createAvatarImageHandler } from './http/avatarImages.ts';
import { createStaticHandler } from './http/staticFiles.ts';
import { attachInspectRelay } from './inspectRelay.ts';
import { createRateLimits, type RateLimits } from './limits/rateLimits.ts';
import { createConsoleLogger, type Logger } from './logger.ts';
import {
  type ClientToServerEvents,
  Events,
  type InterServerEvents,
  Limits,
  type ServerToClientEvents,
  type SocketData,
} from './protocol.ts';
import { MemoryStore } from './store/memory.ts';
import type { Store } from './store/types.ts';
import { MemoryVerificationStore } from './verification/memory.ts';
import { VerificationService } from './verification/service.ts';
import type { VerificationStore } from './verification/types.ts';
import { clientAddress } from './clientAddress.ts';
import { forbiddenOrigin, isAllowedOrigin, tooManyConnections } from './origins.ts';
import { createToken } from './tokens.ts';
import { seedWorld } from './world.ts';

export interface ChatServerOptions {
  /** Default 127.0.0.1: loopback only unless asked otherwise. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default: a fresh MemoryStore (closed with the server). */
  store?: Store;
  /**
   * How verification codes reach people. Required: there is no default, because the development
   * sender (`createDevelopmentCodeSender`) hands the code to whoever asked for it, which lets
   * anyone sign in as any phone number. Only explicit development setups may pass it.
   */
  codeSender: CodeSender;
  /** Default: the system clock. */
  clock?: Clock;
  /** When given, this folder (the built renderer) is served at `/`. */
  staticDir?: string;
  /** Default: one-line console logging. */
  logger?: Logger;
  /** Default: in memory. */
  verificationStore?: VerificationStore;
  /** Default: in memory. */
  draftingStore?: DraftingStore;
  /** Default: Socket.IO's in-memory adapter (one node). A cluster passes its Redis adapter. */
  adapter?: ServerOptions['adapter'];
  /**
   * Subscribes to drafts that lapsed without this node's timer seeing them (they were started
   * through a node that has since died); returns an unsubscribe. Clustered servers pass one.
   */
  watchDraftingLapses?: (onLapsed: (conversationId: string) => void) => () => void;
  /** Default: `createRateLimits()` (in process memory, the default rules). */
  rateLimits?: RateLimits;
  /**
   * Default true: the `/inspect` namespace relaying the web app's machine snapshots to
   * `npm run viz -- --app <url>` (loopback only, see below). The desktop app feeds its State
   * Inspector over IPC and turns this off.
   */
  inspectRelay?: boolean;
  /**
   * The secret every `/inspect` client must present (`auth.token`). Default: 256 random bits
   * made at start, exposed as `ChatServer.inspectToken` for the CLI to print.
   */
  inspectToken?: string;
  /**
   * Browser origins allowed to open the chat namespace besides the server's own
   * (`http://<host>:<port>`, and `http://localhost:<port>` when bound to loopback): the desktop
   * app's page origin, a cluster's public origin. Clients that send no Origin (not a browser) are
   * allowed: any web page's socket carries its Origin.
   */
  allowedOrigins?: readonly string[];
  /** Default 30 days (as Signal unlinks idle devices): a session unused this long ends. */
  sessionIdleExpiryMs?: number;
  /**
   * Default false. True behind a reverse proxy: a client's address (for per-address limits) is
   * the last hop of X-Forwarded-For instead of the TCP peer, which is then always the proxy.
   */
  trustProxy?: boolean;
}

export interface ChatServer {
  /** `http://<host>:<port>` */
  url: string;
  io: Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
  httpServer: http.Server;
  /** What `/inspect` clients must send as `auth.token`; null when the relay is off. */
  inspectToken: string | null;
  /** Runs the hourly session maintenance now (tests, with a manual clock). */
  maintainSessions(): Promise<void>;
  close(): Promise<void>;
}

/** Every client event the server answers, by wire name; any other name is refused. */
const handlers: Readonly<Record<string, EventHandler<z.ZodType>>> = {
  [Events.requestVerificationCode]: requestVerificationCode,
  [Events.verifyCode]: verifyCode,
  [Events.createUser]: createUser,
  [Events.requestConversationsAndUsers]: requestConversationsAndUsers,
  [Events.sendMessage]: sendMessage,
  [Events.isDrafting]: isDrafting,
  [Events.requestMessages]: requestMessages,
  [Events.signOut]: signOut,
  [Events.listSessions]: listSessions,
  [Events.revokeSession]: revokeSession,
  [Events.searchPeople]: searchPeople,
  [Events.createConversation]: createConversation,
  [Events.addMembers]: addMembers,
  [Events.removeMember]: removeMember,
  [Events.leaveConversation]: leaveConversation,
  [Events.updateProfile]: updateProfile,
  [Events.setAvatarImage]: setAvatarImage,
  [Events.markRead]: markRead,
  [Events.markDelivered]: markDelivered,
  [Events.listReceipts]: listReceipts,
  [Events.setMuted]: setMuted,
  [Events.editMessage]: editMessage,
  [Events.deleteMessage]: deleteMessage,
  [Events.hideMessage]: hideMessage,
  [Events.reactToMessage]: reactToMessage,
  [Events.listMessageChanges]: listMessageChanges,
  [Events.searchMessages]: searchMessages,
};

function formatUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export async function createChatServer(options: ChatServerOptions): Promise<ChatServer> {
  const host = options.host ?? '127.0.0.1';
  const ownsStore = options.store === undefined;
  const store = options.store ?? new MemoryStore();
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createConsoleLogger();

  const notFound = (_request: http.IncomingMessage, response: http.ServerResponse): void => {
    response.statusCode = 404;
    response.setHeader('Content-Type', 'text/plain; charset=utf-8');
    response.end('not found');
  };
  const httpServer = http.createServer(
    createAvatarImageHandler(
      store,
      options.staticDir ? createStaticHandler(options.staticDir) : notFound,
    ),
  );

  const io: ServerContext['io'] = new Server(httpServer, {
    // Deliberate: a 4000-character message plus envelope fits; anything bigger is refused.
    maxHttpBufferSize: Limits.maxPayloadBytes,
    // No connection state recovery: it restores a socket's identity (socket.data) without
    // asking the store, so a signed-out token came back to life through it. The Parley client
    // opens a new socket per reconnect and catches up by seq, so it never used it anyway.
    serveClient: false,
    ...(options.adapter ? { adapter: options.adapter } : {}),
  });

  let context: ServerContext;
  const onDraftingLapsed = (conversationId: string): void => {
    void (async () => {
      const conversation = await store.getConversation(conversationId);
      if (conversation) await broadcastChannelUpdate(context, conversation, null);
    })().catch((error: unknown) =>
      logger.error('drafting expiry failed', {
        conversation: conversationId,
        reason: String(error),
      }),
    );
  };
  const drafting = new DraftingTracker(
    options.draftingStore ?? new MemoryDraftingStore(),
    clock,
    onDraftingLapsed,
  );
  const stopWatchingLapses = options.watchDraftingLapses?.(onDraftingLapsed);
  context = {
    io,
    store,
    clock,
    logger,
    codeSender: options.codeSender,
    verification: new VerificationService(
      options.verificationStore ?? new MemoryVerificationStore(),
      clock,
    ),
    drafting,
    limits: options.rateLimits ?? createRateLimits(),
    sessionIdleExpiryMs: options.sessionIdleExpiryMs ?? defaultSessionIdleExpiryMs,
  };

  await seedWorld(store, clock);

  const originPolicy = {
    host,
    port: () => (httpServer.address() as AddressInfo).port,
    allowed: options.allowedOrigins ?? [],
  };
  io.use((socket, next) => {
    if (!isAllowedOrigin(originPolicy, socket.request)) {
      logger.warn('connection refused', {
        event: 'handshake',
        code: 'forbidden_origin',
        origin: String(socket.handshake.headers.origin).slice(0, 100),
      });
      next(forbiddenOrigin());
      return;
    }
    const address = clientAddress(socket.request, options.trustProxy ?? false);
    socket.data.address = address;
    // Before the session is read: a reconnect loop or a socket flood costs no store work.
    context.limits.consume('connectionsPerAddress', address).then(
      (verdict) => next(verdict.allowed ? undefined : tooManyConnections(verdict.retryAfterMs)),
      (error: unknown) => next(error instanceof Error ? error : new Error(String(error))),
    );
  });
  io.use(handshakeAuthenticator(context));
  io.on('connection', (socket) => onConnection(context, socket));
  // A per-run token, loopback clients and loopback pages only: see attachInspectRelay.
  const inspectToken =
    (options.inspectRelay ?? true) ? (options.inspectToken ?? createToken()) : null;
  if (inspectToken !== null) attachInspectRelay(io, { token: inspectToken });
  io.engine.on('connection_error', (error: { code?: number; message?: string }) => {
    logger.warn('transport refused', { code: error.code, reason: error.message });
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port ?? 0, host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const { port } = httpServer.address() as AddressInfo;

  // Sessions in use are marked used, sockets of ended sessions closed, idle sessions deleted
  // (auth.ts): at start and hourly.
  const runSessionMaintenance = (): Promise<void> =>
    maintainSessions(context).catch((error: unknown) =>
      logger.error('session maintenance failed', { reason: String(error) }),
    );
  void runSessionMaintenance();
  const sessionSweep = setInterval(
    () => void runSessionMaintenance(),
    sessionMaintenanceIntervalMs,
  );
  sessionSweep.unref();

  let closing: Promise<void> | undefined;
  return {
    url: formatUrl(host, port),
    io,
    httpServer,
    inspectToken,
    maintainSessions: runSessionMaintenance,
    close() {
      closing ??= (async () => {
        drafting.close();
        clearInterval(sessionSweep);
        stopWatchingLapses?.();
        const ioClosed = io.close();
        // Keep-alive HTTP connections (static files, polling) must not hold shutdown up.
        httpServer.closeAllConnections();
        await ioClosed;
        if (ownsStore) await store.close();
      })();
      return closing;
    },
  };
}

function onConnection(context: ServerContext, socket: ChatSocket): void {
  // First in the socket's queue, so no event is handled before the session is confirmed.
  enqueue(context, socket, () =>
    confirmSession(context, socket).catch((error: unknown) => {
      context.logger.error('session check failed', { socket: socket.id, reason: String(error) });
      socket.disconnect(true);
    }),
  );
  for (const [event, handler] of Object.entries(handlers)) {
    bindEvent(context, socket, event, handler);
  }
  socket.onAny((event: string, ...args: unknown[]) => {
    if (Object.hasOwn(handlers, event)) return;
    const { ack } = splitArguments(args);
    // Queued like every event, so unknown ones count against the socket's bound too.
    enqueue(context, socket, async () => {
      const overBudget = await spendConnectionBudget(context, socket);
      // Past the budget, unknown events are not even logged: a flood must not flood the log.
      if (overBudget) {
        ack?.(overBudget);
        return;
      }
      context.logger.warn('bad input', {
        event: capText(String(event), 64),
        socket: socket.id,
        code: 'invalid_payload',
        reason: 'unknown event',
      });
      ack?.(errorAck('invalid_payload', 'unknown event'));
    });
  });
  socket.on('disconnecting', () => {
    void clearDraftsOfLastSocket(context, socket).catch((error: unknown) =>
      context.logger.error('drafting cleanup failed', { socket: socket.id, reason: String(error) }),
    );
  });
}

/** When a person's last socket goes away, their drafts stop showing at once. */
async function clearDraftsOfLastSocket(context: ServerContext, socket: ChatSocket): Promise<void> {
  const { userId } = socket.data;
  if (userId === undefined) return;
  const sockets = context.io.sockets.adapter.rooms.get(userRoom(userId));
  if (sockets && [...sockets].some((id) => id !== socket.id)) return;
  const prefix = conversationRoom('');
  const conversationIds = [...socket.rooms]
    .filter((room) => room.startsWith(prefix))
    .map((room) => room.slice(prefix.length));
  for (const conversationId of conversationIds) {
    if (!(await context.drafting.stop(conversationId, userId))) continue;
    const conversation = await context.store.getConversation(conversationId);
    if (conversation) await broadcastChannelUpdate(context, conversation, null);
  }
}
