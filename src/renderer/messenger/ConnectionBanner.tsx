import Alert from '@mui/material/Alert';
import type { SessionBanner } from '../state/index.ts';

export interface ConnectionBannerProps {
  banner: SessionBanner;
}

const severity = { connecting: 'info', reconnecting: 'warning', offline: 'error' } as const;

/** Says why messages are not going out right now; they wait in the outbox meanwhile. */
export function ConnectionBanner({ banner }: ConnectionBannerProps) {
  return (
    <Alert role="status" severity={severity[banner.problem]} sx={{ borderRadius: 0 }}>
      {banner.text}
    </Alert>
  );
}
