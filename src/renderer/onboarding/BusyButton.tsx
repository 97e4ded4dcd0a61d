import Button, { type ButtonProps } from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';

/** The step's main action: a submit button that shows a spinner while the request runs. */
export function BusyButton({
  busy,
  disabled,
  children,
  ...props
}: ButtonProps & { busy: boolean }) {
  return (
    <Button
      type="submit"
      variant="contained"
      size="large"
      {...props}
      disabled={disabled || busy}
      aria-busy={busy}
      endIcon={busy ? <CircularProgress size={18} color="inherit" aria-hidden="true" /> : undefined}
    >
      {children}
    </Button>
  );
}
