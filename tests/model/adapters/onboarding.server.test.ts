// The onboarding model's paths against the real thing: the onboarding machine provided with the
// request actors the app uses (createOnboardingActors over createOnboardingConnection), talking
// Socket.IO to a real chat server (tests/server/harness.ts: ManualClock, MemoryStore, the
// development code sender) through a TCP proxy on loopback that can cut the network.
//
// How each path event happens for real:
// - user events (`phone.changed`, `code.changed`, `name.submitted`, ...) are sent to the actor as
//   the views send them (the events carry the person's whole field text);
// - `xstate.after.resendCountdown...`: time passes, for the machine (XState's SimulatedClock,
//   advanced by the countdown it is waiting out) and for the server (its ManualClock, the same
//   amount);
// - `xstate.done.actor.*` / `xstate.error.actor.*`: the answer of the real server. A request the
//   machine starts is held at the client (it has not left yet) until the path's step that
//   settles it; then the adapter arranges the world for the outcome the step names and lets the
//   request go, and the machine gets whatever the server answers. So the server sees requests
//   in the order the path settles them (a verify and a resend both in flight are answered in
//   the path's order, as a slow network may do). The arrangements:
//   - requestCode/resendCode done: the server's resend countdown for the phone is waited out on
//     its clock if it still runs (e.g. "Change number" and back within 30 s);
//   - resendCode error resend_too_soon: another device asks the server for a code for the same
//     phone just before, so the server's countdown restarts;
//   - verifyCode done, registered: true: the phone belongs to an existing user (a user with the
//     phone is put in the server's store); registered: false: no user has it (asserted);
//   - verifyCode done / code_incorrect need a live code: if the phone's code was used, expired or
//     spent its tries, another device asks for a fresh one first (the countdown waited out);
//   - code_incorrect: a wrong code is sent; the server's tries left must be the path's (a code
//     with too few tries left is replaced by a fresh one first);
//   - code_dead: another device guesses wrong until one try is left, then a wrong code is sent;
//   - code_expired: the server's clock moves past the code's 10 minutes;
//   - createUser error verification_invalid: the server's clock moves past the verification's
//     30 minutes (the person took too long over their name);
//   - network (any request): the proxy cuts every connection and refuses new ones; the request
//     times out (the actors' `timeoutMs`, shortened here to keep the run short) and the proxy
//     lets connections through again once the machine has the failure.
//   The code: the path types fixed digits ('123456', '654321'). The machine keeps what was
//   typed (`codeLength` is a fact); on the wire the adapter sends the code the server last
//   printed for the phone when the step says the server accepts it (done, code_expired), and
//   that code with every digit changed when it says the code is wrong (code_incorrect).
//
// After each step, once the machine has the answer (event-driven, bounded), the adapter asserts
// the state value and the facts as the views read them (toOnboardingView), and what the server
// saw: a code printed per code sent and none otherwise, the user created with the names typed,
// the session token the machine ends with accepted by the server.
import { expect } from 'vitest';
import {
  createActor,
  SimulatedClock,
  type AnyActorLogic,
  type AnyMachineSnapshot,
  type EventObject,
  type InspectionEvent,
} from 'xstate';
import { onboardingMachine, type OnboardingOutput } from '../../../machines/onboarding.ts';
import { digitsOnly, toE164 } from '../../../machines/phone.ts';
import { toProtocolFailure } from '../../../machines/protocolFailure.ts';
import { generatedAvatar } from '../../../server/avatars.ts';
import {
  isValidName,
  Limits,
  type CodeRequested,
  type CodeVerified,
  type CreateUser,
  type UserSignedIn,
} from '../../../server/protocol.ts';
import { verificationTokenValidityMs } from '../../../server/verification/service.ts';
import { createOnboardingActors } from '../../../src/renderer/transport/onboardingActors.ts';
import { createOnboardingConnection } from '../../../src/renderer/transport/onboardingConnection.ts';
import { toOnboardingView } from '../../../src/renderer/state/onboardingView.ts';
import type { OnboardingSnapshot } from '../../../src/renderer/state/snapshots.ts';
import { codeFromLines, connect, request, startTestServer } from '../../server/harness.ts';
import type { Facts, ModelPath, ModelStep } from '../modelKit.ts';
import { models } from '../models.ts';
import { describeAdapter, Unproducible } from '../realKit.ts';
import { createWaiter, holdRequests } from './realWorld.ts';
import { startFaultProxy } from './faultProxy.ts';

/** How long a request waits for its ack here: a cut network costs this much per failure. */
const requestTimeoutMs = 1_200;

/** The code with every digit changed: wrong, whatever it was. */
const wrongCodeFor = (code: string) =>
  code.replace(/\d/g, (digit) => String((Number(digit) + 1) % 10));
/** Bound on any one wait for the machine or the server (a reconnect after a cut included). */
const waitBoundMs = 15_000;

type RequestId = 'requestCode' | 'resendCode' | 'verifyCode' | 'createUser';

/** The facts this adapter observes, each read from what the onboarding views show. */
type View = ReturnType<typeof toOnboardingView>;
const factObservers: Record<string, (view: View) => unknown> = {
  validPhone: (view) => toE164(view.country as never, digitsOnly(view.phoneFormatted)) !== null,
  codeLength: (view) => view.code.length,
  firstNameValid: (view) => isValidName(view.firstName),
  lastNameValid: (view) => isValidName(view.lastName),
  failure: (view) => view.failureCode,
  triesLeft: (view) => view.triesLeft,
};

const outcomePattern =
  /^xstate\.(done|error)\.actor\.(requestCode|resendCode|verifyCode|createUser)$/;

async function runOnboardingPath(
  path: ModelPath,
  recorder: { inspect: (event: InspectionEvent) => void },
): Promise<void> {
  const test = await startTestServer();
  const proxy = await startFaultProxy(Number(new URL(test.url).port));
  const connection = createOnboardingConnection(proxy.url);
  const real = createOnboardingActors(connection, { timeoutMs: requestTimeoutMs });
  const clock = new SimulatedClock();
  const extraClients: { disconnect(): void }[] = [];

  // ---- change notification for bounded, event-driven waits ---------------------------------
  const waiter = createWaiter();
  const changed = () => waiter.notify();
  const until = (condition: () => boolean, what: () => string): Promise<void> =>
    waiter.until(condition, what, waitBoundMs);

  // ---- requests held at the client until the path settles them ------------------------------
  const realLogic: Record<RequestId, AnyActorLogic> = {
    requestCode: real.requestCode,
    resendCode: real.requestCode,
    verifyCode: real.verifyCode,
    createUser: real.createUser,
  };
  const { held, heldActor } = holdRequests<RequestId>((id) => realLogic[id], changed);
  const machine = onboardingMachine.provide({
    actors: {
      requestCode: heldActor<CodeRequested, { phone: string }>(),
      verifyCode: heldActor<CodeVerified, { phone: string; code: string }>(),
      createUser: heldActor<UserSignedIn, CreateUser>(),
    },
  });

  // ---- the machine, its events as processed -------------------------------------------------
  const processed: string[] = [];
  let rootId: string | null = null;
  const input = path.input as { locale?: string };
  const actor = createActor(machine, {
    input: { locale: input.locale ?? 'en-US', now: () => clock.now() },
    clock,
    inspect: (event) => {
      recorder.inspect(event);
      if (event.type === '@xstate.snapshot' && event.actorRef.sessionId === rootId) {
        processed.push((event.event as EventObject).type);
        changed();
      }
    },
  });
  rootId = actor.sessionId;

  // ---- what the server has been through, per phone ------------------------------------------
  interface CodeRecord {
    issuedAt: number;
    wrongGuesses: number;
    used: boolean;
  }
  const codes = new Map<string, CodeRecord>();
  const codeLinesFor = (phone: string) =>
    test.codeLines.filter((line) => line.startsWith(`verification code for ${phone}: `)).length;
  const noteIssued = (phone: string) =>
    codes.set(phone, { issuedAt: test.clock.now(), wrongGuesses: 0, used: false });
  const advanceServerTo = (at: number) => {
    const by = at - test.clock.now();
    if (by > 0) test.clock.advance(by);
  };
  const waitOutCountdown = (phone: string) => {
    const record = codes.get(phone);
    if (record && !record.used) advanceServerTo(record.issuedAt + Limits.codeResendAfterMs);
  };
  let otherDeviceCodes = 0;
  /** Another device asks for a code for `phone` (the countdown waited out first). */
  const codeFromAnotherDevice = async (phone: string) => {
    waitOutCountdown(phone);
    const other = await connect(test.url);
    extraClients.push(other);
    const ack = await request(other, 'requestVerificationCode', { phone });
    if (!ack.ok) throw new Error(`another device could not get a code: ${ack.error.code}`);
    noteIssued(phone);
    otherDeviceCodes += 1;
    other.disconnect();
  };
  /** Another device guesses wrong until the phone's code has one try left. */
  const wrongGuessesFromAnotherDevice = async (phone: string, code: string) => {
    const record = codes.get(phone)!;
    const other = await connect(test.url);
    extraClients.push(other);
    while (Limits.codeMaxAttempts - record.wrongGuesses > 1) {
      const ack = await request(other, 'verifyCode', { phone, code: wrongCodeFor(code) });
      if (ack.ok) throw new Error('another device guessed the code by mistake');
      record.wrongGuesses += 1;
    }
    other.disconnect();
  };
  const isLive = (record: CodeRecord | undefined) =>
    record !== undefined &&
    !record.used &&
    record.wrongGuesses < Limits.codeMaxAttempts &&
    test.clock.now() < record.issuedAt + Limits.codeValidityMs;
  /** Whether the connection has a socket (it opens on the first request, closes when signed in). */
  let socketOpened = false;
  let typedNames = { firstName: '', lastName: '' };
  let seededUserId: string | null = null;

  const where = (index: number, step?: ModelStep) =>
    `onboarding.server: path "${path.description}", ${
      step ? `step ${index + 1} (${step.event.type})` : 'start'
    }`;

  const check = (label: string, expected: { value: unknown; facts: Facts }) => {
    const unknown = Object.keys(expected.facts).filter((key) => !(key in factObservers));
    if (unknown.length > 0) {
      throw new Error(
        `${label}: the path carries fact(s) ${unknown.join(', ')} this adapter does not observe ` +
          `(it observes ${Object.keys(factObservers).join(', ')}): teach it how to see them`,
      );
    }
    const snapshot = actor.getSnapshot() as AnyMachineSnapshot;
    const view = toOnboardingView(snapshot as unknown as OnboardingSnapshot);
    const facts = Object.fromEntries(
      Object.keys(expected.facts).map((key) => [key, factObservers[key]!(view)]),
    );
    expect({ where: label, value: snapshot.value, facts }).toEqual({
      where: label,
      value: expected.value,
      facts: expected.facts,
    });
    // What a person sees agrees with the machine: Next and Finish are offered when they work.
    if (snapshot.matches('phone')) {
      expect(view.canSubmitPhone, `${label}: Next enabled`).toBe(
        facts.validPhone ?? view.canSubmitPhone,
      );
    }
  };

  /** Arranges the world for the outcome `step` names, then lets the held request go. */
  const settle = async (label: string, step: ModelStep, kind: 'done' | 'error', id: RequestId) => {
    // A request starts with the transition that invokes it: none open now means none will be.
    const pending = held.get(id);
    if (!pending) {
      // No such answer can come: the path must expect nothing to change (checked after the step).
      return;
    }
    held.delete(id);
    const requested = pending.input as Record<string, unknown>;
    const phone = String(requested.phone ?? '');
    const event = step.event as EventObject & { output?: any; error?: unknown };
    const plannedFailure = kind === 'error' ? toProtocolFailure(event.error) : null;
    const planned = plannedFailure?.code ?? 'done';
    const sent = { ...requested };
    const linesBefore = codeLinesFor(phone);
    const otherBefore = otherDeviceCodes;
    let network = false;

    if (planned === 'network') {
      network = true;
      // The server cannot be reached: live connections drop, new ones are refused.
      proxy.setPolicy('refuse');
      proxy.dropAll();
    } else if (id === 'requestCode' || id === 'resendCode') {
      if (planned === 'done') waitOutCountdown(phone);
      else if (planned === 'resend_too_soon') await codeFromAnotherDevice(phone);
      else throw new Unproducible(`${id} error ${planned}`);
    } else if (id === 'verifyCode') {
      if (planned === 'done' || planned === 'code_incorrect' || planned === 'code_dead') {
        const record = codes.get(phone);
        const wantTries = plannedFailure?.triesLeft;
        const triesAfter = record ? Limits.codeMaxAttempts - record.wrongGuesses - 1 : 0;
        if (!isLive(record) || (wantTries !== undefined && triesAfter !== wantTries)) {
          await codeFromAnotherDevice(phone);
        }
      }
      const code = codeFromLines(test.codeLines, phone);
      if (planned === 'done') {
        sent.code = code;
        const existing = await test.store.getUserByPhone(phone);
        if (event.output?.registered === true && !existing) {
          const { user } = await test.store.createUser({
            kind: 'person',
            firstName: 'Bulma',
            lastName: 'Brief',
            avatar: generatedAvatar('seeded', 'Bulma', 'Brief'),
            phone,
            createdAt: test.clock.now(),
          });
          seededUserId = user.id;
        } else if (event.output?.registered === false) {
          expect(existing, `${label}: no user has ${phone} yet`).toBeNull();
        }
      } else if (planned === 'code_incorrect') {
        sent.code = wrongCodeFor(code);
      } else if (planned === 'code_dead') {
        // The last try goes wrong: the server kills the code ("Too many wrong codes").
        await wrongGuessesFromAnotherDevice(phone, code);
        sent.code = wrongCodeFor(code);
      } else if (planned === 'code_expired') {
        sent.code = code;
        const record = codes.get(phone);
        if (record) advanceServerTo(record.issuedAt + Limits.codeValidityMs);
      } else {
        throw new Unproducible(`verifyCode error ${planned}`);
      }
    } else if (id === 'createUser') {
      if (planned === 'verification_invalid') {
        test.clock.advance(verificationTokenValidityMs);
      } else if (planned !== 'done') {
        throw new Unproducible(`createUser error ${planned}`);
      }
    }

    const before = processed.filter((type) => outcomePattern.exec(type)?.[2] === id).length;
    if (!network && socketOpened) {
      // The network is back after a cut: the request goes once the client has reconnected by
      // itself (Socket.IO's own backoff), as it would for a person.
      const socket = connection.socket();
      const onConnect = () => changed();
      socket.on('connect', onConnect);
      try {
        await until(
          () => socket.connected,
          () => `${label}: the client to reconnect`,
        );
      } finally {
        socket.off('connect', onConnect);
      }
    }
    pending.send(sent);
    socketOpened = true;
    const answer = await pending.answer;
    await until(
      () => processed.filter((type) => outcomePattern.exec(type)?.[2] === id).length > before,
      () => `${label}: the machine to take the ${id} answer`,
    );
    if (network) proxy.setPolicy('pass');

    // The server's answer is the one the step names.
    const answered = answer.ok ? 'done' : toProtocolFailure(answer.error).code;
    expect(`${label}: the server answered ${answered}`).toBe(
      `${label}: the server answered ${planned}`,
    );
    if (answer.ok && id === 'verifyCode') {
      const registered = (answer.value as { registered: boolean }).registered;
      expect(registered, `${label}: registered`).toBe(event.output?.registered);
    }
    if (!answer.ok && planned === 'code_incorrect') {
      // What the person is told is what the server said.
      const view = toOnboardingView(actor.getSnapshot() as unknown as OnboardingSnapshot);
      expect(view.triesLeft, `${label}: tries left shown vs the server's`).toBe(
        toProtocolFailure(answer.error).triesLeft,
      );
      const record = codes.get(phone)!;
      record.wrongGuesses += 1;
    }
    if (!answer.ok && planned === 'code_dead') codes.get(phone)!.wrongGuesses += 1;
    if (answer.ok && id === 'verifyCode') codes.get(phone)!.used = true;
    // Signed in: the connection closed its socket (the session opens its own).
    if (
      answer.ok &&
      (id === 'createUser' || (answer.value as { registered?: boolean }).registered)
    ) {
      socketOpened = false;
    }

    // What the server did: one code printed per code sent, none otherwise.
    const printed = codeLinesFor(phone) - linesBefore;
    const issuedHere = answer.ok && (id === 'requestCode' || id === 'resendCode');
    expect(printed, `${label}: codes the server printed for ${phone}`).toBe(
      (issuedHere ? 1 : 0) + (otherDeviceCodes - otherBefore),
    );
    if (issuedHere) noteIssued(phone);
  };

  const perform = async (label: string, step: ModelStep) => {
    const event = step.event as EventObject & Record<string, unknown>;
    const outcome = outcomePattern.exec(event.type);
    if (outcome) {
      await settle(label, step, outcome[1] as 'done' | 'error', outcome[2] as RequestId);
      return;
    }
    if (event.type.startsWith('xstate.after.resendCountdown.')) {
      const waitMs = (actor.getSnapshot().context as { resendAfterMs: number }).resendAfterMs;
      clock.increment(waitMs);
      test.clock.advance(waitMs);
      return;
    }
    if (event.type === 'firstName.changed')
      typedNames = { ...typedNames, firstName: String(event.text) };
    if (event.type === 'lastName.changed')
      typedNames = { ...typedNames, lastName: String(event.text) };
    actor.send(event as never);
  };

  try {
    actor.start();
    check(where(-1), path.initial);
    for (const [index, step] of path.steps.entries()) {
      const label = where(index, step);
      await perform(label, step);
      check(label, step.expected);
    }
    // Signed in: the user is the server's, and the server accepts the machine's session token.
    const snapshot = actor.getSnapshot();
    if (snapshot.status === 'done') {
      const output = snapshot.output as OnboardingOutput;
      const phone = toE164(snapshot.context.country, snapshot.context.phoneDigits) ?? '';
      const stored = await test.store.getUserByPhone(phone);
      expect(stored?.id, 'the signed-in user is the server user with this phone').toBe(
        output.user.id,
      );
      if (seededUserId !== null) {
        expect(output.user.id, 'a known phone signs in to its user').toBe(seededUserId);
      } else {
        expect({ firstName: stored?.firstName, lastName: stored?.lastName }).toEqual({
          firstName: typedNames.firstName.trim(),
          lastName: typedNames.lastName.trim(),
        });
      }
      const signedIn = await connect(test.url, output.sessionToken);
      extraClients.push(signedIn);
      expect(signedIn.connected, 'the server accepts the session token').toBe(true);
    }
  } finally {
    actor.stop();
    connection.close();
    for (const client of extraClients) client.disconnect();
    await proxy.close();
    await test.server.close();
  }
}

describeAdapter('onboarding.server', models.onboarding!, runOnboardingPath);
