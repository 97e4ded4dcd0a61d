// The messenger's `persistUnsent` actor (contract in machines/messenger.ts): keeps the drafts
// and unsent messages saved on the platform while the user is signed in, so a reload or an app
// restart loses neither. It watches the actor system (every snapshot of a conversation or a
// message may change what is unsent) and saves `unsentOf(messenger)` when it changed: at once
// when the outbox changed, `draftSaveDelayMs` after a draft first changed (with what was typed
// meanwhile), and before the page goes away.
import { fromCallback, type AnyActorRef } from 'xstate';
import { unsentOf, type MessengerMachine } from '../../../machines/messenger.ts';
import { systemIds } from '../../../machines/system.ts';
import type { Platform } from '../platform/Platform.ts';
import type { SnapshotFrom } from 'xstate';

/**
 * A changed draft is saved this long after its first unsaved change. Typing on does not push the
 * save back: every conversation snapshot counts as a change (a message arriving in a busy group
 * too), so waiting for a pause could put the save off for as long as the group talks.
 */
export const draftSaveDelayMs = 400;

export interface PersistUnsentOptions {
  /** Where `pagehide` is listened for (the window); none in tests that do not need it. */
  target?: Pick<Window, 'addEventListener' | 'removeEventListener'>;
}

export function createPersistUnsentActor(
  platform: Pick<Platform, 'saveUnsent'>,
  { target = globalThis.window }: PersistUnsentOptions = {},
) {
  return fromCallback(({ system }) => {
    let saved = '';
    let timer: ReturnType<typeof setTimeout> | undefined;
    const messengerContext = () =>
      (
        (system.get(systemIds.messenger) as AnyActorRef | undefined)?.getSnapshot() as
          | SnapshotFrom<MessengerMachine>
          | undefined
      )?.context;
    const current = () => {
      const context = messengerContext();
      return context ? unsentOf(context) : null;
    };
    const save = () => {
      clearTimeout(timer);
      timer = undefined;
      const unsent = current();
      if (!unsent) return;
      const json = JSON.stringify(unsent);
      if (json === saved) return;
      saved = json;
      const empty = unsent.outbox.length === 0 && Object.keys(unsent.drafts).length === 0;
      // A failed save is retried by the next change; the actors still hold everything.
      platform.saveUnsent(empty ? null : json).catch(() => {
        saved = '';
      });
    };
    // Per keystroke this must stay cheap with a thousand conversations: collecting what is
    // unsent walks them all, so it runs once per change burst (an outbox change: this task;
    // a draft: after the delay), never once per snapshot.
    let soon = false;
    const saveSoon = () => {
      if (soon) return;
      soon = true;
      queueMicrotask(() => {
        soon = false;
        save();
      });
    };
    const outboxes = new WeakMap<object, unknown>();
    const changed = (actorRef: object, snapshot: { context?: { outbox?: unknown } }) => {
      const outbox = snapshot.context?.outbox;
      const outboxChanged = outboxes.has(actorRef) && outboxes.get(actorRef) !== outbox;
      outboxes.set(actorRef, outbox);
      if (outboxChanged) saveSoon();
      else if (timer === undefined) timer = setTimeout(save, draftSaveDelayMs);
    };
    // What the actors hold now is what the platform keeps: restored from it, or nothing after a
    // sign-in. Only a change from there is saved, and a first keystroke waits like any other
    // instead of counting as an outbox change.
    const initial = current();
    if (initial) saved = JSON.stringify(initial);
    for (const ref of Object.values(messengerContext()?.conversations ?? {})) {
      outboxes.set(ref, ref.getSnapshot().context.outbox);
    }
    const subscription = system.inspect((event) => {
      if (event.type !== '@xstate.snapshot') return;
      // A machine's snapshot names its machine; only these two hold what is unsent.
      const snapshot = event.snapshot as {
        machine?: { id?: string };
        context?: { outbox?: unknown };
      };
      const machineId = snapshot.machine?.id;
      // A message moving on (queued, sending, failed, sent) changes the outbox.
      if (machineId === 'outgoingMessage') saveSoon();
      else if (machineId === 'conversation') changed(event.actorRef, snapshot);
    });
    target?.addEventListener('pagehide', save);
    return () => {
      subscription.unsubscribe();
      target?.removeEventListener('pagehide', save);
      clearTimeout(timer);
    };
  });
}
