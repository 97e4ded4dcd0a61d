// Live mode: the diagram of the shown actor's latest state beside the live panel (actor tree,
// filter, log). The feed itself is kept by the page (useLiveRecords), so switching modes loses
// nothing.
import { Box } from '@mui/material';
import { useCallback, useMemo } from 'react';
import { activeStateIds } from '../activeStates.ts';
import type { Mark } from '../components/StatechartSvg.ts';
import { actorForest, actorTreeRows, defaultActorOf, type LiveActor } from '../live/actorTree.ts';
import type { MachineStructure } from '../structure.ts';
import type { LiveApp } from './api.ts';
import { Diagram, sidePanel } from './Diagram.tsx';
import { LivePanel } from './LivePanel.tsx';
import type { useLiveRecords } from './useLiveRecords.ts';
import type { VisualizerEntry } from './VisualizerApp.tsx';

export function LiveMode(props: {
  entries: readonly VisualizerEntry[];
  entry: VisualizerEntry;
  structure: MachineStructure;
  transitionMarks: ReadonlyMap<string, Mark> | undefined;
  app: LiveApp | null;
  live: ReturnType<typeof useLiveRecords>;
  /** The actor picked in the tree; shown while its machine is the selected one. */
  pickedActorKey: string | null;
  /** Picks an actor: the page selects its machine (by registry name) and shows it. */
  onPickActor(machineName: string, actorKey: string): void;
}) {
  const { entries, entry, structure, live, pickedActorKey, onPickActor } = props;
  const actorRows = useMemo(() => actorTreeRows(actorForest(live.tree)), [live.tree]);
  const liveActors = useMemo(() => [...live.tree.actors.values()], [live.tree]);
  const shownActor = useMemo(() => {
    const picked = liveActors.find((actor) => actor.key === pickedActorKey);
    return picked?.machineId === entry.machine.id
      ? picked
      : defaultActorOf(live.tree, entry.machine.id);
  }, [entry, liveActors, live.tree, pickedActorKey]);
  const actorsOfMachine = liveActors.filter((a) => a.machineId === entry.machine.id).length;
  const liveRecords = useMemo(
    () => (shownActor ? [...(live.history.byActor.get(shownActor.key) ?? [])] : []),
    [live.history, shownActor],
  );
  const liveActive = useMemo(
    () => (shownActor ? activeStateIds(structure, shownActor.value) : new Set<string>()),
    [shownActor, structure],
  );
  const entryOfActor = useCallback(
    (actor: LiveActor) => entries.find((e) => e.machine.id === actor.machineId),
    [entries],
  );
  const selectActor = useCallback(
    (actor: LiveActor) => {
      const ofActor = entryOfActor(actor);
      if (ofActor) onPickActor(ofActor.name, actor.key);
    },
    [entryOfActor, onPickActor],
  );
  return (
    <>
      <Box component="main" sx={{ flex: 1, overflow: 'auto', p: 1 }}>
        <Diagram
          structure={structure}
          title={entry.name}
          activeIds={liveActive}
          {...(props.transitionMarks ? { transitionMarks: props.transitionMarks } : {})}
        />
      </Box>
      <Box component="aside" sx={sidePanel}>
        <LivePanel
          records={liveRecords}
          statuses={live.statuses}
          app={props.app}
          heardFromApp={live.history.size > 0}
          actorRows={actorRows}
          shownActor={shownActor}
          actorsOfMachine={actorsOfMachine}
          onSelectActor={selectActor}
          canShow={(actor) => entryOfActor(actor) !== undefined}
        />
      </Box>
    </>
  );
}
