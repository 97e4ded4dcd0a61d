// The app model's paths against the real app: the app machine as connectApp provides it (the
// real onboarding, session socket and messenger actors, createAppActors over a Platform),
// running through createAppAtoms (the atoms the views read), over the desktop app's real storage
// (ElectronPlatform -> the preload bridge (createBridge) -> main's IPC handlers
// (registerSessionTokenIpc, registerUnsentIpc) -> encryptedFileStore files in a temporary
// folder; only Electron's IPC transport is a direct call, and safeStorage a reversible cipher),
// against a real chat server (tests/server/harness.ts).
//
// The desktop storage, not the web one: WebPlatform answers "no saved session" when its storage
// cannot be read, so a failing read (`xstate.error.actor.loadSessionToken`) cannot happen there.
//
// How each path event happens for real. The app's four storage requests (createAppActors) are
// held until the path's step that settles them, the world is arranged for the outcome the step
// names, and the request goes to the real storage:
// - loadSessionToken done with a token: a real user onboarded on the server beforehand (raw
//   client), their session token saved in main's token file; done with null: nothing saved;
//   error: the token file is unreadable (a folder where the file should be);
// - loadUnsent done: drafts saved in main's unsent file for the signed-in user's real group
//   conversation; error: the unsent file is unreadable (a folder);
// - onboarding done: the real onboarding run to its end against the server (phone, the code the
//   server printed, a name), so the app gets the server's user and token;
// - saveSessionToken done: saved (the file then holds a token the server accepts); error: the
//   token file cannot be replaced (a folder where it goes);
// - session done tokenRefused: the server refuses the token (another window signs the same
//   session out, so the server revokes it and drops the app's socket, whose reconnect is
//   refused); signedOut: a real sign-out (the app is asked to sign out, as the button does,
//   unless the path already did);
// - forgetSession done: main's files are erased (asserted: no token; the unsent state gone
//   after a sign-out, kept after a refused token); error: the token file cannot be removed;
// - network.online / network.offline: what App.tsx sends the app on the window's events;
// - signOut.requested: what the Sign out button sends.
// The facts are read from what the app shows and keeps: `hasToken` the app snapshot the views
// read (and the screen: the messenger only with a token), `notice` the notice atom's text,
// `online` the snapshot and, signed in, the session's offline banner, `restoredDrafts` the
// drafts the app hands the messenger (equal to what was saved on disk).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createStore } from 'jotai/vanilla';
import { expect } from 'vitest';
import {
  type AnyActorLogic,
  type AnyActorRef,
  type AnyMachineSnapshot,
  type EventObject,
  type InspectionEvent,
} from 'xstate';
import type { SessionOutput } from '../../../machines/session.ts';
import type { UnsentState } from '../../../machines/unsent.ts';
import { createAppPages } from '../../../src/main/appPages.ts';
import { createEncryptedFileStore } from '../../../src/main/encryptedFileStore.ts';
import { registerSessionTokenIpc } from '../../../src/main/sessionTokenIpc.ts';
import { registerUnsentIpc } from '../../../src/main/unsentIpc.ts';
import { createBridge } from '../../../src/preload/createBridge.ts';
import { serverUrlSwitch } from '../../../src/preload/ipcChannels.ts';
import { ElectronPlatform } from '../../../src/renderer/platform/ElectronPlatform.ts';
import { createAppAtoms } from '../../../src/renderer/state/createAppAtoms.ts';
import { createAppActors } from '../../../src/renderer/transport/appActors.ts';
import { connectApp } from '../../../src/renderer/transport/connectApp.ts';
import { codeFromLines, connect, onboard, request, startTestServer } from '../../server/harness.ts';
import type { Facts, ModelPath, ModelStep } from '../modelKit.ts';
import { models } from '../models.ts';
import { describeAdapter, Unproducible } from '../realKit.ts';
import { createWaiter, holdRequests } from './realWorld.ts';

const waitBoundMs = 15_000;
const refusedNotice = 'Your session has ended. Please sign in again.';

type RequestId = 'loadSessionToken' | 'loadUnsent' | 'saveSessionToken' | 'forgetSession';
const heldIds: readonly string[] = [
  'loadSessionToken',
  'loadUnsent',
  'saveSessionToken',
  'forgetSession',
];

/** Safe storage stand-in (as tests/unit/main/encryptedFileStore.test.ts): the file is not clear. */
const cipher = {
  isEncryptionAvailable: () => true,
  getSelectedStorageBackend: () => 'gnome_libsecret' as const,
  encryptString: (text: string) => Buffer.from(Buffer.from(text).map((byte) => byte ^ 0x5a)),
  decryptString: (data: Buffer) => Buffer.from(data.map((byte) => byte ^ 0x5a)).toString(),
};

interface Observed {
  snapshot: AnyMachineSnapshot;
  screen: string;
  notice: string | null;
  sessionBanner: string | null;
}

/** The facts this adapter observes. */
const factObservers: Record<string, (seen: Observed) => unknown> = {
  hasToken: ({ snapshot }) =>
    (snapshot.context as { sessionToken: string | null }).sessionToken !== null,
  notice: ({ notice }) => notice !== null,
  online: ({ snapshot }) => (snapshot.context as { online: boolean }).online,
  restoredDrafts: ({ snapshot }) =>
    Object.keys((snapshot.context as { unsent: UnsentState }).unsent.drafts).length > 0,
};

const outcomePattern =
  /^xstate\.(done|error)\.actor\.(loadSessionToken|loadUnsent|saveSessionToken|forgetSession|onboarding|session)$/;

async function runAppPath(
  modelPath: ModelPath,
  recorder: { inspect: (event: InspectionEvent) => void },
): Promise<void> {
  const test = await startTestServer();
  const folder = await mkdtemp(path.join(tmpdir(), 'parley-app-real-'));
  const tokenFile = path.join(folder, 'session-token.bin');
  const unsentFile = path.join(folder, 'unsent.bin');
  const tokenStore = createEncryptedFileStore(tokenFile, cipher);
  const unsentStore = createEncryptedFileStore(unsentFile, cipher);
  /** What main's files hold, read afresh (as the next launch would). */
  const onDisk = {
    token: () => createEncryptedFileStore(tokenFile, cipher).get(),
    unsent: () => createEncryptedFileStore(unsentFile, cipher).get(),
  };
  /** Makes `file` unusable: a folder (with something in it) stands where the file goes. */
  const blockFile = async (file: string) => {
    await rm(file, { force: true, recursive: true });
    await mkdir(file, { recursive: true });
    await writeFile(path.join(file, 'in-the-way'), '');
  };
  const unblockFile = (file: string) => rm(file, { force: true, recursive: true });

  // Main's IPC handlers, the preload bridge over them, the renderer's platform over that.
  const handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  const ipcMain = {
    handle: (channel: string, handler: (event: unknown, ...args: unknown[]) => unknown) => {
      handlers.set(channel, handler);
    },
  };
  const appPages = createAppPages({});
  registerSessionTokenIpc(ipcMain as never, tokenStore, appPages);
  registerUnsentIpc(ipcMain as never, unsentStore, appPages);
  const fromAppWindow = { senderFrame: { url: appPages.urlOf('main_window'), parent: null } };
  const ipcRenderer = {
    invoke: async (channel: string, ...args: unknown[]) => {
      const handler = handlers.get(channel);
      if (!handler) throw new Error(`no handler for ${channel}`);
      return handler(fromAppWindow, ...args);
    },
    send: () => {},
    on: () => ipcRenderer,
    removeListener: () => ipcRenderer,
  };
  const platform = new ElectronPlatform(
    createBridge(ipcRenderer as never, [`${serverUrlSwitch}${test.url}`]),
  );

  // ---- bounded, event-driven waits ----------------------------------------------------------
  const waiter = createWaiter();
  const changed = () => waiter.notify();
  const until = (condition: () => boolean, what: () => string): Promise<void> =>
    waiter.until(condition, what, waitBoundMs);

  // ---- the app as connectApp builds it, its storage requests held until the path says -------
  const { machine: connected, onboardingConnection } = connectApp(platform);
  const realActors = createAppActors(platform) as Record<RequestId, AnyActorLogic>;
  const { held, heldActor } = holdRequests<RequestId>((id) => realActors[id], changed);
  const machine = connected.provide({
    actors: {
      loadSessionToken: heldActor<string | null, unknown>(),
      loadUnsent: heldActor<UnsentState, unknown>(),
      saveSessionToken: heldActor<void, { token: string }>(),
      forgetSession: heldActor<void, { keepUnsent: boolean }>(),
    },
  });

  const processed: string[] = [];
  let rootId: string | null = null;
  const input = modelPath.input as { locale?: string; online?: boolean; clientIdPrefix?: string };
  const atoms = createAppAtoms(
    machine,
    {
      serverUrl: platform.serverUrl(),
      locale: input.locale ?? 'en-US',
      online: input.online ?? true,
      clientIdPrefix: input.clientIdPrefix ?? 'p',
    },
    {
      inspect: (event) => {
        recorder.inspect(event);
        if (event.type === '@xstate.snapshot' && event.actorRef.sessionId === rootId) {
          processed.push((event.event as EventObject).type);
        }
        changed();
      },
    },
  );
  rootId = atoms.appActor.sessionId;
  const store = createStore();
  const unsubscribers = [
    store.sub(atoms.screenAtom, changed),
    store.sub(atoms.appNoticeAtom, changed),
    store.sub(atoms.sessionBannerAtom, changed),
  ];
  const app = atoms.appActor;
  const child = (id: string) =>
    (app.getSnapshot().children as Record<string, AnyActorRef | undefined>)[id];

  // ---- the world beforehand: what was saved on this device ----------------------------------
  const events = modelPath.steps.map((step) => step.event as EventObject & Record<string, unknown>);
  const firstLoad = events.find((event) => event.type.endsWith('.actor.loadSessionToken'));
  let savedUser: { id: string; token: string } | null = null;
  if (firstLoad?.type === 'xstate.done.actor.loadSessionToken' && firstLoad.output !== null) {
    const user = await onboard(test);
    user.client.disconnect();
    savedUser = { id: user.user.id, token: user.sessionToken };
    await tokenStore.set(user.sessionToken);
  } else if (firstLoad?.type === 'xstate.error.actor.loadSessionToken') {
    await blockFile(tokenFile);
  }

  const where = (index: number, step?: ModelStep) =>
    `app.real: path "${modelPath.description}", ${
      step ? `step ${index + 1} (${step.event.type})` : 'start'
    }`;

  const observe = (): Observed => ({
    snapshot: app.getSnapshot() as AnyMachineSnapshot,
    screen: store.get(atoms.screenAtom),
    notice: store.get(atoms.appNoticeAtom),
    sessionBanner: store.get(atoms.sessionBannerAtom)?.text ?? null,
  });

  const screenFor = (value: unknown): string[] => {
    const top = typeof value === 'string' ? value : Object.keys(value as object)[0];
    switch (top) {
      case 'restoring':
      case 'restoringUnsent':
        return ['restoring'];
      case 'onboarding':
      case 'savingToken':
        return ['onboarding'];
      case 'forgettingSession':
        return ['signingOut'];
      default:
        return ['messenger', 'signingOut'];
    }
  };

  const check = async (label: string, expected: { value: unknown; facts: Facts }) => {
    const unknown = Object.keys(expected.facts).filter((key) => !(key in factObservers));
    if (unknown.length > 0) {
      throw new Error(
        `${label}: the path carries fact(s) ${unknown.join(', ')} this adapter does not observe ` +
          `(it observes ${Object.keys(factObservers).join(', ')}): teach it how to see them`,
      );
    }
    const seen = observe();
    const facts = Object.fromEntries(
      Object.keys(expected.facts).map((key) => [key, factObservers[key]!(seen)]),
    );
    expect({ where: label, value: seen.snapshot.value, facts }).toEqual({
      where: label,
      value: expected.value,
      facts: expected.facts,
    });
    // The screen the app shows for that state, and the notice's words.
    expect(screenFor(expected.value), `${label}: the screen shown`).toContain(seen.screen);
    if (seen.notice !== null) expect(seen.notice, `${label}: the notice`).toBe(refusedNotice);
    // Not signed in, the app holds no token but the one this device saved (none once forgotten).
    if (seen.snapshot.matches('onboarding')) {
      const held = (seen.snapshot.context as { sessionToken: string | null }).sessionToken;
      expect(held, `${label}: the token the app holds on the onboarding screen`).toBe(
        await onDisk.token(),
      );
    }
    if (seen.screen === 'messenger') {
      expect(facts.hasToken ?? true, `${label}: the messenger shows only with a token`).toBe(true);
    }
  };

  let signOutAsked = false;
  const processedCount = (id: string) =>
    processed.filter((type) => outcomePattern.exec(type)?.[2] === id).length;

  /** Waits until the app has taken an answer of `id` (after `before` earlier ones). */
  const appTook = (label: string, id: string, before: number) =>
    until(
      () => processedCount(id) > before,
      () =>
        `${label}: the app to take the ${id} answer (it is ${JSON.stringify(app.getSnapshot().value)})`,
    );

  const settleStorage = async (
    label: string,
    kind: 'done' | 'error',
    id: RequestId,
    event: EventObject & Record<string, unknown>,
  ) => {
    // A request starts with the transition that invokes it: none open now means none will be.
    const pending = held.get(id);
    if (!pending) {
      // No such answer can come: the path must expect nothing to change (checked after the step).
      return;
    }
    held.delete(id);
    // Arrange the storage for the outcome.
    if (id === 'loadUnsent') {
      if (kind === 'error') {
        await blockFile(unsentFile);
      } else {
        const userId =
          (app.getSnapshot().context as { user: { id: string } | null }).user?.id ?? savedUser?.id;
        if (!userId) throw new Error(`${label}: no known user to save drafts for`);
        const group = (await test.store.listConversationsOf(userId)).find(
          (c) => c.kind === 'group',
        );
        if (!group) throw new Error(`${label}: the user has no group conversation`);
        const drafts = (event.output as UnsentState | undefined)?.drafts ?? {};
        const saved =
          Object.keys(drafts).length > 0 ? { [group.id]: Object.values(drafts)[0] } : {};
        await unsentStore.set(JSON.stringify({ version: 1, userId, drafts: saved, outbox: [] }));
      }
    } else if (id === 'saveSessionToken' && kind === 'error') {
      await blockFile(tokenFile);
    } else if (id === 'forgetSession' && kind === 'error') {
      await blockFile(tokenFile);
    }
    const keptUnsent = id === 'forgetSession' ? await onDisk.unsent() : null;
    const before = processedCount(id);
    pending.send();
    const answer = await pending.answer;
    await appTook(label, id, before);
    const answered = answer.ok ? 'done' : 'error';
    expect(`${label}: the storage answered ${answered}`).toBe(
      `${label}: the storage answered ${kind}`,
    );
    // What the storage holds now.
    if (id === 'loadSessionToken' && answer.ok) {
      expect(answer.value, `${label}: the token read is the one saved`).toBe(
        savedUser?.token ?? null,
      );
    }
    if (id === 'loadUnsent' && answer.ok) {
      const drafts = (answer.value as UnsentState).drafts;
      const onFile = JSON.parse((await onDisk.unsent()) ?? '{}') as {
        drafts?: Record<string, string>;
      };
      expect(drafts, `${label}: the drafts restored are the ones saved`).toEqual(
        onFile.drafts ?? {},
      );
    }
    if (id === 'saveSessionToken' && answer.ok) {
      const token = await onDisk.token();
      expect(token, `${label}: the token saved is the app's`).toBe(
        (app.getSnapshot().context as { sessionToken: string | null }).sessionToken,
      );
      const client = await connect(test.url, token ?? '');
      expect(client.connected, `${label}: the server accepts the saved token`).toBe(true);
      client.disconnect();
    }
    if (id === 'forgetSession' && answer.ok) {
      expect(await onDisk.token(), `${label}: the saved token is erased`).toBeNull();
      const keepUnsent = (pending.input as { keepUnsent: boolean }).keepUnsent;
      expect(
        await onDisk.unsent(),
        `${label}: the unsent state ${keepUnsent ? 'kept' : 'erased'}`,
      ).toBe(keepUnsent ? keptUnsent : null);
    }
    // Unusable files were a fault of that moment only.
    if (kind === 'error') {
      await unblockFile(id === 'loadUnsent' ? unsentFile : tokenFile);
    }
  };

  const finishOnboarding = async (label: string) => {
    const onboarding = child('onboarding');
    if (!onboarding) return; // no onboarding runs: nothing can end (the path expects no change)
    const state = () => onboarding.getSnapshot() as AnyMachineSnapshot;
    const reach = (what: string, test: (s: AnyMachineSnapshot) => boolean) =>
      until(
        () => state().status === 'done' || test(state()),
        () => `${label}: onboarding to reach ${what} (it is ${JSON.stringify(state().value)})`,
      );
    const sub = onboarding.subscribe(() => changed());
    try {
      const phone = '+14155550132';
      onboarding.send({ type: 'phone.changed', text: '4155550132' });
      onboarding.send({ type: 'phone.submitted' });
      await reach('the code step', (s) => s.matches('code'));
      onboarding.send({ type: 'code.changed', text: codeFromLines(test.codeLines, phone) });
      await reach('the name step or the end', (s) => s.matches('name'));
      if (state().matches('name')) {
        onboarding.send({ type: 'firstName.changed', text: 'Ada' });
        onboarding.send({ type: 'lastName.changed', text: 'Lovelace' });
        onboarding.send({ type: 'name.submitted' });
      }
      await reach('its end', () => false);
    } finally {
      sub.unsubscribe();
    }
  };

  const perform = async (label: string, step: ModelStep) => {
    const event = step.event as EventObject & Record<string, unknown>;
    const outcome = outcomePattern.exec(event.type);
    if (!outcome) {
      if (event.type === 'signOut.requested') signOutAsked = true;
      if (['network.online', 'network.offline', 'signOut.requested'].includes(event.type)) {
        app.send(event as never);
        return;
      }
      throw new Unproducible(`no real cause known for ${event.type}`);
    }
    const kind = outcome[1] as 'done' | 'error';
    const id = outcome[2]!;
    if (heldIds.includes(id)) {
      await settleStorage(label, kind, id as RequestId, event);
      return;
    }
    if (id === 'onboarding' && kind === 'done') {
      if (!child('onboarding')) return; // no onboarding runs (the path expects no change)
      const before = processedCount(id);
      await finishOnboarding(label);
      await appTook(label, id, before);
      return;
    }
    if (id === 'session' && kind === 'done') {
      const planned = (event.output as SessionOutput).reason;
      const snapshot = app.getSnapshot() as AnyMachineSnapshot;
      const online = (snapshot.context as { online: boolean }).online;
      const before = processedCount(id);
      const session = child('session');
      if (!session) return; // no session runs: none can end (the path expects no change)
      let output: SessionOutput | null = null;
      const sub = session.subscribe({
        complete: () => {
          output = session.getSnapshot().output as SessionOutput;
          changed();
        },
      });
      if (planned === 'tokenRefused') {
        if (!online) {
          throw new Unproducible(
            'session done tokenRefused while offline (an offline session holds no connection, so the server cannot refuse its token)',
          );
        }
        // Another window of the same session signs out: the server revokes the token.
        const token = (snapshot.context as { sessionToken: string }).sessionToken;
        const other = await connect(test.url, token);
        const ack = await request(other, 'signOut');
        other.disconnect();
        if (!ack.ok)
          throw new Error(`${label}: the other window could not sign out: ${ack.error.code}`);
      } else if (!signOutAsked) {
        app.send({ type: 'signOut.requested' });
        signOutAsked = true;
      }
      await appTook(label, id, before);
      sub.unsubscribe();
      expect(output, `${label}: how the session ended`).toMatchObject({ reason: planned });
      return;
    }
    throw new Unproducible(`no real cause known for ${event.type}`);
  };

  try {
    atoms.start();
    await check(where(-1), modelPath.initial);
    for (const [index, step] of modelPath.steps.entries()) {
      const label = where(index, step);
      await perform(label, step);
      await check(label, step.expected);
      const seen = observe();
      if (seen.screen === 'messenger' && seen.snapshot.matches('signedIn')) {
        const sessionOffline = seen.sessionBanner !== null && /offline/i.test(seen.sessionBanner);
        const online = (seen.snapshot.context as { online: boolean }).online;
        if (!online) expect(sessionOffline, `${label}: the offline banner`).toBe(true);
      }
    }
  } finally {
    for (const unsubscribe of unsubscribers) unsubscribe();
    atoms.stop();
    onboardingConnection.close();
    await tokenStore.flush();
    await unsentStore.flush();
    await test.server.close();
    await rm(folder, { recursive: true, force: true });
  }
}

describeAdapter('app.real', models.app!, runAppPath);
