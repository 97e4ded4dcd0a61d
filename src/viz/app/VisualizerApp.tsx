// The visualizer page: machine list, the statechart, and the mode panel (simulate, live, diff),
// with model coverage overlaid when `coverage/model-coverage.json` exists.
import { coverageMarks as marksOfCoverage } from '../coverageMarks.ts';
import { readDeepLink, writeDeepLink, type Mode } from './deepLink.ts';
import { currentDiagram, exportPng, exportSvg } from './exportView.ts';
import { appendToHistory, emptyHistory, type ActorHistory } from '../live/history.ts';
import {
  Box,
  Button,
  CssBaseline,
  FormControlLabel,
  List,
  ListItemButton,
  ListItemText,
  Switch,
  Tab,
  Tabs,
  Typography,
} from '@mui/material';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { AnyStateMachine } from 'xstate';
import { activeStateIds } from '../activeStates.ts';
import { StatechartSvg, type Mark } from '../components/StatechartSvg.ts';
import { diffMachines } from '../diff/compare.ts';
import { diffOverlay } from '../diff/overlay.ts';
import {
  actorForest,
  actorTreeRows,
  addToActorTree,
  defaultActorOf,
  emptyActorTree,
  type ActorTree,
  type LiveActor,
} from '../live/actorTree.ts';
import { startLiveFeed, type FeedStatus } from '../live/liveFeed.ts';
import type { InspectionRecord } from '../live/recordSchema.ts';
import { sampleInputs } from '../simulate/sampleInputs.ts';
import { extractStructure, type MachineStructure, type TransitionStructure } from '../structure.ts';
import type { DiffBase, ModelCoverage } from '../structureSchema.ts';
import { fetchCoverage, fetchDiffBase, fetchLiveApp, hasVizServer, type LiveApp } from './api.ts';
import { DiffPanel } from './DiffPanel.tsx';
import { LivePanel } from './LivePanel.tsx';
import { parseJson, SimulatePanel, Simulations, useSimulation } from './SimulatePanel.tsx';
import { useStatechartLayout } from './useStatechartLayout.ts';

export interface VisualizerEntry {
  name: string;
  purpose: string;
  machine: AnyStateMachine;
}

/** A record as the page keeps it: numbered, and tagged with its actor's key in the tree. */
type LiveRecord = InspectionRecord & { seq: number; actorKey: string };

function Diagram(props: {
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

/**
 * The latest records of each actor (live/history.ts) and the actor tree. The tree keeps each
 * actor's latest state however long ago its last record fell out of the kept ones.
 */
function useLiveRecords(app: LiveApp | null | undefined) {
  const [feed, setFeed] = useState<{ history: ActorHistory<LiveRecord>; tree: ActorTree }>({
    history: emptyHistory,
    tree: emptyActorTree,
  });
  const [statuses, setStatuses] = useState<FeedStatus[]>([]);
  useEffect(() => {
    if (app === undefined) return;
    let seq = 0;
    return startLiveFeed({
      app,
      onRecord: (record) => {
        const recordSeq = seq++;
        setFeed((previous) => {
          const added = addToActorTree(previous.tree, record);
          return {
            tree: added.tree,
            history: appendToHistory(previous.history, added.key, {
              ...record,
              seq: recordSeq,
              actorKey: added.key,
            }),
          };
        });
      },
      onStatus: (status) =>
        setStatuses((previous) => [...previous.filter((s) => s.source !== status.source), status]),
    });
  }, [app]);
  return { history: feed.history, tree: feed.tree, statuses };
}

function SimulatedDiagram(props: {
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

const sidePanel = {
  width: 360,
  flexShrink: 0,
  borderLeft: '1px solid #ddd',
  p: 1.5,
  overflow: 'auto',
  display: 'flex',
  flexDirection: 'column',
} as const;

export function VisualizerApp({ entries }: { entries: readonly VisualizerEntry[] }) {
  // The machine and mode a link or a reload asks for (deepLink.ts).
  const [link] = useState(() =>
    readDeepLink(
      window.location.hash,
      entries.map((e) => e.name),
    ),
  );
  const [selectedName, setSelectedName] = useState(link.machine ?? entries[0]?.name ?? '');
  /** The actor picked in the live tree; shown while its machine is the selected one. */
  const [pickedActorKey, setPickedActorKey] = useState<string | null>(null);
  const [mode, setMode] = useState<Mode>(() => link.mode ?? (window.parley ? 'live' : 'simulate'));
  useEffect(() => {
    if (!selectedName) return;
    const hash = writeDeepLink({ machine: selectedName, mode });
    if (window.location.hash !== hash) window.history.replaceState(null, '', hash);
  }, [selectedName, mode]);
  const [inputs, setInputs] = useState<Record<string, string>>({});
  const [payloads, setPayloads] = useState<Record<string, string>>({});
  // Each machine's simulation, kept across switching machines for as long as the page is open
  // (inert actors: a kept simulation costs its snapshot and log only).
  const [simulations] = useState(() => new Simulations());
  const [app, setApp] = useState<LiveApp | null | undefined>(undefined);
  const [coverage, setCoverage] = useState<ModelCoverage | null>(null);
  const [showCoverage, setShowCoverage] = useState(true);
  const [diffBase, setDiffBase] = useState<DiffBase | null>(null);
  const [diffError, setDiffError] = useState<string | null>(null);
  const [diffLoading, setDiffLoading] = useState(false);

  useEffect(() => {
    void fetchLiveApp().then(setApp);
    void fetchCoverage().then(setCoverage);
  }, []);
  const live = useLiveRecords(app);

  const structures = useMemo(
    () => new Map(entries.map((e) => [e.name, extractStructure(e.machine)])),
    [entries],
  );
  const entry = entries.find((e) => e.name === selectedName) ?? entries[0];
  const structure = entry ? structures.get(entry.name) : undefined;

  const coverageMarks = useMemo(() => {
    const forMachine = coverage?.machines.find((m) => m.name === entry?.name);
    if (!forMachine || !showCoverage || !structure) return undefined;
    return marksOfCoverage(
      structure.transitions.map((transition) => transition.id),
      forMachine,
    );
  }, [coverage, entry, showCoverage, structure]);

  const actorRows = useMemo(() => actorTreeRows(actorForest(live.tree)), [live.tree]);
  const liveActors = useMemo(() => [...live.tree.actors.values()], [live.tree]);
  const shownActor = useMemo(() => {
    const machineId = entry?.machine.id;
    if (machineId === undefined) return null;
    const picked = liveActors.find((actor) => actor.key === pickedActorKey);
    return picked?.machineId === machineId ? picked : defaultActorOf(live.tree, machineId);
  }, [entry, liveActors, live.tree, pickedActorKey]);
  const actorsOfMachine = liveActors.filter((a) => a.machineId === entry?.machine.id).length;
  const liveRecords = useMemo(
    () => (shownActor ? [...(live.history.byActor.get(shownActor.key) ?? [])] : []),
    [live.history, shownActor],
  );
  const liveActive = useMemo(
    () =>
      structure && shownActor ? activeStateIds(structure, shownActor.value) : new Set<string>(),
    [shownActor, structure],
  );
  const entryOfActor = useCallback(
    (actor: LiveActor) => entries.find((e) => e.machine.id === actor.machineId),
    [entries],
  );
  const selectActor = useCallback(
    (actor: LiveActor) => {
      const ofActor = entryOfActor(actor);
      if (!ofActor) return;
      setSelectedName(ofActor.name);
      setPickedActorKey(actor.key);
    },
    [entryOfActor],
  );

  const diff = useMemo(() => {
    if (!diffBase || !entry || !structure) return null;
    const base = diffBase.machines.find((m) => m.name === entry.name)?.structure ?? null;
    const result = diffMachines(base, structure);
    return { result, overlay: diffOverlay(base, structure, result) };
  }, [diffBase, entry, structure]);

  const loadDiff = (ref: string) => {
    setDiffLoading(true);
    setDiffError(null);
    fetchDiffBase(ref)
      .then(setDiffBase)
      .catch((error: unknown) =>
        setDiffError(error instanceof Error ? error.message : String(error)),
      )
      .finally(() => setDiffLoading(false));
  };

  if (!entry || !structure) return <Typography>No machines in the registry.</Typography>;
  const marks = [...(coverageMarks?.values() ?? [])];
  const uncoveredCount = marks.filter((mark) => mark === 'uncovered').length;
  const unknownCount = marks.filter((mark) => mark === 'unknown').length;

  return (
    <Box sx={{ display: 'flex', height: '100vh', fontFamily: 'Roboto, sans-serif' }}>
      <CssBaseline />
      <Box component="nav" aria-label="Machines" sx={{ width: 220, borderRight: '1px solid #ddd' }}>
        <Typography variant="h6" sx={{ px: 2, pt: 1.5 }}>
          Machines
        </Typography>
        <List>
          {entries.map((e) => (
            <ListItemButton
              key={e.name}
              selected={e.name === entry.name}
              aria-current={e.name === entry.name ? 'true' : undefined}
              aria-label={e.name}
              onClick={() => setSelectedName(e.name)}
            >
              <ListItemText
                primary={e.name}
                secondary={e.purpose}
                slotProps={{ secondary: { sx: { fontSize: 11 } } }}
              />
            </ListItemButton>
          ))}
        </List>
      </Box>
      <Box sx={{ flex: 1, display: 'flex', flexDirection: 'column', minWidth: 0 }}>
        <Box
          sx={{
            display: 'flex',
            alignItems: 'center',
            gap: 2,
            px: 1,
            borderBottom: '1px solid #ddd',
          }}
        >
          <Tabs value={mode} onChange={(_e, value: Mode) => setMode(value)} aria-label="Mode">
            <Tab value="simulate" label="Simulate" />
            <Tab value="live" label="Live" />
            <Tab value="diff" label="Diff" />
          </Tabs>
          <Button
            size="small"
            onClick={() => {
              const svg = currentDiagram();
              if (svg) exportSvg(svg, `${entry.name}-${mode}`);
            }}
          >
            Export SVG
          </Button>
          <Button
            size="small"
            onClick={() => {
              const svg = currentDiagram();
              if (svg) void exportPng(svg, `${entry.name}-${mode}`);
            }}
          >
            Export PNG
          </Button>
          {coverage ? (
            <FormControlLabel
              control={
                <Switch
                  checked={showCoverage}
                  onChange={(e) => setShowCoverage(e.target.checked)}
                />
              }
              label={`Model coverage${
                showCoverage
                  ? ` (${uncoveredCount} untested${unknownCount ? `, ${unknownCount} unknown` : ''})`
                  : ''
              }`}
            />
          ) : null}
        </Box>
        <Box sx={{ flex: 1, display: 'flex', minHeight: 0 }}>
          {mode === 'simulate' ? (
            <SimulatedDiagram
              key={entry.name}
              simulations={simulations}
              payloadText={payloads[entry.name] ?? '{}'}
              onPayloadChange={(text) =>
                setPayloads((previous) => ({ ...previous, [entry.name]: text }))
              }
              entry={entry}
              structure={structure}
              transitionMarks={coverageMarks}
              inputText={inputs[entry.name] ?? JSON.stringify(sampleInputs[entry.name] ?? {})}
              onInputChange={(text) =>
                setInputs((previous) => ({ ...previous, [entry.name]: text }))
              }
            />
          ) : (
            <>
              <Box component="main" sx={{ flex: 1, overflow: 'auto', p: 1 }}>
                {mode === 'diff' && diff ? (
                  <Diagram
                    structure={diff.overlay.structure}
                    title={entry.name}
                    stateMarks={diff.overlay.stateMarks}
                    transitionMarks={diff.overlay.transitionMarks}
                  />
                ) : (
                  <Diagram
                    structure={structure}
                    title={entry.name}
                    activeIds={mode === 'live' ? liveActive : new Set()}
                    {...(coverageMarks ? { transitionMarks: coverageMarks } : {})}
                  />
                )}
              </Box>
              <Box component="aside" sx={sidePanel}>
                {mode === 'live' ? (
                  <LivePanel
                    records={liveRecords}
                    statuses={live.statuses}
                    app={app ?? null}
                    heardFromApp={live.history.size > 0}
                    actorRows={actorRows}
                    shownActor={shownActor}
                    actorsOfMachine={actorsOfMachine}
                    onSelectActor={selectActor}
                    canShow={(actor) => entryOfActor(actor) !== undefined}
                  />
                ) : (
                  <DiffPanel
                    available={hasVizServer()}
                    loadedRef={diffBase?.ref ?? null}
                    error={diffError}
                    loading={diffLoading}
                    onLoad={loadDiff}
                    name={entry.name}
                    machineId={structure.id}
                    diff={diff?.result ?? null}
                  />
                )}
              </Box>
            </>
          )}
        </Box>
      </Box>
    </Box>
  );
}
