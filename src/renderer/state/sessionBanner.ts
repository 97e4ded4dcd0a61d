// The connection banner: shown whenever messages cannot flow right now.
import type { SessionSnapshot } from './snapshots.ts';

export type ConnectionProblem = 'connecting' | 'reconnecting' | 'offline';

export interface SessionBanner {
  problem: ConnectionProblem;
  text: string;
}

const texts: Record<ConnectionProblem, string> = {
  connecting: 'Connecting…',
  reconnecting: 'Connection lost. Reconnecting…',
  offline: 'You are offline. Messages will be sent when you are back online.',
};

export function toSessionBanner(snapshot: SessionSnapshot | null): SessionBanner | null {
  if (!snapshot || snapshot.status !== 'active') return null;
  let problem: ConnectionProblem | null = null;
  if (snapshot.matches('offline')) problem = 'offline';
  else if (snapshot.matches('reconnecting')) problem = 'reconnecting';
  else if (snapshot.matches({ connection: 'live' })) problem = null;
  else if (snapshot.matches('connection') || snapshot.matches('idle')) {
    // Until the first sync it is a first connection; after a loss, a reconnection.
    problem = snapshot.context.attempt > 0 ? 'reconnecting' : 'connecting';
  }
  return problem ? { problem, text: texts[problem] } : null;
}
