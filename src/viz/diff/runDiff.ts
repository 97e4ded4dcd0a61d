// Compares every machine at a git ref with the working tree and writes viz-diff/: one SVG per
// machine that differs (the page's drawing with diff marks) and SUMMARY.md.
import { statechartSvgFile } from '../export/svgFile.ts';
import { writeFiles } from '../export/sync.ts';
import { layoutStatechart } from '../layout.ts';
import { extractStructure, type MachineStructure } from '../structure.ts';
import { diffMachines } from './compare.ts';
import { loadRegistryAt, loadWorkingRegistry } from './loadRegistry.ts';
import { diffOverlay } from './overlay.ts';
import { diffSummary, type NamedDiff } from './summary.ts';

export interface DiffRun {
  commit: string;
  diffs: NamedDiff[];
  summary: string;
  /** Files written or removed in the output directory. */
  updated: string[];
}

export interface NamedStructures {
  name: string;
  base: MachineStructure | null;
  head: MachineStructure | null;
}

/** Pairs machines by registry name: the working tree's order, then machines since removed. */
export function pairByName(
  base: readonly { name: string; structure: MachineStructure }[],
  head: readonly { name: string; structure: MachineStructure }[],
): NamedStructures[] {
  const baseByName = new Map(base.map((e) => [e.name, e.structure]));
  const headNames = new Set(head.map((e) => e.name));
  return [
    ...head.map((e) => ({ name: e.name, base: baseByName.get(e.name) ?? null, head: e.structure })),
    ...base
      .filter((e) => !headNames.has(e.name))
      .map((e) => ({ name: e.name, base: e.structure, head: null })),
  ];
}

export async function diffSvg(pair: NamedStructures, title: string): Promise<string> {
  const diff = diffMachines(pair.base, pair.head);
  const overlay = diffOverlay(pair.base, pair.head, diff);
  const layout = await layoutStatechart(overlay.structure);
  return statechartSvgFile({
    layout,
    title,
    stateMarks: overlay.stateMarks,
    transitionMarks: overlay.transitionMarks,
  });
}

export async function runDiff(options: {
  repoDir: string;
  ref: string;
  outDir: string;
}): Promise<DiffRun> {
  const base = await loadRegistryAt(options.repoDir, options.ref);
  const head = await loadWorkingRegistry(options.repoDir);
  const structures = (entries: typeof head.entries) =>
    entries.map((e) => ({ name: e.name, structure: extractStructure(e.machine) }));
  const pairs = pairByName(structures(base.entries), structures(head.entries));

  const files = new Map<string, string>();
  const diffs: NamedDiff[] = [];
  for (const pair of pairs) {
    const diff = diffMachines(pair.base, pair.head);
    const machineId = (pair.head ?? pair.base)?.id ?? pair.name;
    diffs.push({ name: pair.name, diff, machineId });
    if (diff.status !== 'unchanged') {
      files.set(
        `${pair.name}.svg`,
        await diffSvg(pair, `${pair.name}: changes since ${options.ref}`),
      );
    }
  }
  const summary = diffSummary(options.ref, base.commit, diffs);
  files.set('SUMMARY.md', summary);
  const updated = await writeFiles(options.outDir, files);
  return { commit: base.commit, diffs, summary, updated };
}
