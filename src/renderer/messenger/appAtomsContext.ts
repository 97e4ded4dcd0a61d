// How the messenger finds the app's atoms: the app root builds them once (createAppAtoms with
// the real actors, or fakes in tests) and provides them here.
import { createContext, useContext } from 'react';
import type { AppAtoms } from '../state/index.ts';

export const AppAtomsContext = createContext<AppAtoms | null>(null);

export function useAppAtoms(): AppAtoms {
  const atoms = useContext(AppAtomsContext);
  if (!atoms) throw new Error('useAppAtoms: render inside <AppAtomsContext value={atoms}>');
  return atoms;
}
