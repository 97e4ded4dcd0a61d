import type { ReactNode } from 'react';
// One context for the whole renderer: the messenger views already read this one.
import { AppAtomsContext, useAppAtoms } from '../messenger/appAtomsContext.ts';
import type { AppAtoms } from '../state/index.ts';

export { useAppAtoms };

/** Hands the app's atoms (built once at start-up from the provided app machine) to the views. */
export function AppAtomsProvider({ atoms, children }: { atoms: AppAtoms; children: ReactNode }) {
  return <AppAtomsContext value={atoms}>{children}</AppAtomsContext>;
}
