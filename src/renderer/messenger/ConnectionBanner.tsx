import Alert from '@mui/material/Alert';

export type ConnectionProblem = 'reconnecting' | 'offline';

export interface ConnectionBannerProps {
  problem: ConnectionProblem;
}

const messages: Record<ConnectionProblem, string> = {
  reconnecting: 'Connection lost. Reconnecting…',
  offline: 'You are offline. Messages will be sent when you are back online.',
};

/** Says why messages are not going out right now; they wait in the outbox meanwhile. */
export function ConnectionBanner({ problem }: ConnectionBannerProps) {
  return (
    <Alert
      role="status"
      severity={problem === 'offline' ? 'error' : 'warning'}
      square
      sx={{ borderRadius: 0 }}
    >
      {messages[problem]}
    </Alert>
  );
}
