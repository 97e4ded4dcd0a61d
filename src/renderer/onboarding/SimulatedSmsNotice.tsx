import Alert from '@mui/material/Alert';
import SmsOutlinedIcon from '@mui/icons-material/SmsOutlined';

/** The development server's stand-in for a real SMS, announced politely (role "status"). */
export function SimulatedSmsNotice({ code }: { code: string | null }) {
  return (
    <Alert
      role="status"
      severity="info"
      variant="outlined"
      icon={<SmsOutlinedIcon fontSize="inherit" />}
      sx={{ visibility: code === null ? 'hidden' : 'visible' }}
    >
      {code === null ? 'Waiting for the code…' : `Simulated SMS: your code is ${code}`}
    </Alert>
  );
}
