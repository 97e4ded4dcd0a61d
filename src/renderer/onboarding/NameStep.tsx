import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { isValidName, Limits } from '../../../server/protocol.ts';
import { BusyButton } from './BusyButton.tsx';
import { StepForm } from './StepForm.tsx';

export interface NameStepProps {
  firstName: string;
  lastName: string;
  /** The machine accepts `name.submitted` (both names long enough). */
  canSubmit: boolean;
  busy: boolean;
  failure: string | null;
  onFirstNameChange: (text: string) => void;
  onLastNameChange: (text: string) => void;
  onSubmit: () => void;
}

const tooShort = `At least ${Limits.nameMinGraphemes} characters.`;

/** Says what is wrong with a name the user has started typing (nothing for an empty field). */
function hintFor(name: string): string {
  return name.trim().length > 0 && !isValidName(name) ? tooShort : ' ';
}

export function NameStep(props: NameStepProps) {
  const { firstName, lastName, busy } = props;
  return (
    <StepForm
      title="Your name"
      description="This is how people will see you in Parley."
      failure={props.failure}
      onSubmit={props.onSubmit}
    >
      <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2}>
        <TextField
          label="First name"
          value={firstName}
          autoFocus
          fullWidth
          disabled={busy}
          error={hintFor(firstName) !== ' '}
          helperText={hintFor(firstName)}
          onChange={(event) => props.onFirstNameChange(event.target.value)}
          slotProps={{ htmlInput: { autoComplete: 'given-name' } }}
        />
        <TextField
          label="Last name"
          value={lastName}
          fullWidth
          disabled={busy}
          error={hintFor(lastName) !== ' '}
          helperText={hintFor(lastName)}
          onChange={(event) => props.onLastNameChange(event.target.value)}
          slotProps={{ htmlInput: { autoComplete: 'family-name' } }}
        />
      </Stack>
      <BusyButton busy={busy} disabled={!props.canSubmit}>
        Finish
      </BusyButton>
    </StepForm>
  );
}
