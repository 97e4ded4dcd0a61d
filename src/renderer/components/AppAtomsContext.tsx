import { createContext, useContext, type ReactNode } from 'react';
import type { AppAtoms } from '../state/index.ts';

const AppAtomsContext = createContext<AppAtoms | null>(null);

/** Hands the app's atoms (built once at start-up from the provided app machine) to the views. */
export function AppAtomsProvider({ atoms, children }: { atoms: AppAtoms; children: ReactNode }) {
  return <AppAtomsContext value={atoms}>{children}</AppAtomsContext>;
}

/**
 * The atoms views read (`useAtomValue(useAppAtoms().sidebarRowsAtom)`) and the senders they
 * write (`useSetAtom(useAppAtoms().sendToMessengerAtom)`). Throws outside the provider.
 */
export function useAppAtoms(): AppAtoms {
  const atoms = useContext(AppAtomsContext);
  if (atoms === null) throw new Error('useAppAtoms() needs an <AppAtomsProvider> above it');
  return atoms;
}
