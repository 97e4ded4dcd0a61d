import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import IconButton from '@mui/material/IconButton';
import Typography from '@mui/material/Typography';
import CloseIcon from '@mui/icons-material/Close';
import EditOutlinedIcon from '@mui/icons-material/EditOutlined';
import ReplyIcon from '@mui/icons-material/Reply';
import type { ComposerMode } from '../state/index.ts';

/**
 * Above the composer while it answers a message (who wrote it and its first words) or edits one
 * of the user's own (with the server's reason when a save was refused). Its close button, or
 * Escape in the field, cancels.
 */
export function ComposerBanner({
  mode,
  onCancel,
}: {
  mode: Exclude<ComposerMode, { kind: 'plain' }>;
  onCancel: () => void;
}) {
  const replying = mode.kind === 'replying';
  return (
    <Box sx={{ mb: 1 }}>
      {mode.kind === 'editing' && mode.error && (
        <Alert severity="error" aria-label="Edit not saved" sx={{ mb: 1 }}>
          {mode.error}
        </Alert>
      )}
      <Box
        role="status"
        aria-label={replying ? `Replying to ${mode.authorName}` : 'Editing message'}
        sx={{
          display: 'flex',
          alignItems: 'center',
          gap: 1,
          pl: 1,
          borderLeft: 3,
          borderColor: 'primary.main',
        }}
      >
        {replying ? (
          <ReplyIcon fontSize="small" color="primary" />
        ) : (
          <EditOutlinedIcon fontSize="small" color="primary" />
        )}
        <Box sx={{ flex: 1, minWidth: 0 }}>
          <Typography variant="caption" component="div" sx={{ fontWeight: 600 }}>
            {replying ? `Replying to ${mode.authorName}` : 'Editing message'}
          </Typography>
          {replying && (
            <Typography
              variant="caption"
              component="div"
              dir="auto"
              noWrap
              sx={{ color: 'text.secondary' }}
            >
              {mode.quote.snippet}
            </Typography>
          )}
        </Box>
        <IconButton
          size="small"
          aria-label={replying ? 'Cancel reply' : 'Cancel edit'}
          onClick={onCancel}
        >
          <CloseIcon fontSize="small" />
        </IconButton>
      </Box>
    </Box>
  );
}
