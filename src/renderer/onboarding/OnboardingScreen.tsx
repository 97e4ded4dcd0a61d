import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useAtomValue, useSetAtom, type Atom } from 'jotai';
import type { VerificationCodeDelivered } from '../../../server/protocol.ts';
import { useAppAtoms } from '../components/AppAtomsContext.tsx';
import { LoadingState } from '../components/LoadingState.tsx';
import { CodeStep } from './CodeStep.tsx';
import { NameStep } from './NameStep.tsx';
import { PhoneStep } from './PhoneStep.tsx';
import { SimulatedSmsNotice } from './SimulatedSmsNotice.tsx';

export interface OnboardingScreenProps {
  simulatedSmsAtom: Atom<VerificationCodeDelivered | null>;
  /** Names the countries in the picker. */
  locale?: string;
  /** Clock for the resend countdown label (tests pass a fake). */
  now?: () => number;
}

/** The onboarding steps, as the onboarding machine says: reads its view atom, sends its events. */
export function OnboardingScreen({
  simulatedSmsAtom,
  locale = navigator.language,
  now,
}: OnboardingScreenProps) {
  const atoms = useAppAtoms();
  const view = useAtomValue(atoms.onboardingViewAtom);
  const notice = useAtomValue(atoms.appNoticeAtom);
  const sms = useAtomValue(simulatedSmsAtom);
  const send = useSetAtom(atoms.sendToOnboardingAtom);
  if (view === null) return null;

  return (
    <Box
      component="main"
      sx={{
        minHeight: '100vh',
        display: 'grid',
        placeItems: 'center',
        p: 2,
        bgcolor: 'background.default',
      }}
    >
      <Paper variant="outlined" sx={{ width: '100%', maxWidth: 440, p: { xs: 3, sm: 4 } }}>
        <Stack spacing={3}>
          <Typography variant="overline" color="primary" sx={{ fontWeight: 700, letterSpacing: 2 }}>
            Parley
          </Typography>
          {notice !== null && <Alert severity="warning">{notice}</Alert>}
          {view.step === 'phone' && (
            <PhoneStep
              country={view.country}
              callingCode={view.callingCode}
              phoneFormatted={view.phoneFormatted}
              canSubmit={view.canSubmitPhone}
              busy={view.busy}
              failure={view.failure}
              locale={locale}
              onCountryChange={(country) => send({ type: 'country.changed', country })}
              onPhoneChange={(text) => send({ type: 'phone.changed', text })}
              onPhonePaste={(text) => send({ type: 'phone.pasted', text })}
              onSubmit={() => send({ type: 'phone.submitted' })}
            />
          )}
          {view.step === 'code' && (
            <>
              <CodeStep
                phoneDisplay={view.phoneDisplay}
                code={view.code}
                verifying={view.verifying}
                canSubmit={view.canSubmitCode}
                canResend={view.canResend}
                resending={view.resending}
                resendAvailableAt={view.resendAvailableAt}
                triesLeft={view.triesLeft}
                failure={view.failure}
                {...(now ? { now } : {})}
                onCodeChange={(text) => send({ type: 'code.changed', text })}
                onCodePaste={(text) => send({ type: 'code.pasted', text })}
                onSubmit={() => send({ type: 'code.submitted' })}
                onResend={() => send({ type: 'code.resendRequested' })}
                onChangeNumber={() => send({ type: 'phone.editRequested' })}
              />
              <SimulatedSmsNotice
                code={
                  sms && view.sentCodeUsable && sameNumber(sms.phone, view.phoneDisplay)
                    ? sms.code
                    : null
                }
              />
            </>
          )}
          {view.step === 'done' && <LoadingState label="Signing you in…" />}
          {view.step === 'name' && (
            <NameStep
              firstName={view.firstName}
              lastName={view.lastName}
              canSubmit={view.canSubmitName}
              busy={view.busy}
              failure={view.failure}
              onFirstNameChange={(text) => send({ type: 'firstName.changed', text })}
              onLastNameChange={(text) => send({ type: 'lastName.changed', text })}
              onSubmit={() => send({ type: 'name.submitted' })}
            />
          )}
        </Stack>
      </Paper>
    </Box>
  );
}

/** The SMS is for the number on screen (`+14155550132` vs `+1 415-555-0132`). */
function sameNumber(e164: string, display: string): boolean {
  return e164.replace(/\D/g, '') === display.replace(/\D/g, '');
}
