import Box from '@mui/material/Box';
import CircularProgress from '@mui/material/CircularProgress';
import Typography from '@mui/material/Typography';

/** A centred spinner with words, for waits the user cannot act on (restoring, signing out). */
export function LoadingState({
  label,
  fullScreen = false,
}: {
  label: string;
  fullScreen?: boolean;
}) {
  return (
    <Box
      role="status"
      aria-live="polite"
      sx={{
        display: 'grid',
        placeItems: 'center',
        gap: 2,
        p: 4,
        ...(fullScreen ? { minHeight: '100vh', bgcolor: 'background.default' } : {}),
      }}
    >
      <CircularProgress aria-label={label} />
      <Typography sx={{ color: 'text.secondary' }}>{label}</Typography>
    </Box>
  );
}
