// One Jotai atom per actor: its latest snapshot, subscribed while something reads it. Views read
// the actors they show (the app, the session, the messenger, one conversation, one message), so
// a keystroke that changes one conversation's snapshot notifies only what reads that one.
import { atom, type Atom } from 'jotai/vanilla';
import type { AnyActorRef, SnapshotFrom } from 'xstate';

const snapshotAtoms = new WeakMap<AnyActorRef, Atom<unknown>>();

/** The atom mirroring `ref`'s snapshot (the same atom for the same actor). */
export function snapshotAtomOf<TRef extends AnyActorRef>(ref: TRef): Atom<SnapshotFrom<TRef>> {
  let snapshotAtom = snapshotAtoms.get(ref);
  if (!snapshotAtom) {
    const mirror = atom<unknown>(ref.getSnapshot());
    mirror.onMount = (setSnapshot) => {
      setSnapshot(ref.getSnapshot());
      const subscription = ref.subscribe({
        next: (snapshot) => setSnapshot(snapshot),
        // A failed actor's last snapshot carries the error; show it rather than throw.
        error: () => setSnapshot(ref.getSnapshot()),
      });
      return () => subscription.unsubscribe();
    };
    snapshotAtoms.set(ref, mirror);
    snapshotAtom = mirror;
  }
  return snapshotAtom as Atom<SnapshotFrom<TRef>>;
}

/**
 * The root actor's snapshot atom, which also starts the actor when first mounted (a component or
 * `store.sub`). It is not stopped on unmount, so React StrictMode's remount is harmless.
 */
export function rootSnapshotAtom<TRef extends AnyActorRef>(root: TRef): Atom<SnapshotFrom<TRef>> {
  const mirror = atom<unknown>(root.getSnapshot());
  mirror.onMount = (setSnapshot) => {
    const subscription = root.subscribe({
      next: (snapshot) => setSnapshot(snapshot),
      error: () => setSnapshot(root.getSnapshot()),
    });
    root.start();
    setSnapshot(root.getSnapshot());
    return () => subscription.unsubscribe();
  };
  return mirror as Atom<SnapshotFrom<TRef>>;
}
