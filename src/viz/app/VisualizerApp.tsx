// The visualizer page: machine list, the statechart, and the mode panel (simulate, live, diff),
// with model coverage overlaid when `coverage/model-coverage.json` exists.
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
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { AnyStateMachine } from 'xstate';
import { coverageMarks as marksOfCoverage } from '../coverageMarks.ts';
import { diffMachines } from '../diff/compare.ts';
import { diffOverlay } from '../diff/overlay.ts';
import { sampleInputs } from '../simulate/sampleInputs.ts';
import { extractStructure } from '../structure.ts';
import type { DiffBase, ModelCoverage } from '../structureSchema.ts';
import { fetchCoverage, fetchDiffBase, fetchLiveApp, hasVizServer, type LiveApp } from './api.ts';
import { readDeepLink, writeDeepLink, type Mode } from './deepLink.ts';
import { Diagram, DiagramContext, sidePanel } from './Diagram.tsx';
import { DiffPanel } from './DiffPanel.tsx';
import { currentDiagram, exportPng, exportSvg } from './exportView.ts';
import { LiveMode } from './LiveMode.tsx';
import { Simulations } from './SimulatePanel.tsx';
import { SimulatedDiagram } from './SimulateMode.tsx';
import { useLiveRecords } from './useLiveRecords.ts';

export interface VisualizerEntry {
  name: string;
  purpose: string;
  machine: AnyStateMachine;
}

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
  const [diffLoading, setDiffLoading] = useState(() => Boolean(link.ref && hasVizServer()));
  /** The ref last asked for (link, pasted link or Show diff): the URL keeps it while it loads or fails. */
  const [requestedRef, setRequestedRef] = useState<string | null>(link.ref ?? null);
  /** The state a link or a search points at (outlined, and kept in the URL). */
  const [focusedState, setFocusedState] = useState<{ machine: string; id: string } | null>(() =>
    link.state && link.machine ? { machine: link.machine, id: link.state } : null,
  );
  const focusedStateId = focusedState?.machine === selectedName ? focusedState.id : null;
  useEffect(() => {
    if (!selectedName) return;
    const hash = writeDeepLink({
      machine: selectedName,
      mode,
      ...(requestedRef ? { ref: requestedRef } : {}),
      ...(focusedStateId ? { state: focusedStateId } : {}),
    });
    if (window.location.hash !== hash) window.history.replaceState(null, '', hash);
  }, [selectedName, mode, requestedRef, focusedStateId]);

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

  const pickActor = useCallback((machineName: string, actorKey: string) => {
    setSelectedName(machineName);
    setPickedActorKey(actorKey);
  }, []);

  const diff = useMemo(() => {
    if (!diffBase || !entry || !structure) return null;
    const base = diffBase.machines.find((m) => m.name === entry.name)?.structure ?? null;
    const result = diffMachines(base, structure);
    return { result, overlay: diffOverlay(base, structure, result) };
  }, [diffBase, entry, structure]);

  // Only the latest request's answer is shown: loads can overlap (a link's ref still loading
  // when the reviewer asks for another), and a slow one must not land last.
  const latestDiffRequest = useRef(0);
  const requestedRefNow = useRef(requestedRef);
  useEffect(() => {
    requestedRefNow.current = requestedRef;
  }, [requestedRef]);
  const fetchDiff = useCallback((ref: string) => {
    const request = ++latestDiffRequest.current;
    const current = () => request === latestDiffRequest.current;
    fetchDiffBase(ref)
      .then((base) => {
        if (current()) setDiffBase(base);
      })
      .catch((error: unknown) => {
        if (current()) setDiffError(error instanceof Error ? error.message : String(error));
      })
      .finally(() => {
        if (current()) setDiffLoading(false);
      });
  }, []);
  /** Starts comparing with `ref`: Show diff, and a pasted link naming a new ref. */
  const loadDiff = useCallback(
    (ref: string) => {
      setRequestedRef(ref);
      setDiffLoading(true);
      setDiffError(null);
      fetchDiff(ref);
    },
    [fetchDiff],
  );
  // A link's ref is compared with as soon as the page opens (the diff survives a reload);
  // `diffLoading` starts true for it.
  useEffect(() => {
    if (link.ref && hasVizServer()) fetchDiff(link.ref);
  }, [link.ref, fetchDiff]);
  // A link pasted into the address bar of the open page (a `hashchange`) is followed too.
  useEffect(() => {
    const follow = () => {
      const next = readDeepLink(
        window.location.hash,
        entries.map((e) => e.name),
      );
      if (next.machine) setSelectedName(next.machine);
      if (next.mode) setMode(next.mode);
      if (next.machine)
        setFocusedState(next.state ? { machine: next.machine, id: next.state } : null);
      // A new ref is loaded; the same one is not fetched again; none clears the diff.
      if (next.ref !== requestedRefNow.current) {
        if (next.ref && hasVizServer()) loadDiff(next.ref);
        else {
          latestDiffRequest.current += 1;
          setRequestedRef(next.ref ?? null);
          setDiffError(null);
          setDiffBase(null);
          setDiffLoading(false);
        }
      }
    };
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, [entries, loadDiff]);

  const machineIds = useMemo(() => new Set(entries.map((e) => e.machine.id)), [entries]);
  const diagramLinks = useMemo(
    () => ({
      focusedStateId,
      onFocusState: (id: string | null) =>
        setFocusedState(id === null ? null : { machine: selectedName, id }),
      machineIds,
      openMachine: (machineId: string) => {
        const target = entries.find((e) => e.machine.id === machineId);
        if (target) setSelectedName(target.name);
      },
    }),
    [focusedStateId, selectedName, machineIds, entries],
  );

  if (!entry || !structure) return <Typography>No machines in the registry.</Typography>;
  const marks = [...(coverageMarks?.values() ?? [])];
  const uncoveredCount = marks.filter((mark) => mark === 'uncovered').length;
  const unknownCount = marks.filter((mark) => mark === 'unknown').length;

  return (
    <DiagramContext value={diagramLinks}>
      <Box sx={{ display: 'flex', height: '100vh', fontFamily: 'Roboto, sans-serif' }}>
        <CssBaseline />
        <Box
          component="nav"
          aria-label="Machines"
          sx={{ width: 220, borderRight: '1px solid #ddd' }}
        >
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
            ) : mode === 'live' ? (
              <LiveMode
                entries={entries}
                entry={entry}
                structure={structure}
                transitionMarks={coverageMarks}
                app={app ?? null}
                live={live}
                pickedActorKey={pickedActorKey}
                onPickActor={pickActor}
              />
            ) : (
              <>
                <Box component="main" sx={{ flex: 1, overflow: 'auto', p: 1 }}>
                  {diff ? (
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
                      activeIds={new Set()}
                      {...(coverageMarks ? { transitionMarks: coverageMarks } : {})}
                    />
                  )}
                </Box>
                <Box component="aside" sx={sidePanel}>
                  <DiffPanel
                    available={hasVizServer()}
                    loadedRef={diffBase?.ref ?? null}
                    initialRef={link.ref ?? null}
                    error={diffError}
                    loading={diffLoading}
                    onLoad={loadDiff}
                    name={entry.name}
                    machineId={structure.id}
                    diff={diff?.result ?? null}
                  />
                </Box>
              </>
            )}
          </Box>
        </Box>
      </Box>
    </DiagramContext>
  );
}
