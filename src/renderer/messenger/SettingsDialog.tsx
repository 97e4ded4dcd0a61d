import { useCallback, useId, type FormEvent, type JSX } from 'react';
import { useAtomValue, useSetAtom } from 'jotai';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Divider from '@mui/material/Divider';
import FormControlLabel from '@mui/material/FormControlLabel';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemText from '@mui/material/ListItemText';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import Stack from '@mui/material/Stack';
import Switch from '@mui/material/Switch';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useColorScheme } from '@mui/material/styles';
import { avatarColours } from '../../../server/protocol.ts';
import { Avatar } from '../components/Avatar.tsx';
import { useAppAtoms } from '../components/AppAtomsContext.tsx';
import type { DeviceRow, SettingsView, SettingsViewEvent } from '../state/index.ts';
import { formatDayLabel, formatClockTime } from './formatTime.ts';
import { scalePicture } from './scalePicture.ts';

type Send = (event: SettingsViewEvent) => void;

/** A short name for what signed in, from its User-Agent ("Chrome on Linux", "Parley on macOS"). */
export function describeClient(userAgent: string): string {
  const app = /Electron\//.test(userAgent)
    ? 'Parley'
    : /Edg\//.test(userAgent)
      ? 'Edge'
      : /Firefox\//.test(userAgent)
        ? 'Firefox'
        : /Chrom(e|ium)\//.test(userAgent)
          ? 'Chrome'
          : /Safari\//.test(userAgent)
            ? 'Safari'
            : null;
  const os = /Windows/.test(userAgent)
    ? 'Windows'
    : /Mac OS X|Macintosh/.test(userAgent)
      ? 'macOS'
      : /Android/.test(userAgent)
        ? 'Android'
        : /iPhone|iPad/.test(userAgent)
          ? 'iOS'
          : /Linux/.test(userAgent)
            ? 'Linux'
            : null;
  if (app && os) return `${app} on ${os}`;
  return app ?? os ?? (userAgent.trim().slice(0, 60) || 'Unknown device');
}

function lastSeen(epochMs: number): string {
  return `Last seen ${formatDayLabel(epochMs, Date.now())}, ${formatClockTime(epochMs)}`;
}

/**
 * Settings: the person's name, avatar colour and phone discovery (the settings machine), their
 * signed-in devices with revoke, the theme (a preference of this device), and Sign out.
 */
export function SettingsDialog(): JSX.Element | null {
  const atoms = useAppAtoms();
  const view = useAtomValue(atoms.settingsAtom);
  const send = useSetAtom(atoms.sendToSettingsAtom);
  const sendToApp = useSetAtom(atoms.sendToAppAtom);
  const close = useCallback(() => send({ type: 'settings.closed' }), [send]);
  const signOut = useCallback(() => sendToApp({ type: 'signOut.requested' }), [sendToApp]);
  if (!view) return null;
  return (
    <Dialog open onClose={close} fullWidth maxWidth="sm" aria-labelledby="settings-title">
      <DialogTitle id="settings-title">Settings</DialogTitle>
      <DialogContent>
        <Stack spacing={3} divider={<Divider flexItem />}>
          <ProfileSection view={view} send={send} />
          <DevicesSection view={view} send={send} onSignOut={signOut} />
          <AppearanceSection />
        </Stack>
      </DialogContent>
      <DialogActions sx={{ justifyContent: 'space-between', px: 3, pb: 2 }}>
        <Button color="error" onClick={signOut}>
          Sign out
        </Button>
        <Button onClick={close}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  const id = useId();
  return (
    <Box component="section" aria-labelledby={id}>
      <Typography id={id} variant="subtitle1" component="h3" sx={{ fontWeight: 600, mb: 1 }}>
        {title}
      </Typography>
      {children}
    </Box>
  );
}

function ProfileSection({ view, send }: { view: SettingsView; send: Send }) {
  const saving = view.profile === 'savingProfile';
  const submit = (event: FormEvent) => {
    event.preventDefault();
    send({ type: 'profile.submitted' });
  };
  const chosen = avatarColours.find((choice) => choice.color === view.color?.toLowerCase());
  return (
    <Section title="Profile">
      <Box component="form" noValidate onSubmit={submit}>
        <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2}>
          <TextField
            label="First name"
            value={view.firstName}
            onChange={(event) => send({ type: 'firstName.changed', text: event.target.value })}
            error={view.firstNameError !== null}
            helperText={view.firstNameError ?? ' '}
            autoComplete="given-name"
            fullWidth
          />
          <TextField
            label="Last name"
            value={view.lastName}
            onChange={(event) => send({ type: 'lastName.changed', text: event.target.value })}
            error={view.lastNameError !== null}
            helperText={view.lastNameError ?? ' '}
            autoComplete="family-name"
            fullWidth
          />
        </Stack>
        <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
          <Button
            type="submit"
            variant="contained"
            disabled={saving}
            startIcon={saving ? <CircularProgress size={16} color="inherit" /> : undefined}
          >
            Save
          </Button>
          <Box role="status" sx={{ color: 'text.secondary', typography: 'body2' }}>
            {view.profile === 'saved' ? 'Saved.' : saving ? 'Saving…' : ''}
          </Box>
        </Stack>
        {view.profileError && (
          <Alert severity="error" sx={{ mt: 1 }}>
            {view.profileError}
          </Alert>
        )}
      </Box>
      <PictureControls view={view} send={send} />
      <Typography id="avatar-colour-label" variant="body2" sx={{ mt: 2, mb: 0.5 }}>
        Avatar colour{chosen ? `: ${chosen.name}` : ''}
      </Typography>
      <RadioGroup
        row
        aria-labelledby="avatar-colour-label"
        value={chosen?.color ?? ''}
        onChange={(event) => send({ type: 'colour.picked', color: event.target.value })}
      >
        {avatarColours.map(({ color, name }) => (
          <Radio
            key={color}
            value={color}
            disabled={view.savingColour}
            slotProps={{ input: { 'aria-label': name } }}
            icon={<Swatch color={color} checked={false} />}
            checkedIcon={<Swatch color={color} checked />}
            sx={{ p: 0.5 }}
          />
        ))}
      </RadioGroup>
      {view.colourError && (
        <Alert severity="error" sx={{ mt: 1 }}>
          {view.colourError}
        </Alert>
      )}
      <FormControlLabel
        sx={{ mt: 2 }}
        control={
          <Switch
            checked={view.findableByPhone === true}
            disabled={view.savingFindable}
            onChange={(event) =>
              send({ type: 'findable.changed', findableByPhone: event.target.checked })
            }
          />
        }
        label="Let people find me by my phone number"
      />
      {view.findableError && (
        <Alert severity="error" sx={{ mt: 1 }}>
          {view.findableError}
        </Alert>
      )}
    </Section>
  );
}

function PictureControls({ view, send }: { view: SettingsView; send: Send }) {
  const choose = (event: React.ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    scalePicture(file).then(
      (image) => send({ type: 'picture.chosen', image }),
      () => send({ type: 'picture.unreadable' }),
    );
  };
  const person = {
    firstName: view.firstName,
    lastName: view.lastName,
    avatar: {
      initials: '',
      color: view.color ?? '#757575',
      ...(view.image ? { image: view.image } : {}),
    },
  };
  return (
    <Box sx={{ mt: 2 }}>
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
        <Avatar user={person} size={64} />
        <Button component="label" variant="outlined" disabled={view.savingPicture}>
          Upload picture
          <input
            hidden
            type="file"
            accept="image/png,image/jpeg,image/webp"
            aria-label="Upload picture"
            onChange={choose}
          />
        </Button>
        {view.image && (
          <Button
            color="error"
            disabled={view.savingPicture}
            onClick={() => send({ type: 'picture.removed' })}
          >
            Remove picture
          </Button>
        )}
        {view.savingPicture && <CircularProgress size={20} aria-label="Saving the picture" />}
      </Stack>
      {view.pictureError && (
        <Alert severity="error" sx={{ mt: 1 }}>
          {view.pictureError}
        </Alert>
      )}
    </Box>
  );
}

function Swatch({ color, checked }: { color: string; checked: boolean }) {
  return (
    <Box
      component="span"
      sx={{
        display: 'block',
        width: 28,
        height: 28,
        borderRadius: '50%',
        bgcolor: color,
        boxShadow: checked ? (theme) => `0 0 0 3px ${theme.palette.text.primary}` : 'none',
      }}
    />
  );
}

function DevicesSection({
  view,
  send,
  onSignOut,
}: {
  view: SettingsView;
  send: Send;
  onSignOut: () => void;
}) {
  return (
    <Section title="Devices">
      {view.devices === 'loadingSessions' && (
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }} role="status">
          <CircularProgress size={16} />
          <Typography variant="body2">Loading your devices…</Typography>
        </Stack>
      )}
      {view.devices === 'loadFailed' && (
        <Alert
          severity="error"
          action={
            <Button color="inherit" size="small" onClick={() => send({ type: 'sessions.retried' })}>
              Retry
            </Button>
          }
        >
          {view.devicesError ?? 'Your devices could not be loaded.'}
        </Alert>
      )}
      {view.devices !== 'loadingSessions' && view.devices !== 'loadFailed' && (
        <List dense aria-label="Signed-in devices">
          {view.sessions.map((session) => (
            <DeviceItem
              key={session.id}
              session={session}
              revoking={view.devices === 'revoking' && view.revokingId === session.id}
              disabled={view.devices === 'revoking'}
              onRevoke={() => send({ type: 'revoke.requested', sessionId: session.id })}
              onSignOut={onSignOut}
            />
          ))}
        </List>
      )}
      {view.devices === 'revoked' && (
        <Typography role="status" variant="body2" sx={{ color: 'text.secondary' }}>
          That device is signed out.
        </Typography>
      )}
      {view.devices === 'revokeFailed' && (
        <Alert severity="error">
          {view.devicesError ?? 'That device could not be signed out.'}
        </Alert>
      )}
    </Section>
  );
}

function DeviceItem({
  session,
  revoking,
  disabled,
  onRevoke,
  onSignOut,
}: {
  session: DeviceRow;
  revoking: boolean;
  disabled: boolean;
  onRevoke: () => void;
  onSignOut: () => void;
}) {
  const name = describeClient(session.client);
  return (
    <ListItem
      aria-label={session.current ? `${name}, this device` : name}
      secondaryAction={
        session.current ? (
          <Button size="small" onClick={onSignOut} aria-label="Sign out of this device">
            Sign out
          </Button>
        ) : (
          <Button
            size="small"
            color="error"
            disabled={disabled}
            onClick={onRevoke}
            aria-label={`Revoke ${name}`}
            startIcon={revoking ? <CircularProgress size={14} color="inherit" /> : undefined}
          >
            Revoke
          </Button>
        )
      }
    >
      <ListItemText
        primary={session.current ? `${name} (This device)` : name}
        secondary={lastSeen(session.lastSeenAt)}
      />
    </ListItem>
  );
}

/** The theme: a preference of this device, kept by MUI's colour-scheme storage. */
function AppearanceSection() {
  const { mode, setMode } = useColorScheme();
  return (
    <Section title="Appearance">
      <RadioGroup
        row
        aria-label="Theme"
        value={mode ?? 'system'}
        onChange={(event) => setMode(event.target.value as 'system' | 'light' | 'dark')}
      >
        <FormControlLabel value="system" control={<Radio />} label="System" />
        <FormControlLabel value="light" control={<Radio />} label="Light" />
        <FormControlLabel value="dark" control={<Radio />} label="Dark" />
      </RadioGroup>
    </Section>
  );
}
