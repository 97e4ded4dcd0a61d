import { useEffect, useState, type JSX } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';

/** Dispatched on window when the shell's menu asks for the list (Help > Keyboard Shortcuts). */
export const showShortcutsEvent = 'parley:show-shortcuts';

const isMac = () => /Mac|iPhone|iPad/.test(globalThis.navigator?.platform ?? '');

/** The shortcuts the messenger has, as a person would read them on this system. */
export function shortcutList(mac = isMac()): { keys: string[]; does: string }[] {
  const mod = mac ? '⌘' : 'Ctrl';
  const alt = mac ? '⌥' : 'Alt';
  return [
    { keys: ['Enter'], does: 'Send the message' },
    { keys: ['Shift', 'Enter'], does: 'New line in the message' },
    { keys: [alt, '↑'], does: 'Previous conversation in the list' },
    { keys: [alt, '↓'], does: 'Next conversation in the list' },
    { keys: [mod, 'K'], does: 'Search messages' },
    { keys: [mod, 'F'], does: 'Search messages' },
    { keys: ['↑'], does: 'Edit your last message (in the empty message field)' },
    { keys: ['Shift', 'F10'], does: "A message's actions (with the focus on its toolbar)" },
    { keys: ['Esc'], does: 'Cancel a reply or an edit; else close the conversation or dialog' },
    { keys: [mod, '/'], does: 'Show these shortcuts' },
  ];
}

/**
 * The keyboard shortcuts, as Signal (Ctrl+/) and Telegram list theirs: opened by Ctrl+/ (⌘/ on
 * a Mac) in the page, or by the desktop app's Help > Keyboard Shortcuts. A static list: what
 * it shows never changes while it is open, so it keeps no machine of its own.
 */
export function KeyboardShortcutsDialog(): JSX.Element {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const show = () => setOpen(true);
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== '/' || event.altKey || event.shiftKey) return;
      if (!(isMac() ? event.metaKey : event.ctrlKey) || event.isComposing) return;
      event.preventDefault();
      setOpen(true);
    };
    window.addEventListener(showShortcutsEvent, show);
    window.addEventListener('keydown', onKeyDown);
    return () => {
      window.removeEventListener(showShortcutsEvent, show);
      window.removeEventListener('keydown', onKeyDown);
    };
  }, []);
  const close = () => setOpen(false);
  return (
    <Dialog open={open} onClose={close} fullWidth maxWidth="xs" aria-labelledby="shortcuts-title">
      <DialogTitle id="shortcuts-title">Keyboard shortcuts</DialogTitle>
      <DialogContent>
        <Box
          component="dl"
          sx={{ display: 'grid', gridTemplateColumns: 'auto 1fr', columnGap: 2, rowGap: 1, m: 0 }}
        >
          {shortcutList().map(({ keys, does }) => (
            <Box key={keys.join('+')} sx={{ display: 'contents' }}>
              <Box component="dt" sx={{ whiteSpace: 'nowrap' }}>
                {keys.map((key, index) => (
                  <span key={key}>
                    {index > 0 && ' + '}
                    <Box
                      component="kbd"
                      sx={{
                        px: 0.75,
                        py: 0.25,
                        border: 1,
                        borderColor: 'divider',
                        borderRadius: 1,
                        fontFamily: 'inherit',
                        fontSize: '0.85em',
                      }}
                    >
                      {key}
                    </Box>
                  </span>
                ))}
              </Box>
              <Box component="dd" sx={{ m: 0 }}>
                {does}
              </Box>
            </Box>
          ))}
        </Box>
      </DialogContent>
      <DialogActions>
        <Button onClick={close}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
