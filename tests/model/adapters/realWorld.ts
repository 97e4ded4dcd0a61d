// The real world the session and outgoingMessage adapters run in: a real chat server on an
// ephemeral loopback port (manual clock, in-memory store), a fault proxy in front of it, a user
// onboarded through the real protocol, a store whose calls the adapter can hold or fail (a slow
// or broken database, for real: the server's own code meets it), and bounded, event-driven waits.
import { isDeepStrictEqual } from 'node:util';
import { createActor, fromPromise, toPromise, type AnyActorLogic } from 'xstate';
import { createChatServer, type ChatServer } from '../../../server/chatServer.ts';
import { ManualClock } from '../../../server/clock.ts';
import { createDevelopmentCodeSender } from '../../../server/codeSender.ts';
import type { RateLimits } from '../../../server/limits/rateLimits.ts';
import { createCapturingLogger } from '../../../server/logger.ts';
import { MemoryStore } from '../../../server/store/memory.ts';
import type { Store } from '../../../server/store/types.ts';
import { hashToken } from '../../../server/tokens.ts';
import { onboard, type TestServer } from '../../server/harness.ts';
import { startFaultProxy, type FaultProxy, type ProxyPolicy } from './faultProxy.ts';

// ---------------------------------------------------------------------------------------------
// Waiting for the world, never sleeping
// ---------------------------------------------------------------------------------------------

export interface Waiter {
  /** Re-checks every pending wait (call it whenever anything observable changed). */
  notify(): void;
  /** Resolves once `condition()` holds, re-checked on every notify; rejects after `timeoutMs`. */
  until(condition: () => boolean, what: () => string, timeoutMs?: number): Promise<void>;
}

export const waitTimeoutMs = 5_000;

export function createWaiter(): Waiter {
  const checks = new Set<() => void>();
  return {
    notify() {
      for (const check of [...checks]) check();
    },
    until(condition, what, timeoutMs = waitTimeoutMs) {
      if (condition()) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const done = () => {
          clearTimeout(timer);
          checks.delete(check);
        };
        const check = () => {
          try {
            if (!condition()) return;
            done();
            resolve();
          } catch (error) {
            done();
            reject(error);
          }
        };
        // A bound on the wait, not a wait for behaviour: it only turns a hang into a failure.
        const timer = setTimeout(() => {
          done();
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`));
        }, timeoutMs);
        checks.add(check);
      });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Requests held at the client until the path's step settles them
// ---------------------------------------------------------------------------------------------

export type HeldAnswer = { ok: true; value: unknown } | { ok: false; error: unknown };

export interface HeldRequest {
  /** The input the machine gave the request. */
  input: unknown;
  /** Lets the request go to the real actor, with the input the adapter arranged (default: the machine's). */
  send: (input?: unknown) => void;
  /** The real actor's outcome, once it settled. */
  answer: Promise<HeldAnswer>;
}

/**
 * Stand-ins for a machine's promise actors that hold each request, by the actor's id, until the
 * adapter arranges the world and sends it to the real actor (`realLogic(id)`); the stand-in then
 * settles as the real one did. `changed` is called when a request is held.
 */
export function holdRequests<TId extends string>(
  realLogic: (id: TId) => AnyActorLogic,
  changed: () => void,
) {
  const held = new Map<TId, HeldRequest>();
  const heldActor = <TOutput, TInput>() =>
    fromPromise<TOutput, TInput>(({ input, self }) => {
      const id = self.id as TId;
      return new Promise<TOutput>((resolve, reject) => {
        let answered!: (answer: HeldAnswer) => void;
        const answer = new Promise<HeldAnswer>((done) => (answered = done));
        held.set(id, {
          input,
          answer,
          send: (sent = input) => {
            const actor = createActor(realLogic(id), { input: sent });
            toPromise(actor).then(
              (value) => {
                answered({ ok: true, value });
                resolve(value as TOutput);
              },
              (error: unknown) => {
                answered({ ok: false, error });
                reject(error);
              },
            );
            actor.start();
          },
        });
        changed();
      });
    });
  return { held, heldActor };
}

// ---------------------------------------------------------------------------------------------
// A store the adapter can slow down or break, one call at a time
// ---------------------------------------------------------------------------------------------

export type StoreMethod = Exclude<keyof Store, 'close'>;

export interface HeldCall {
  method: StoreMethod;
  /** The call goes on to the real store. */
  proceed(): void;
  /** The call throws, as a failing database would. */
  fail(message?: string): void;
}

export interface ControlledStore {
  /** What the server is given. */
  store: Store;
  /** The real store behind it, for the adapter's own reads and writes (not counted). */
  inner: MemoryStore;
  /** Every call the server made, by method, in order. */
  calls: StoreMethod[];
  /** The next `count` calls of `method` wait for the adapter (`heldCall`). */
  hold(method: StoreMethod, count?: number): void;
  /** The next `count` calls of `method` throw. */
  failNext(method: StoreMethod, count?: number): void;
  /** Calls held now, oldest first. */
  held: HeldCall[];
  /** Takes the oldest held call of `method` (once there is one). */
  takeHeld(method: StoreMethod, waiter: Waiter): Promise<HeldCall>;
  /** Lets every held call fail and arms nothing more (cleanup). */
  releaseAll(): void;
}

export function createControlledStore(notify: () => void): ControlledStore {
  const inner = new MemoryStore();
  const holds = new Map<StoreMethod, number>();
  const failures = new Map<StoreMethod, number>();
  const held: HeldCall[] = [];
  const calls: StoreMethod[] = [];
  let released = false;
  const spend = (armed: Map<StoreMethod, number>, method: StoreMethod): boolean => {
    const left = armed.get(method) ?? 0;
    if (left <= 0) return false;
    armed.set(method, left - 1);
    return true;
  };
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function' || property === 'close') {
        return typeof value === 'function' ? value.bind(target) : value;
      }
      const method = property as StoreMethod;
      return async (...args: unknown[]) => {
        calls.push(method);
        notify();
        if (spend(failures, method)) {
          throw new Error(`store: ${method} failed (the adapter broke it for this call)`);
        }
        if (!released && spend(holds, method)) {
          await new Promise<void>((resolve, reject) => {
            held.push({
              method,
              proceed: () => resolve(),
              fail: (message) =>
                reject(new Error(message ?? `store: ${method} failed (the adapter broke it)`)),
            });
            notify();
          });
        }
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } finally {
          queueMicrotask(notify);
        }
      };
    },
  }) as Store;
  return {
    store,
    inner,
    calls,
    hold(method, count = 1) {
      holds.set(method, (holds.get(method) ?? 0) + count);
    },
    failNext(method, count = 1) {
      failures.set(method, (failures.get(method) ?? 0) + count);
    },
    held,
    async takeHeld(method, waiter) {
      await waiter.until(
        () => held.some((call) => call.method === method),
        () => `the server to call the store's ${method} (calls so far: ${calls.join(', ')})`,
      );
      const index = held.findIndex((call) => call.method === method);
      return held.splice(index, 1)[0]!;
    },
    releaseAll() {
      released = true;
      holds.clear();
      for (const call of held.splice(0)) call.fail('store: released at the end of the path');
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Server, proxy, user
// ---------------------------------------------------------------------------------------------

export interface RealWorld {
  server: ChatServer;
  clock: ManualClock;
  controlled: ControlledStore;
  proxy: FaultProxy;
  /** The URL the client under test connects to: the proxy's. */
  url: string;
  logs: string[];
  waiter: Waiter;
  user: { id: string; sessionToken: string; tokenHash: string };
  /** The user's direct conversation with Vegeta and the group, as the server made them. */
  conversations: { direct: string; group: string };
  close(): Promise<void>;
}

export async function startRealWorld(
  options: { policy?: ProxyPolicy; rateLimits?: RateLimits } = {},
): Promise<RealWorld> {
  const waiter = createWaiter();
  const controlled = createControlledStore(() => waiter.notify());
  const clock = new ManualClock();
  const logs: string[] = [];
  const closers: (() => Promise<void> | void)[] = [];
  const close = async () => {
    controlled.releaseAll();
    for (const closer of closers.splice(0).reverse()) await closer();
  };
  try {
    const server = await createChatServer({
      host: '127.0.0.1',
      port: 0,
      clock,
      store: controlled.store,
      logger: createCapturingLogger(logs),
      codeSender: createDevelopmentCodeSender({ print: () => {} }),
      inspectRelay: false,
      ...(options.rateLimits ? { rateLimits: options.rateLimits } : {}),
    });
    closers.push(() => controlled.inner.close());
    closers.push(() => server.close());
    // Onboarded straight at the server (not through the proxy), then that socket is closed: the
    // client under test is the only one left.
    const onboarded = await onboard({ url: server.url } as TestServer);
    onboarded.client.disconnect();
    const conversationsOf = await controlled.inner.listConversationsOf(onboarded.user.id);
    const direct = conversationsOf.find((c) => c.kind === 'direct');
    const group = conversationsOf.find((c) => c.kind === 'group');
    if (!direct || !group) throw new Error('the onboarded user has no direct or group chat');
    const port = Number(new URL(server.url).port);
    const proxy = await startFaultProxy(port, options.policy ?? 'pass');
    proxy.onChange(() => waiter.notify());
    closers.push(() => proxy.close());
    return {
      server,
      clock,
      controlled,
      proxy,
      url: proxy.url,
      logs,
      waiter,
      user: {
        id: onboarded.user.id,
        sessionToken: onboarded.sessionToken,
        tokenHash: hashToken(onboarded.sessionToken),
      },
      conversations: { direct: direct.id, group: group.id },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

export const sameValue = (a: unknown, b: unknown): boolean => isDeepStrictEqual(a, b);

export const show = (value: unknown): string => JSON.stringify(value);
