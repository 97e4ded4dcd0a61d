// Simulate mode: the diagram with the transitions possible now as buttons, and the panel with
// the payload, the machine input and the log (SimulatePanel.tsx).
import { Box } from '@mui/material';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Mark } from '../components/StatechartSvg.ts';
import { payloadText as templateText, templatesFor } from '../simulate/payloadTemplates.ts';
import type { Simulator, SimulationView } from '../simulate/simulator.ts';
import type { MachineStructure, TransitionStructure } from '../structure.ts';
import { Diagram, sidePanel } from './Diagram.tsx';
import {
  type EventOption,
  parseJson,
  SimulatePanel,
  type Simulations,
  useSimulation,
} from './SimulatePanel.tsx';
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
  const eventOptions = useMemo(
    () => eventOptionsNow(props.entry.name, props.structure, simulator, view),
    [props.entry.name, props.structure, simulator, view],
  );
  /** The template last picked, and the text it filled the payload with. */
  const [picked, setPicked] = useState<{ option: EventOption; text: string } | null>(null);
  const [templateNote, setTemplateNote] = useState<string | null>(null);
  const pickEvent = useCallback(
    (option: EventOption) => {
      const text = templateText(option.payload);
      setPicked({ option, text });
      setTemplateNote(null);
      setPayloadText(text);
    },
    [setPayloadText],
  );
  const fire = useCallback(
    (transition: TransitionStructure) => {
      if (!payload.ok) return;
      // What fires is what is shown: an arrow of another event than the template's fires with
      // the payload as it stands (never swapped for the arrow's own template), and says so.
      const label = eventLabel(transition);
      setTemplateNote(
        picked && picked.text === templateText(payload.value) && picked.option.eventLabel !== label
          ? `${label} fired with the payload shown, a template for ${picked.option.eventLabel}.`
          : null,
      );
      simulator.fire(transition, payload.value);
    },
    [payload, simulator, picked],
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
          eventOptions={eventOptions}
          pickedEventKey={picked?.option.key ?? null}
          onPickEvent={pickEvent}
          templateNote={templateNote}
        />
      </Box>
    </>
  );
}

/** How the picker names an arrow's event (from the structure, not the arrow's drawn label). */
function eventLabel(transition: TransitionStructure): string {
  switch (transition.kind) {
    case 'done.actor':
      return `done(${transition.invokeId ?? ''})`;
    case 'error.actor':
      return `error(${transition.invokeId ?? ''})`;
    case 'after':
      return `after(${transition.delay ?? ''})`;
    default:
      return transition.eventType;
  }
}

/**
 * The events the active states handle now, each template a picker entry: those whose template
 * enables one of the event's arrows first, then the rest (marked not possible now).
 */
function eventOptionsNow(
  machineName: string,
  structure: MachineStructure,
  simulator: Simulator,
  view: SimulationView,
): EventOption[] {
  const byEvent = new Map<string, TransitionStructure[]>();
  for (const transition of structure.transitions) {
    if (!view.handledTransitionIds.has(transition.id)) continue;
    const key = `${transition.kind}:${transition.eventType}`;
    byEvent.set(key, [...(byEvent.get(key) ?? []), transition]);
  }
  const options: EventOption[] = [];
  for (const [key, arrows] of byEvent) {
    const first = arrows[0];
    if (!first) continue;
    const variants = templatesFor(machineName, first) ?? [{ name: '', payload: {} }];
    variants.forEach((variant, index) => {
      const enabled = simulator.enabledWith(variant.payload);
      options.push({
        key: `${key}#${index}`,
        eventLabel: eventLabel(first),
        variantName: variant.name,
        payload: variant.payload,
        possible: arrows.some((arrow) => enabled.has(arrow.id)),
      });
    });
  }
  return [...options.filter((o) => o.possible), ...options.filter((o) => !o.possible)];
}
