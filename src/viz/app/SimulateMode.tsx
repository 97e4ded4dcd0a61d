// Simulate mode: the diagram with the transitions possible now as buttons, and the panel with
// the payload, the machine input and the log (SimulatePanel.tsx).
import { Box } from '@mui/material';
import { useCallback, useEffect, useMemo } from 'react';
import type { Mark } from '../components/StatechartSvg.ts';
import type { MachineStructure, TransitionStructure } from '../structure.ts';
import { Diagram, sidePanel } from './Diagram.tsx';
import { parseJson, SimulatePanel, type Simulations, useSimulation } from './SimulatePanel.tsx';
import type { VisualizerEntry } from './VisualizerApp.tsx';

export function SimulatedDiagram(props: {
  simulations: Simulations;
  entry: VisualizerEntry;
  structure: MachineStructure;
  transitionMarks: ReadonlyMap<string, Mark> | undefined;
  inputText: string;
  onInputChange(text: string): void;
  payloadText: string;
  onPayloadChange(text: string): void;
}) {
  const { simulator, view } = useSimulation(
    props.simulations,
    props.entry.name,
    props.entry.machine,
    props.structure,
    props.inputText,
  );
  const { payloadText, onPayloadChange: setPayloadText } = props;
  // The transitions the last step took, drawn bold on the diagram.
  const lastTaken = view.log.at(-1)?.taken;
  const taken = useMemo(() => new Set(lastTaken ?? []), [lastTaken]);
  const payload = useMemo(() => parseJson(payloadText), [payloadText]);
  const payloadError = payload.ok ? null : `Payload is not JSON: ${payload.error}`;
  // The arrows are judged with the payload as typed: one its event would not take is not offered.
  useEffect(() => {
    if (payload.ok) simulator.setPayload(payload.value);
  }, [payload, simulator]);
  const fire = useCallback(
    (transition: TransitionStructure) => {
      if (payload.ok) simulator.fire(transition, payload.value);
    },
    [payload, simulator],
  );
  return (
    <>
      <Box component="main" sx={{ flex: 1, overflow: 'auto', p: 1 }}>
        <Diagram
          structure={props.structure}
          title={props.entry.name}
          activeIds={view.activeIds}
          enabled={view.enabledTransitionIds}
          onFire={fire}
          taken={taken}
          {...(props.transitionMarks ? { transitionMarks: props.transitionMarks } : {})}
        />
      </Box>
      <Box component="aside" sx={sidePanel}>
        <SimulatePanel
          simulator={simulator}
          view={view}
          inputText={props.inputText}
          onInputChange={props.onInputChange}
          payloadText={payloadText}
          onPayloadChange={setPayloadText}
          payloadError={payloadError}
        />
      </Box>
    </>
  );
}
