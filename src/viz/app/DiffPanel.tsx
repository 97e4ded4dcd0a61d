// Diff mode: pick a git ref; `npm run viz`'s server loads the machines at that ref and the
// page draws what changed since, like `npm run viz:diff`.
import { Alert, Box, Button, TextField, Typography } from '@mui/material';
import { useState } from 'react';
import type { MachineDiff } from '../diff/compare.ts';
import { machineSummary } from '../diff/summary.ts';
import { markColors } from '../components/StatechartSvg.ts';

export function DiffPanel(props: {
  available: boolean;
  loadedRef: string | null;
  /** The ref a deep link asked for, loading or loaded. */
  initialRef?: string | null;
  error: string | null;
  loading: boolean;
  onLoad(ref: string): void;
  name: string;
  machineId: string;
  diff: MachineDiff | null;
}) {
  const [ref, setRef] = useState(props.loadedRef ?? props.initialRef ?? 'HEAD~1');
  if (!props.available) {
    return <Alert severity="info">Diffs need the server of npm run viz (git access).</Alert>;
  }
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1.5 }}>
      <Box
        component="form"
        sx={{ display: 'flex', gap: 1 }}
        onSubmit={(event) => {
          event.preventDefault();
          props.onLoad(ref);
        }}
      >
        <TextField
          label="Compare with git ref"
          size="small"
          value={ref}
          onChange={(e) => setRef(e.target.value)}
        />
        <Button type="submit" variant="contained" disabled={props.loading}>
          Show diff
        </Button>
      </Box>
      {props.error ? <Alert severity="error">{props.error}</Alert> : null}
      <Typography variant="body2">
        <span style={{ color: markColors.added }}>added</span>,{' '}
        <span style={{ color: markColors.removed }}>removed</span>,{' '}
        <span style={{ color: markColors.changed }}>changed</span>
      </Typography>
      {props.diff && props.loadedRef ? (
        <Box
          component="pre"
          aria-label="Diff summary"
          sx={{ fontSize: 12, whiteSpace: 'pre-wrap' }}
        >
          {machineSummary({ name: props.name, diff: props.diff, machineId: props.machineId }).join(
            '\n',
          )}
        </Box>
      ) : null}
    </Box>
  );
}
