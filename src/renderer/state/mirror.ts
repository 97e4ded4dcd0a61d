// A thin mirror of an actor tree into one Jotai atom. jotai-xstate 0.6.1 loads fine with
// Jotai 3, but its `atomWithActorSnapshot` keeps the first actor's subscription and snapshot
// when the actor it reads changes, and the app's children (onboarding, session, messenger)
// come and go with sign-in and sign-out. This follows every child as it appears instead.
import { atom, type Atom } from 'jotai/vanilla';
import type { AnyActorRef, Subscription } from 'xstate';

/**
 * An atom whose value is `read()`, refreshed whenever the root actor or any of its direct
 * children emits a snapshot. The root starts when the atom is first mounted (a component or
 * `store.sub`) and is not stopped on unmount, so React StrictMode's remount is harmless.
 */
export function atomMirroringActorTree<T>(root: AnyActorRef, read: () => T): Atom<T> {
  const valueAtom = atom(read());
  valueAtom.onMount = (setValue) => {
    const childSubscriptions = new Map<AnyActorRef, Subscription>();
    const followChildren = () => {
      const children = new Set<AnyActorRef>(
        Object.values(root.getSnapshot().children ?? {}) as AnyActorRef[],
      );
      for (const [child, subscription] of childSubscriptions) {
        if (!children.has(child)) {
          subscription.unsubscribe();
          childSubscriptions.delete(child);
        }
      }
      for (const child of children) {
        if (!childSubscriptions.has(child)) {
          childSubscriptions.set(child, child.subscribe({ next: refresh, error: refresh }));
        }
      }
    };
    const refresh = () => {
      followChildren();
      setValue(read());
    };
    const rootSubscription = root.subscribe({ next: refresh, error: refresh });
    root.start();
    refresh();
    return () => {
      rootSubscription.unsubscribe();
      for (const subscription of childSubscriptions.values()) subscription.unsubscribe();
      childSubscriptions.clear();
    };
  };
  return valueAtom;
}
