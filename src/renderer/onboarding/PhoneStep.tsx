import InputAdornment from '@mui/material/InputAdornment';
import TextField from '@mui/material/TextField';
import { BusyButton } from './BusyButton.tsx';
import { CountrySelect } from './CountrySelect.tsx';
import { StepForm } from './StepForm.tsx';

export interface PhoneStepProps {
  country: string;
  callingCode: string;
  /** The number as the machine formats it (`415-555-0132`). */
  phoneFormatted: string;
  /** The machine accepts `phone.submitted` (a real, valid number). */
  canSubmit: boolean;
  /** The code request is on its way. */
  busy: boolean;
  failure: string | null;
  locale: string;
  onCountryChange: (country: string) => void;
  onPhoneChange: (text: string) => void;
  onPhonePaste: (text: string) => void;
  onSubmit: () => void;
}

export function PhoneStep(props: PhoneStepProps) {
  const { phoneFormatted, canSubmit, busy } = props;
  const looksIncomplete = phoneFormatted.length > 0 && !canSubmit;
  // While an international number is typed ("+44 20") its own code is in the field.
  const typingInternational = phoneFormatted.startsWith('+');
  return (
    <StepForm
      title="Your phone number"
      description="Choose your country and enter your number. We will text you a code."
      failure={props.failure}
      onSubmit={props.onSubmit}
    >
      <CountrySelect
        country={props.country}
        locale={props.locale}
        disabled={busy}
        onChange={props.onCountryChange}
      />
      <TextField
        label="Phone number"
        value={phoneFormatted}
        autoFocus
        disabled={busy}
        helperText={looksIncomplete ? 'Not a valid number for this country yet.' : ' '}
        onChange={(event) => props.onPhoneChange(event.target.value)}
        onPaste={(event) => {
          event.preventDefault();
          props.onPhonePaste(event.clipboardData.getData('text'));
        }}
        slotProps={{
          input: {
            startAdornment: typingInternational ? undefined : (
              <InputAdornment position="start">+{props.callingCode}</InputAdornment>
            ),
          },
          htmlInput: { inputMode: 'tel', autoComplete: 'tel-national' },
        }}
      />
      <BusyButton busy={busy} disabled={!canSubmit}>
        Next
      </BusyButton>
    </StepForm>
  );
}
