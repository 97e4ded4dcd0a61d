import { useAtomValue, useSetAtom } from 'jotai';
import IconButton from '@mui/material/IconButton';
import Tooltip from '@mui/material/Tooltip';
import NotificationsNoneOutlined from '@mui/icons-material/NotificationsNoneOutlined';
import NotificationsOffOutlined from '@mui/icons-material/NotificationsOffOutlined';
import { useAppAtoms } from '../components/AppAtomsContext.tsx';

/**
 * Mutes or unmutes the open conversation's notifications (a toggle: pressed while muted). The
 * server keeps it, so it holds after a reload and in the person's other windows.
 */
export function MuteButton() {
  const atoms = useAppAtoms();
  const muted = useAtomValue(atoms.openConversationAtom)?.muted ?? false;
  const send = useSetAtom(atoms.sendToOpenConversationAtom);
  const label = muted ? 'Unmute notifications' : 'Mute notifications';
  return (
    <Tooltip title={label}>
      <IconButton
        aria-label={label}
        aria-pressed={muted}
        onClick={() => send({ type: 'mute.toggled' })}
      >
        {muted ? <NotificationsOffOutlined /> : <NotificationsNoneOutlined />}
      </IconButton>
    </Tooltip>
  );
}
