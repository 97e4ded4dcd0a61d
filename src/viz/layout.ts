// Lays a statechart out with elkjs (layered, compound nodes for nested and parallel states).
// The result holds absolute coordinates only, so the SVG component just draws. Deterministic
// for a given structure: same input, same numbers, in Node and in the browser.
import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkLabel, ElkNode } from 'elkjs/lib/elk-api.js';
import type { MachineStructure, StateStructure, TransitionStructure } from './structure.ts';
import { lineHeight, textWidth } from './textMeasure.ts';

export interface Point {
  x: number;
  y: number;
}

export interface Box extends Point {
  width: number;
  height: number;
}

export interface LaidOutState extends Box {
  state: StateStructure;
  /** Entry/exit actions, invoked actors and tags, one line each, drawn under the key. */
  details: string[];
  depth: number;
  /** A region of a parallel state (drawn dashed). */
  isRegion: boolean;
}

export interface LaidOutEdge {
  /** Unique per drawn arrow: a transition with two targets draws two arrows. */
  key: string;
  transition: TransitionStructure;
  targetId: string;
  points: Point[];
  /** Only the first arrow of a transition carries its label. */
  label?: Box & { text: string };
}

export interface InitialMarker {
  parentId: string;
  center: Point;
  points: Point[];
}

export interface StatechartLayout {
  width: number;
  height: number;
  /** Parents before children, so drawing in order stacks children on top. */
  states: LaidOutState[];
  edges: LaidOutEdge[];
  initials: InitialMarker[];
}

const headerHeight = 26;
const padding = 14;
const markerSize = 12;
const labelPadX = 6;
const labelHeight = 18;

export function stateDetails(state: StateStructure): string[] {
  const lines: string[] = [];
  if (state.entry.length > 0) lines.push(`entry / ${state.entry.join(', ')}`);
  if (state.exit.length > 0) lines.push(`exit / ${state.exit.join(', ')}`);
  for (const invoke of state.invoke) {
    lines.push(
      invoke.src === invoke.id ? `invoke ${invoke.src}` : `invoke ${invoke.src} (${invoke.id})`,
    );
  }
  if (state.tags.length > 0) lines.push(`tags: ${state.tags.join(', ')}`);
  if (state.type === 'history') lines.push(`history (${state.history ?? 'shallow'})`);
  return lines;
}

function minimumWidth(state: StateStructure, details: string[]): number {
  const keyWidth = textWidth(state.key, 14) + 24; // 13px bold is about 14px regular
  const detailWidth = Math.max(0, ...details.map((line) => textWidth(line, 11) + 16));
  return Math.max(72, keyWidth, detailWidth);
}

function toElkNode(state: StateStructure, edges: ElkExtendedEdge[]): ElkNode {
  const details = stateDetails(state);
  const top = headerHeight + details.length * (lineHeight - 2);
  if (state.children.length === 0) {
    return { id: state.id, width: minimumWidth(state, details), height: top + 8 };
  }
  const children = state.children.map((child) => toElkNode(child, edges));
  if (state.type === 'parallel' && state.children.length > 1) {
    // Regions are stacked, so a machine with many (a conversation has five) is
    // as wide as its widest region, not all of them in a row: an edge that is never drawn
    // puts each region in the layer below the one before.
    state.children.slice(1).forEach((region, index) => {
      const above = state.children[index];
      if (above)
        edges.push({ id: `${region.id}#stack`, sources: [above.id], targets: [region.id] });
    });
  }
  if (state.initialId) {
    const markerId = `${state.id}#initial`;
    children.unshift({ id: markerId, width: markerSize, height: markerSize });
    edges.push({ id: `${markerId}>`, sources: [markerId], targets: [state.initialId] });
  }
  return {
    id: state.id,
    children,
    layoutOptions: {
      'elk.padding': `[top=${top + 6},left=${padding},bottom=${padding},right=${padding}]`,
      'elk.nodeSize.constraints': 'MINIMUM_SIZE',
      'elk.nodeSize.minimum': `(${minimumWidth(state, details)},${top + 20})`,
      // Parallel regions side by side, sequential states top to bottom.
      'elk.direction': state.type === 'parallel' ? 'RIGHT' : 'DOWN',
      ...layeredOptions,
    },
  };
}

function labelFor(transition: TransitionStructure): ElkLabel {
  return {
    text: transition.label,
    width: textWidth(transition.label, 11) + labelPadX * 2,
    height: labelHeight,
  };
}

// Read per compound node, so every level gets them.
const layeredOptions: Record<string, string> = {
  // Break cycles depth first from the initial marker, so the initial state comes first.
  'elk.layered.cycleBreaking.strategy': 'DEPTH_FIRST',
};

const rootOptions: Record<string, string> = {
  ...layeredOptions,
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.layered.spacing.nodeNodeBetweenLayers': '40',
  'elk.spacing.nodeNode': '30',
  'elk.spacing.edgeLabel': '4',
  'elk.edgeLabels.placement': 'CENTER',
  'elk.padding': '[top=16,left=16,bottom=16,right=16]',
  'elk.randomSeed': '1',
};

// One instance: elk.bundled.js runs its layout synchronously behind a promise (no worker).
const elk = new ELK();

interface ElkSection {
  startPoint: Point;
  endPoint: Point;
  bendPoints?: Point[];
}

type ElkOutputEdge = ElkExtendedEdge & { container?: string; sections?: ElkSection[] };

export async function layoutStatechart(structure: MachineStructure): Promise<StatechartLayout> {
  const edges: ElkExtendedEdge[] = [];
  // The root is the machine itself: draw it as the outer box, like Stately's visualizer.
  const machineNode = toElkNode(structure.root, edges);
  const byKey = new Map<string, { transition: TransitionStructure; targetId: string }>();
  for (const transition of structure.transitions) {
    const targets = transition.targetIds.length > 0 ? transition.targetIds : [transition.sourceId];
    targets.forEach((targetId, index) => {
      const key = `${transition.id}>${index}`;
      byKey.set(key, { transition, targetId });
      edges.push({
        id: key,
        sources: [transition.sourceId],
        targets: [targetId],
        ...(index === 0 ? { labels: [labelFor(transition)] } : {}),
      });
    });
  }
  const graph: ElkNode = {
    id: '#graph',
    layoutOptions: rootOptions,
    children: [machineNode],
    edges,
  };
  const result = await elk.layout(graph);

  const offsets = new Map<string, Point>([['#graph', { x: 0, y: 0 }]]);
  const states: LaidOutState[] = [];
  const initials: InitialMarker[] = [];
  const statesById = new Map<string, StateStructure>();
  const collect = (state: StateStructure) => {
    statesById.set(state.id, state);
    state.children.forEach(collect);
  };
  collect(structure.root);

  const visit = (node: ElkNode, origin: Point, depth: number, isRegion: boolean) => {
    const x = origin.x + (node.x ?? 0);
    const y = origin.y + (node.y ?? 0);
    offsets.set(node.id, { x, y });
    const state = statesById.get(node.id);
    if (state) {
      states.push({
        state,
        details: stateDetails(state),
        depth,
        isRegion,
        x,
        y,
        width: node.width ?? 0,
        height: node.height ?? 0,
      });
    }
    for (const child of node.children ?? []) {
      visit(child, { x, y }, depth + 1, state?.type === 'parallel');
    }
  };
  for (const child of result.children ?? []) visit(child, { x: 0, y: 0 }, 0, false);

  const laidOutEdges: LaidOutEdge[] = [];
  for (const edge of (result.edges ?? []) as ElkOutputEdge[]) {
    // Edge coordinates are relative to the edge's container (the sources' and targets'
    // lowest common ancestor), which ELK reports per edge.
    const origin = offsets.get(edge.container ?? '#graph') ?? { x: 0, y: 0 };
    const points: Point[] = [];
    for (const section of edge.sections ?? []) {
      for (const point of [section.startPoint, ...(section.bendPoints ?? []), section.endPoint]) {
        points.push({ x: origin.x + point.x, y: origin.y + point.y });
      }
    }
    if (edge.id.endsWith('#initial>')) {
      const parentId = edge.id.slice(0, -'#initial>'.length);
      const marker = offsets.get(`${parentId}#initial`) ?? { x: 0, y: 0 };
      initials.push({
        parentId,
        center: { x: marker.x + markerSize / 2, y: marker.y + markerSize / 2 },
        points,
      });
      continue;
    }
    const entry = byKey.get(edge.id);
    if (!entry) continue;
    const label = edge.labels?.[0];
    laidOutEdges.push({
      key: edge.id,
      transition: entry.transition,
      targetId: entry.targetId,
      points,
      ...(label
        ? {
            label: {
              text: entry.transition.label,
              x: origin.x + (label.x ?? 0),
              y: origin.y + (label.y ?? 0),
              width: label.width ?? 0,
              height: label.height ?? 0,
            },
          }
        : {}),
    });
  }
  return {
    width: Math.ceil(result.width ?? 0),
    height: Math.ceil(result.height ?? 0),
    states,
    edges: laidOutEdges,
    initials,
  };
}
