import Box from '@mui/material/Box';
import Skeleton from '@mui/material/Skeleton';
import useMediaQuery from '@mui/material/useMediaQuery';
import { ONE_PANE_QUERY, SIDEBAR_WIDTH } from './layout.ts';

const PLACEHOLDER_ROWS = 6;

/**
 * The messenger's shape while the first sync is under way, so nothing jumps when it lands: in a
 * narrow window the list alone, as the messenger opens with no conversation.
 */
export function MessengerSkeleton() {
  const onePane = useMediaQuery(ONE_PANE_QUERY, { noSsr: true });
  return (
    <Box
      role="progressbar"
      aria-label="Loading conversations"
      aria-busy="true"
      sx={{ display: 'flex', height: '100%' }}
    >
      <Box
        sx={
          onePane
            ? { flex: 1, p: 1.5 }
            : {
                width: SIDEBAR_WIDTH,
                flexShrink: 0,
                borderRight: 1,
                borderColor: 'divider',
                p: 1.5,
              }
        }
      >
        {Array.from({ length: PLACEHOLDER_ROWS }, (_, index) => (
          <Box key={index} sx={{ display: 'flex', gap: 1.5, alignItems: 'center', py: 1 }}>
            <Skeleton variant="circular" width={44} height={44} />
            <Box sx={{ flex: 1 }}>
              <Skeleton width="60%" />
              <Skeleton width="85%" />
            </Box>
          </Box>
        ))}
      </Box>
      {!onePane && (
        <Box sx={{ flex: 1, p: 2, display: 'flex', flexDirection: 'column', gap: 1.5 }}>
          <Skeleton variant="rounded" width="40%" height={36} />
          <Skeleton variant="rounded" width="55%" height={48} sx={{ alignSelf: 'flex-end' }} />
          <Skeleton variant="rounded" width="45%" height={48} />
        </Box>
      )}
    </Box>
  );
}
