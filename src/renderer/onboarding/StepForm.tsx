import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useId, type FormEvent, type ReactNode } from 'react';

export interface StepFormProps {
  title: string;
  description: ReactNode;
  /** The machine's last failure on this step, in plain words. */
  failure: string | null;
  onSubmit: () => void;
  children: ReactNode;
}

/** One onboarding step: a titled form whose failure shows inline, above the actions. */
export function StepForm({ title, description, failure, onSubmit, children }: StepFormProps) {
  const titleId = useId();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit();
  };
  return (
    <Box component="form" noValidate aria-labelledby={titleId} onSubmit={submit}>
      <Stack spacing={2.5}>
        <div>
          <Typography id={titleId} variant="h5" component="h1" gutterBottom>
            {title}
          </Typography>
          <Typography variant="body2" sx={{ color: 'text.secondary' }}>
            {description}
          </Typography>
        </div>
        {children}
        {failure !== null && (
          <Alert severity="error" role="alert">
            {failure}
          </Alert>
        )}
      </Stack>
    </Box>
  );
}
