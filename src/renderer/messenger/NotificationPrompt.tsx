import { useAtomValue, useSetAtom } from 'jotai';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import { useAppAtoms } from '../components/AppAtomsContext.tsx';

/**
 * The one-time offer to turn notifications on, at the top of the sidebar (as Signal's and
 * Telegram's web apps do): nothing is asked on load, the browser's dialog opens only when the
 * person chooses to, and "Not now" is remembered. Shown while the messenger offers it.
 */
export function NotificationPrompt() {
  const atoms = useAppAtoms();
  const offered = useAtomValue(atoms.notificationPromptAtom);
  const send = useSetAtom(atoms.sendToMessengerAtom);
  if (!offered) return null;
  return (
    <Box
      role="group"
      aria-label="Notifications"
      sx={{ px: 2, py: 1.5, borderBottom: 1, borderColor: 'divider', bgcolor: 'action.hover' }}
    >
      <Typography variant="body2" sx={{ mb: 1 }}>
        Get a notification when a message comes while Parley is in the background.
      </Typography>
      <Box sx={{ display: 'flex', gap: 1 }}>
        <Button size="small" variant="contained" onClick={() => send({ type: 'prompt.accepted' })}>
          Turn on notifications
        </Button>
        <Button size="small" onClick={() => send({ type: 'prompt.declined' })}>
          Not now
        </Button>
      </Box>
    </Box>
  );
}
