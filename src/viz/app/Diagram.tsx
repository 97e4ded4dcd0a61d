// The page's statechart: lays the structure out and draws it with the marks the mode asks for.
import { Typography } from '@mui/material';
import { StatechartSvg, type Mark } from '../components/StatechartSvg.ts';
import type { MachineStructure, TransitionStructure } from '../structure.ts';
import { useStatechartLayout } from './useStatechartLayout.ts';

/** The mode panel beside the diagram. */
export const sidePanel = {
  width: 360,
  flexShrink: 0,
  borderLeft: '1px solid #ddd',
  p: 1.5,
  overflow: 'auto',
  display: 'flex',
  flexDirection: 'column',
} as const;

export function Diagram(props: {
  structure: MachineStructure;
  title: string;
  activeIds?: ReadonlySet<string>;
  enabled?: ReadonlySet<string>;
  onFire?: (t: TransitionStructure) => void;
  stateMarks?: ReadonlyMap<string, Mark>;
  transitionMarks?: ReadonlyMap<string, Mark>;
  taken?: ReadonlySet<string>;
}) {
  const layout = useStatechartLayout(props.structure);
  if (!layout) return <Typography sx={{ p: 2 }}>Laying out {props.title}…</Typography>;
  return (
    <StatechartSvg
      layout={layout}
      title={`${props.title} statechart`}
      idPrefix="page"
      {...(props.activeIds ? { activeStateIds: props.activeIds } : {})}
      {...(props.enabled ? { enabledTransitionIds: props.enabled } : {})}
      {...(props.onFire ? { onTransitionClick: props.onFire } : {})}
      {...(props.stateMarks ? { stateMarks: props.stateMarks } : {})}
      {...(props.transitionMarks ? { transitionMarks: props.transitionMarks } : {})}
      {...(props.taken ? { takenTransitionIds: props.taken } : {})}
    />
  );
}
