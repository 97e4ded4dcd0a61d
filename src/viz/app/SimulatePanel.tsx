// Simulate mode: the machine runs in the page with inert actors; the transitions possible now
// are buttons on the diagram; a payload editor supplies event fields (or an actor's output or
// error); the log shows the context after each step.
import { Alert, Box, Button, ListItemText, MenuItem, TextField, Typography } from '@mui/material';
import { useMemo, useState, useSyncExternalStore } from 'react';
import type { AnyStateMachine } from 'xstate';
import { Simulator } from '../simulate/simulator.ts';
import type { MachineStructure, TransitionStructure } from '../structure.ts';
import { EventLog, stateValueText } from './EventLog.tsx';

/** One entry of the Event picker: an event the active states handle now, with one template. */
export interface EventOption {
  key: string;
  /** `code.changed`, `done(verifyCode)`, `error(verifyCode)`, `after(resendCountdown)`. */
  eventLabel: string;
  /** The template's variant ("complete code"), "" when the event has one. */
  variantName: string;
  payload: unknown;
  /** Whether this template enables one of the event's arrows now. */
  possible: boolean;
}

export interface SimulationControls {
  activeIds: ReadonlySet<string>;
  enabledTransitionIds: ReadonlySet<string>;
  fire(transition: TransitionStructure): void;
}

/** How the log tells what a step did. */
const outcomeText = {
  start: '',
  moved: '',
  handled: ' (handled, state unchanged)',
  ignored: ' (ignored: no transition took it)',
} as const;

export function parseJson(
  text: string,
): { ok: true; value: unknown } | { ok: false; error: string } {
  if (text.trim() === '') return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : 'invalid JSON' };
  }
}

/**
 * The page's simulations, one per machine, kept while the page is open: switching to another
 * machine and back finds the simulation where it was left. A machine's simulation starts over
 * only when its input changes (or on Reset).
 */
export class Simulations {
  readonly #byName = new Map<
    string,
    { machine: AnyStateMachine; inputText: string; simulator: Simulator }
  >();

  get(
    name: string,
    machine: AnyStateMachine,
    structure: MachineStructure,
    inputText: string,
  ): Simulator {
    const kept = this.#byName.get(name);
    if (kept && kept.machine === machine && kept.inputText === inputText) return kept.simulator;
    kept?.simulator.stop();
    // The page only passes input that parsed (Reset refuses invalid JSON, see below).
    const input = parseJson(inputText);
    const simulator = new Simulator(machine, structure, input.ok ? input.value : {});
    simulator.start();
    this.#byName.set(name, { machine, inputText, simulator });
    return simulator;
  }

  stopAll(): void {
    for (const { simulator } of this.#byName.values()) simulator.stop();
    this.#byName.clear();
  }
}

export function useSimulation(
  simulations: Simulations,
  name: string,
  machine: AnyStateMachine,
  structure: MachineStructure,
  inputText: string,
) {
  const simulator = useMemo(
    () => simulations.get(name, machine, structure, inputText),
    [simulations, name, machine, structure, inputText],
  );
  const view = useSyncExternalStore(
    (listener) => simulator.subscribe(listener),
    () => simulator.getView(),
  );
  return { simulator, view };
}

interface SimulatePanelProps {
  simulator: Simulator;
  view: ReturnType<Simulator['getView']>;
  inputText: string;
  onInputChange(text: string): void;
  payloadText: string;
  onPayloadChange(text: string): void;
  payloadError: string | null;
  /** The Event picker: enabled ones first. */
  eventOptions: readonly EventOption[];
  pickedEventKey: string | null;
  onPickEvent(option: EventOption): void;
  /** Says when the payload shown was filled for another event than the one last fired. */
  templateNote: string | null;
}

export function SimulatePanel(props: SimulatePanelProps) {
  const { view, simulator } = props;
  const [draftInput, setDraftInput] = useState(props.inputText);
  // Invalid input JSON is an error shown with the input, not a silent `{}`.
  const [inputError, setInputError] = useState<string | null>(null);
  const items = view.log.map((entry) => ({
    key: String(entry.step),
    eventType: entry.eventType,
    summary: `${stateValueText(entry.value)}${outcomeText[entry.outcome]}`,
    detail:
      `event: ${JSON.stringify(entry.event)}\n` +
      (entry.taken.length > 0 ? `took: ${entry.taken.join(', ')}\n` : '') +
      `context: ${JSON.stringify(entry.context, null, 1)}`,
  }));
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1.5, height: '100%' }}>
      <Typography variant="body2">
        Active: <strong>{stateValueText(view.value)}</strong> ({view.status}). Click a highlighted
        transition to take it.
      </Typography>
      {view.error ? <Alert severity="error">{view.error}</Alert> : null}
      <TextField
        select
        label="Event"
        size="small"
        // Not an option any more once the machine moved on: shown empty, not out of range.
        value={
          props.eventOptions.some((option) => option.key === props.pickedEventKey)
            ? (props.pickedEventKey ?? '')
            : ''
        }
        onChange={(e) => {
          const option = props.eventOptions.find((o) => o.key === e.target.value);
          if (option) props.onPickEvent(option);
        }}
        helperText={
          props.eventOptions.length === 0
            ? 'The active states handle no event now.'
            : 'Fills the payload with a template for the event; edit it before firing.'
        }
        slotProps={{ select: { renderValue: (key) => optionText(props.eventOptions, key) } }}
      >
        {props.eventOptions.map((option) => (
          <MenuItem key={option.key} value={option.key} dense>
            <ListItemText
              primary={optionLabel(option)}
              secondary={option.possible ? null : 'not possible now'}
            />
          </MenuItem>
        ))}
      </TextField>
      {props.templateNote ? (
        <Typography variant="caption" role="status" aria-label="Payload note">
          {props.templateNote}
        </Typography>
      ) : null}
      <TextField
        label="Event payload (JSON)"
        helperText={
          props.payloadError ??
          'Fields of the event; for done(…) the actor output, for error(…) the error.'
        }
        error={props.payloadError !== null}
        multiline
        minRows={3}
        size="small"
        value={props.payloadText}
        onChange={(e) => props.onPayloadChange(e.target.value)}
        slotProps={{ htmlInput: { spellCheck: false, style: { fontFamily: 'monospace' } } }}
      />
      <TextField
        label="Machine input (JSON)"
        multiline
        minRows={2}
        size="small"
        value={draftInput}
        onChange={(e) => setDraftInput(e.target.value)}
        error={inputError !== null}
        helperText={inputError ?? 'Reset starts the machine again with this input.'}
        slotProps={{ htmlInput: { spellCheck: false, style: { fontFamily: 'monospace' } } }}
      />
      <Button
        variant="outlined"
        onClick={() => {
          const input = parseJson(draftInput);
          if (!input.ok) {
            setInputError(`Input is not JSON: ${input.error}`);
            return;
          }
          setInputError(null);
          if (draftInput !== props.inputText) props.onInputChange(draftInput);
          else simulator.start();
        }}
      >
        Reset
      </Button>
      <EventLog items={items} />
    </Box>
  );
}

function optionLabel(option: EventOption): string {
  return option.variantName ? `${option.eventLabel}: ${option.variantName}` : option.eventLabel;
}

function optionText(options: readonly EventOption[], key: unknown): string {
  const option = options.find((o) => o.key === key);
  return option ? optionLabel(option) : '';
}
