import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useId } from 'react';
import { Limits } from '../../../server/protocol.ts';
import { BusyButton } from './BusyButton.tsx';
import { StepForm } from './StepForm.tsx';
import { formatCountdown, useCountdown } from './useCountdown.ts';

export interface CodeStepProps {
  /** Where the code went, as the user typed it (`+1 415-555-0132`). */
  phoneDisplay: string;
  code: string;
  /** The code is being checked. */
  verifying: boolean;
  /** The machine accepts `code.submitted` (6 digits, not already checking). */
  canSubmit: boolean;
  /** The machine accepts `code.resendRequested` (the countdown is over). */
  canResend: boolean;
  /** A new code is being requested. */
  resending: boolean;
  /** After a wrong code: attempts left on this code. */
  triesLeft: number | null;
  /** When resend becomes possible (epoch ms), from the machine. */
  resendAvailableAt: number | null;
  failure: string | null;
  /** Clock for the countdown label (tests pass a fake). */
  now?: () => number;
  onCodeChange: (text: string) => void;
  onCodePaste: (text: string) => void;
  onSubmit: () => void;
  onResend: () => void;
  onChangeNumber: () => void;
}

export function CodeStep(props: CodeStepProps) {
  const { verifying, canResend, resending } = props;
  const secondsLeft = useCountdown(
    canResend || resending ? null : props.resendAvailableAt,
    props.now,
  );
  const resendHintId = useId();
  const countingDown = !canResend && !resending && secondsLeft > 0;
  return (
    <StepForm
      title="Enter the code"
      description={`We sent a ${Limits.codeLength}-digit code to ${props.phoneDisplay}.`}
      failure={props.failure}
      onSubmit={props.onSubmit}
    >
      <TextField
        label="Verification code"
        value={props.code}
        autoFocus
        helperText={verifying ? 'Checking the code…' : triesLeftText(props.triesLeft)}
        onChange={(event) => props.onCodeChange(event.target.value)}
        onPaste={(event) => {
          event.preventDefault();
          props.onCodePaste(event.clipboardData.getData('text'));
        }}
        slotProps={{
          htmlInput: {
            inputMode: 'numeric',
            autoComplete: 'one-time-code',
            readOnly: verifying,
            style: { letterSpacing: '0.4em', fontSize: '1.4rem' },
          },
        }}
      />
      <BusyButton busy={verifying} disabled={!props.canSubmit}>
        Verify
      </BusyButton>
      <Stack direction="row" sx={{ justifyContent: 'space-between', alignItems: 'flex-start' }}>
        <Button onClick={props.onChangeNumber} sx={{ whiteSpace: 'nowrap' }}>
          Change number
        </Button>
        <Stack sx={{ alignItems: 'flex-end' }}>
          <Button
            onClick={props.onResend}
            disabled={!canResend}
            aria-describedby={countingDown ? resendHintId : undefined}
            sx={{ whiteSpace: 'nowrap' }}
          >
            Resend code
          </Button>
          {countingDown && (
            <Typography id={resendHintId} variant="caption" sx={{ color: 'text.secondary', pr: 1 }}>
              You can resend in {formatCountdown(secondsLeft)}
            </Typography>
          )}
        </Stack>
      </Stack>
    </StepForm>
  );
}

function triesLeftText(triesLeft: number | null): string {
  if (triesLeft === null) return ' ';
  return `${triesLeft} ${triesLeft === 1 ? 'try' : 'tries'} left`;
}
