// The development server's simulated SMS (`verificationCodeDelivered`) as an atom, so the code
// step can show "Simulated SMS: your code is 123456". It is not machine state: it is what the
// phone would have shown, and the user still types (or pastes) the code.
import { atom, type Atom } from 'jotai/vanilla';
import type { VerificationCodeDelivered } from '../../../server/protocol.ts';

export interface CodeDeliveries {
  onCodeDelivered(listener: (delivery: VerificationCodeDelivered) => void): () => void;
}

/** The latest delivered code (null until one arrives); listens while mounted. */
export function createSimulatedSmsAtom(
  deliveries: CodeDeliveries,
): Atom<VerificationCodeDelivered | null> {
  const latest = atom<VerificationCodeDelivered | null>(null);
  latest.onMount = (set) => deliveries.onCodeDelivered(set);
  return latest;
}
