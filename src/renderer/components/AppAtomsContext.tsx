// How views find the app's atoms: the app root builds them once (createAppAtoms with the real
// actors, or fakes in tests) and provides them here.
import { createContext, type ReactNode, useContext } from 'react';
import type { AppAtoms } from '../state/index.ts';

export const AppAtomsContext = createContext<AppAtoms | null>(null);

export function useAppAtoms(): AppAtoms {
  const atoms = useContext(AppAtomsContext);
  if (!atoms) throw new Error('useAppAtoms: render inside <AppAtomsProvider atoms={atoms}>');
  return atoms;
}

/** Hands the app's atoms to the views. */
export function AppAtomsProvider({ atoms, children }: { atoms: AppAtoms; children: ReactNode }) {
  return <AppAtomsContext value={atoms}>{children}</AppAtomsContext>;
}
