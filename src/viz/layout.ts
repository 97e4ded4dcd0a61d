// Lays a statechart out with elkjs (layered, compound nodes for nested and parallel states).
// The result holds absolute coordinates only, so the SVG component just draws. Deterministic
// for a given structure: same input, same numbers, in Node and in the browser.
//
// What ELK does not route: targetless (actions-only) transitions are not arrows at all but
// rows in their state's box, the UML internal-transition compartment ("on EVENT [guard] /
// action"); self-transitions are loops drawn here on the state's right side, in room the state
// reserves from ELK (ELK's own self-loops came out a few pixels tall with detached labels).
import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkLabel, ElkNode } from 'elkjs/lib/elk-api.js';
import { registry } from '../../machines/index.ts';
import type { MachineStructure, StateStructure, TransitionStructure } from './structure.ts';
import { textWidth, wrapText } from './textMeasure.ts';

export interface Point {
  x: number;
  y: number;
}

export interface Box extends Point {
  width: number;
  height: number;
}

/** Sizes of the drawn text: the SVG component draws with these, the layout measures them. */
export const keyFontSize = 13;
export const smallFontSize = 11;
/** Distance between the baselines of two lines of small text. */
export const smallLineHeight = 14;
/** From a text box's top to its first baseline. */
export const baselineOffset = 11;
/** Horizontal padding between a label box and its text. */
export const labelPadX = 6;

/** A line of text in a state's box, under its key. */
export interface CompartmentRow extends Box {
  /** Description (italic), a detail (entry, exit, invoke, tags) or an internal transition. */
  kind: 'description' | 'detail' | 'transition';
  /** As drawn, wrapped to the box (the last line may end in an ellipsis). */
  lines: string[];
  /** The whole text, for the tooltip. */
  text: string;
  transition?: TransitionStructure;
  /** The `src` of an `invoke` row (every one; drawn as `data-invoke-src`). */
  invokeSrc?: string;
  /**
   * The invoked actor is another machine with a diagram (`LayoutOptions.machineIds`): the row
   * links to it when the drawing is given no `invokeLinkSrcs` of its own.
   */
  opensDiagram?: boolean;
}

export interface LaidOutState extends Box {
  state: StateStructure;
  /** Entry/exit actions, invoked actors and tags, one line each, drawn under the key. */
  details: string[];
  /** Description, details and internal transitions, top to bottom, in absolute coordinates. */
  rows: CompartmentRow[];
  depth: number;
  /** A region of a parallel state (drawn dashed). */
  isRegion: boolean;
}

export interface EdgeLabel extends Box {
  /** The whole label, for the tooltip. */
  text: string;
  /** As drawn, one `<text>` each. */
  lines: string[];
  /**
   * The first arrow of a transition: only its label is a button in the simulate mode (one
   * button per transition, named by its label). Later arrows of a multi-target transition
   * carry a label that names the same transition and its target number.
   */
  primary: boolean;
}

export interface LaidOutEdge {
  /** Unique per drawn arrow: a transition with two targets draws two arrows. */
  key: string;
  transition: TransitionStructure;
  targetId: string;
  points: Point[];
  label: EdgeLabel;
  /** A self-transition, drawn as a loop on the state's right side. */
  loop: boolean;
}

export interface InitialMarker {
  parentId: string;
  center: Point;
  points: Point[];
}

/** A history state's default target, drawn as a dashed arrow. */
export interface HistoryDefault {
  key: string;
  historyId: string;
  targetId: string;
  points: Point[];
}

export interface StatechartLayout {
  width: number;
  height: number;
  /** Parents before children, so drawing in order stacks children on top. */
  states: LaidOutState[];
  edges: LaidOutEdge[];
  initials: InitialMarker[];
  historyDefaults: HistoryDefault[];
}

export interface LayoutOptions {
  /** Machines with a diagram of their own: an `invoke` of one links to it. The registry's. */
  machineIds?: ReadonlySet<string>;
}

const headerHeight = 26;
const padding = 14;
const markerSize = 12;
const rowX = 10;
/** Transition rows are label boxes (clickable in the simulate mode): text aligned with rows. */
const rowBoxX = rowX - labelPadX;
const rowBoxPad = 2;
const maxLabelWidth = 140;
const maxRowWidth = 300;
/** Four, so no guard or action list of the registry's machines is cut at 140 px. */
const maxLabelLines = 4;
const maxDescriptionLines = 3;
const loopOut = 16;
const loopGap = 4;

const registryMachineIds: ReadonlySet<string> = new Set(
  registry.flatMap((entry) => [entry.name, entry.machine.id]),
);

/**
 * Width of a label line: labels are drawn regular, and medium (500) when the simulate mode
 * marks a transition as taken, so a box holds either.
 */
export function labelTextWidth(line: string): number {
  return Math.max(
    textWidth(line, smallFontSize, 'regular'),
    textWidth(line, smallFontSize, 'medium'),
  );
}

/** Width of a description line (italic; a browser without the italic face slants regular). */
export function descriptionTextWidth(line: string): number {
  return Math.max(
    textWidth(line, smallFontSize, 'regular'),
    textWidth(line, smallFontSize, 'italic'),
  );
}

/** Width of a state's key as drawn (bold, with ‖ for a parallel state). */
export function keyText(state: StateStructure): string {
  return state.type === 'parallel' ? `${state.key} ‖` : state.key;
}

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

const isSelf = (transition: TransitionStructure, targetId: string) =>
  targetId === transition.sourceId;

/**
 * The text a transition is drawn with: its `label` (event, guard, delay), numbered when the
 * same event has several guarded alternatives from one state ("1. ", "2. ": the order xstate
 * tries them), the unguarded last alternative marked `[else]`, a re-entering self-transition
 * marked " (reenter)" (Roboto has no ↻), then " / action, action". `label` itself stays as
 * coverage, diffs and the simulate buttons' names use it.
 */
export function transitionTexts(
  transitions: readonly TransitionStructure[],
): Map<string, TransitionText> {
  const groups = new Map<string, TransitionStructure[]>();
  for (const transition of transitions) {
    const key = `${transition.sourceId}\u0000${transition.eventType}`;
    groups.set(key, [...(groups.get(key) ?? []), transition]);
  }
  const texts = new Map<string, TransitionText>();
  for (const group of groups.values()) {
    group.forEach((transition, index) => {
      const alternatives = group.length > 1;
      const prefix = alternatives ? `${index + 1}. ` : '';
      const otherwise =
        alternatives && index === group.length - 1 && transition.guard === undefined
          ? ' [else]'
          : '';
      const reenter =
        transition.reenter &&
        transition.targetIds.length > 0 &&
        transition.targetIds.every((target) => isSelf(transition, target))
          ? ' (reenter)'
          : '';
      texts.set(transition.id, {
        number: prefix,
        head: `${transition.label}${otherwise}${reenter}`,
        actions: transition.actions.length > 0 ? `/ ${transition.actions.join(', ')}` : '',
      });
    });
  }
  return texts;
}

export interface TransitionText {
  /** "1. ", "2. " for alternatives of one event from one state, else empty. */
  number: string;
  /** The label, with [else] or (reenter) where they apply. */
  head: string;
  /** "/ action, action", or empty. */
  actions: string;
}

const noText = (transition: TransitionStructure): TransitionText => ({
  number: '',
  head: transition.label,
  actions: '',
});

const nbsp = '\u00a0';

/**
 * Head and actions on as few lines as fit `maxWidth`, actions on their own line if not. A
 * guard (`[a && !b]`) is not broken at its spaces unless it is too wide for any line, so it
 * stays one piece a reader (and the page's search) can find.
 */
function labelLines(head: string, actions: string, maxWidth: number): string[] {
  const whole = actions === '' ? head : `${head} ${actions}`;
  if (labelTextWidth(whole) <= maxWidth) return [whole];
  const keepGuards = (text: string) =>
    text.replace(/\[[^\]]*\]/g, (guard) =>
      labelTextWidth(guard) <= maxWidth * 1.5 ? guard.replaceAll(' ', nbsp) : guard,
    );
  // Wrapped in the medium face, the wider one: the box is sized to the lines either way.
  const wrap = (text: string, lines: number) =>
    wrapText(keepGuards(text), maxWidth, smallFontSize, 'medium', lines).map((line) =>
      line.replaceAll(nbsp, ' '),
    );
  const headLines = wrap(head, actions === '' ? maxLabelLines : maxLabelLines - 1);
  if (actions === '') return headLines.slice(0, maxLabelLines);
  return [...headLines, ...wrap(actions, Math.max(1, maxLabelLines - headLines.length))].slice(
    0,
    maxLabelLines,
  );
}

const prefixFor = (transition: TransitionStructure) =>
  transition.kind === 'always' || transition.kind === 'after' ? '' : 'on ';

interface Compartment {
  rows: CompartmentRow[];
  /** Below the last row, from the box's top. */
  bottom: number;
  width: number;
}

/** The rows of a state's box, relative to its top left corner. */
function compartment(
  state: StateStructure,
  internal: readonly TransitionStructure[],
  texts: Map<string, TransitionText>,
  linkable: (src: string) => boolean,
): Compartment {
  const rows: CompartmentRow[] = [];
  let cursor = headerHeight;
  const details = stateDetails(state);
  const invokeStart = (state.entry.length > 0 ? 1 : 0) + (state.exit.length > 0 ? 1 : 0);
  const detailWidth = Math.max(0, ...details.map((line) => textWidth(line, smallFontSize)));
  if (state.description) {
    const wrapWidth = Math.max(160, Math.min(260, detailWidth));
    const lines = wrapText(
      state.description,
      wrapWidth,
      smallFontSize,
      'italic',
      maxDescriptionLines,
    );
    rows.push({
      kind: 'description',
      lines,
      text: state.description,
      x: rowX,
      y: cursor,
      width: Math.max(...lines.map(descriptionTextWidth)),
      height: lines.length * smallLineHeight,
    });
    cursor += lines.length * smallLineHeight + 2;
  }
  details.forEach((line, index) => {
    const invoke = state.invoke[index - invokeStart];
    const isInvoke = index >= invokeStart && index < invokeStart + state.invoke.length;
    rows.push({
      kind: 'detail',
      lines: [line],
      text: line,
      ...(isInvoke && invoke
        ? { invokeSrc: invoke.src, ...(linkable(invoke.src) ? { opensDiagram: true } : {}) }
        : {}),
      x: rowX,
      y: cursor,
      width: textWidth(line, smallFontSize),
      height: smallLineHeight,
    });
    cursor += smallLineHeight;
  });
  for (const transition of internal) {
    const text = texts.get(transition.id) ?? noText(transition);
    const head = `${text.number}${prefixFor(transition)}${text.head}`;
    const lines = labelLines(head, text.actions, maxRowWidth);
    const height = lines.length * smallLineHeight + rowBoxPad * 2;
    rows.push({
      kind: 'transition',
      lines,
      text: text.actions === '' ? head : `${head} ${text.actions}`,
      transition,
      x: rowBoxX,
      y: cursor + 1,
      width: Math.max(...lines.map(labelTextWidth)) + labelPadX * 2,
      height,
    });
    cursor += height + 2;
  }
  const keyWidth = textWidth(keyText(state), keyFontSize, 'bold');
  const width = Math.max(72, keyWidth + rowX * 2, ...rows.map((row) => row.x * 2 + row.width));
  return { rows, bottom: cursor, width };
}

interface Loop {
  key: string;
  transition: TransitionStructure;
  lines: string[];
  text: string;
  width: number;
  height: number;
}

interface Prepared {
  compartments: Map<string, Compartment>;
  loops: Map<string, Loop[]>;
  /** Width each state keeps free on its right for its loops. */
  reserved: Map<string, number>;
}

function loopHeight(loops: readonly Loop[]): number {
  return loops.reduce((sum, loop) => sum + loop.height + loopGap, 6);
}

function toElkNode(state: StateStructure, edges: ElkExtendedEdge[], prepared: Prepared): ElkNode {
  const box = prepared.compartments.get(state.id);
  const top = box?.bottom ?? headerHeight;
  const minWidth = box?.width ?? 72;
  const loops = prepared.loops.get(state.id) ?? [];
  const reserved = prepared.reserved.get(state.id) ?? 0;
  const minHeight = Math.max(top + 8, loops.length > 0 ? loopHeight(loops) : 0);
  if (state.children.length === 0) {
    return { id: state.id, width: minWidth + reserved, height: minHeight };
  }
  const children = state.children.map((child) => toElkNode(child, edges, prepared));
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
      'elk.padding': `[top=${top + 6},left=${padding},bottom=${padding},right=${padding + reserved}]`,
      'elk.nodeSize.constraints': 'MINIMUM_SIZE',
      'elk.nodeSize.minimum': `(${minWidth + reserved},${Math.max(top + 20, minHeight)})`,
      // Parallel regions side by side, sequential states top to bottom.
      'elk.direction': state.type === 'parallel' ? 'RIGHT' : 'DOWN',
      ...layeredOptions,
    },
  };
}

function elkLabel(lines: readonly string[]): ElkLabel {
  return {
    text: lines.join('\n'),
    width: Math.max(...lines.map(labelTextWidth)) + labelPadX * 2,
    height: lines.length * smallLineHeight + 4,
  };
}

// Read per compound node, so every level gets them.
const layeredOptions: Record<string, string> = {
  // Break cycles depth first from the initial marker, so the initial state comes first.
  'elk.layered.cycleBreaking.strategy': 'DEPTH_FIRST',
  // Straighter, more compact placement than the default (session: 1861 -> 1777 px wide).
  'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
  // A label in the layer by its arrow's head, not the middle one: labels of arrows into one
  // state then stop lining up in one wide row (onboarding 1093 -> 996 px wide).
  'elk.layered.edgeLabels.centerLabelPlacementStrategy': 'HEAD_LAYER',
  // Parallel arrows 6 px apart, 8 px from boxes (defaults 10): the fans of arrows into
  // reconnecting and signedOut made most of session's width (with 140 px labels: 1777 -> 1666).
  'elk.spacing.edgeEdge': '6',
  'elk.layered.spacing.edgeEdgeBetweenLayers': '6',
  'elk.spacing.edgeNode': '8',
  'elk.layered.spacing.edgeNodeBetweenLayers': '8',
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

/**
 * Moves a path's first point off a state's reserved loop room onto its drawn box, keeping the
 * path orthogonal: a horizontal first segment is shortened, a vertical one gets a jog.
 */
function clampStart(points: Point[], box: Box): Point[] {
  const [start, next] = points;
  const right = box.x + box.width;
  if (!start || !next || start.x <= right) return points;
  if (start.y === next.y) return [{ x: right, y: start.y }, ...points.slice(1)];
  const x = right - 8;
  const step = Math.sign(next.y - start.y) * Math.min(8, Math.abs(next.y - start.y) / 2);
  return [
    { x, y: start.y },
    { x, y: start.y + step },
    { x: start.x, y: start.y + step },
    ...points.slice(1),
  ];
}

const clampEnd = (points: Point[], box: Box) => clampStart([...points].reverse(), box).reverse();

export async function layoutStatechart(
  structure: MachineStructure,
  options: LayoutOptions = {},
): Promise<StatechartLayout> {
  const machineIds = options.machineIds ?? registryMachineIds;
  const linkable = (src: string) => src !== structure.id && machineIds.has(src);
  const texts = transitionTexts(structure.transitions);
  const statesById = new Map<string, StateStructure>();
  const collect = (state: StateStructure) => {
    statesById.set(state.id, state);
    state.children.forEach(collect);
  };
  collect(structure.root);

  const internal = new Map<string, TransitionStructure[]>();
  const prepared: Prepared = { compartments: new Map(), loops: new Map(), reserved: new Map() };
  const arrows: {
    key: string;
    transition: TransitionStructure;
    targetId: string;
    lines: string[];
    text: string;
    primary: boolean;
  }[] = [];
  for (const transition of structure.transitions) {
    const text = texts.get(transition.id) ?? noText(transition);
    if (transition.targetIds.length === 0) {
      internal.set(transition.sourceId, [...(internal.get(transition.sourceId) ?? []), transition]);
      continue;
    }
    const count = transition.targetIds.length;
    transition.targetIds.forEach((targetId, index) => {
      const key = `${transition.id}>${index}`;
      // Later arrows of a multi-target transition: its event and guard, and which target.
      const head =
        index === 0
          ? `${text.number}${text.head}`
          : `${text.number}${text.head} (target ${index + 1} of ${count})`;
      const actions = index === 0 ? text.actions : '';
      const lines = labelLines(head, actions, maxLabelWidth);
      const full = actions === '' ? head : `${head} ${actions}`;
      if (isSelf(transition, targetId) && statesById.has(targetId)) {
        const labelBox = elkLabel(lines);
        const loop: Loop = {
          key,
          transition,
          lines,
          text: full,
          width: labelBox.width ?? 0,
          height: labelBox.height ?? 0,
        };
        prepared.loops.set(targetId, [...(prepared.loops.get(targetId) ?? []), loop]);
      } else {
        arrows.push({ key, transition, targetId, lines, text: full, primary: index === 0 });
      }
    });
  }
  for (const state of statesById.values()) {
    prepared.compartments.set(
      state.id,
      compartment(state, internal.get(state.id) ?? [], texts, linkable),
    );
    const loops = prepared.loops.get(state.id) ?? [];
    if (loops.length > 0) {
      prepared.reserved.set(state.id, loopOut + 4 + Math.max(...loops.map((l) => l.width)) + 6);
    }
  }

  const edges: ElkExtendedEdge[] = [];
  // The root is the machine itself: draw it as the outer box, like Stately's visualizer.
  const machineNode = toElkNode(structure.root, edges, prepared);
  const byKey = new Map<string, (typeof arrows)[number]>();
  for (const arrow of arrows) {
    byKey.set(arrow.key, arrow);
    edges.push({
      id: arrow.key,
      sources: [arrow.transition.sourceId],
      targets: [arrow.targetId],
      labels: [elkLabel(arrow.lines)],
    });
  }
  const historyTargets = new Map<string, { historyId: string; targetId: string }>();
  for (const state of statesById.values()) {
    (state.historyTargetIds ?? []).forEach((targetId, index) => {
      if (!statesById.has(targetId) || targetId === state.id) return;
      const key = `${state.id}#history>${index}`;
      historyTargets.set(key, { historyId: state.id, targetId });
      edges.push({ id: key, sources: [state.id], targets: [targetId] });
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
  const drawn = new Map<string, Box>();
  const initials: InitialMarker[] = [];
  const laidOutEdges: LaidOutEdge[] = [];

  const visit = (node: ElkNode, origin: Point, depth: number, isRegion: boolean) => {
    const x = origin.x + (node.x ?? 0);
    const y = origin.y + (node.y ?? 0);
    offsets.set(node.id, { x, y });
    const state = statesById.get(node.id);
    if (state) {
      const box: Box = {
        x,
        y,
        width: (node.width ?? 0) - (prepared.reserved.get(state.id) ?? 0),
        height: node.height ?? 0,
      };
      drawn.set(state.id, box);
      const rows = (prepared.compartments.get(state.id)?.rows ?? []).map((row) => ({
        ...row,
        x: x + row.x,
        y: y + row.y,
      }));
      states.push({ state, details: stateDetails(state), rows, depth, isRegion, ...box });
      let top = y + 6;
      for (const loop of prepared.loops.get(state.id) ?? []) {
        const right = box.x + box.width;
        const start = top + 4;
        const end = top + Math.max(12, loop.height - 4);
        laidOutEdges.push({
          key: loop.key,
          transition: loop.transition,
          targetId: state.id,
          loop: true,
          points: [
            { x: right, y: start },
            { x: right + loopOut, y: start },
            { x: right + loopOut, y: end },
            { x: right, y: end },
          ],
          label: {
            text: loop.text,
            lines: loop.lines,
            primary: loop.key.endsWith('>0'),
            x: right + loopOut + 4,
            y: top,
            width: loop.width,
            height: loop.height,
          },
        });
        top += loop.height + loopGap;
      }
    }
    for (const child of node.children ?? []) {
      visit(child, { x, y }, depth + 1, state?.type === 'parallel');
    }
  };
  for (const child of result.children ?? []) visit(child, { x: 0, y: 0 }, 0, false);

  const historyDefaults: HistoryDefault[] = [];
  for (const edge of (result.edges ?? []) as ElkOutputEdge[]) {
    // Edge coordinates are relative to the edge's container (the sources' and targets'
    // lowest common ancestor), which ELK reports per edge.
    const origin = offsets.get(edge.container ?? '#graph') ?? { x: 0, y: 0 };
    let points: Point[] = [];
    for (const section of edge.sections ?? []) {
      for (const point of [section.startPoint, ...(section.bendPoints ?? []), section.endPoint]) {
        points.push({ x: origin.x + point.x, y: origin.y + point.y });
      }
    }
    if (edge.id.endsWith('#initial>')) {
      const parentId = edge.id.slice(0, -'#initial>'.length);
      const marker = offsets.get(`${parentId}#initial`) ?? { x: 0, y: 0 };
      const target = drawn.get(statesById.get(parentId)?.initialId ?? '');
      initials.push({
        parentId,
        center: { x: marker.x + markerSize / 2, y: marker.y + markerSize / 2 },
        points: target ? clampEnd(points, target) : points,
      });
      continue;
    }
    const history = historyTargets.get(edge.id);
    const arrow = byKey.get(edge.id);
    const sourceBox = drawn.get(history?.historyId ?? arrow?.transition.sourceId ?? '');
    const targetBox = drawn.get(history?.targetId ?? arrow?.targetId ?? '');
    if (sourceBox) points = clampStart(points, sourceBox);
    if (targetBox) points = clampEnd(points, targetBox);
    if (history) {
      historyDefaults.push({ key: edge.id, ...history, points });
      continue;
    }
    if (!arrow) continue;
    const label = edge.labels?.[0];
    laidOutEdges.push({
      key: edge.id,
      transition: arrow.transition,
      targetId: arrow.targetId,
      points,
      loop: false,
      label: {
        text: arrow.text,
        lines: arrow.lines,
        primary: arrow.primary,
        x: origin.x + (label?.x ?? 0),
        y: origin.y + (label?.y ?? 0),
        width: label?.width ?? 0,
        height: label?.height ?? 0,
      },
    });
  }
  // In the order of the machine's transitions, loops and arrows alike.
  const order = new Map(structure.transitions.map((t, index) => [t.id, index]));
  laidOutEdges.sort(
    (a, b) =>
      (order.get(a.transition.id) ?? 0) - (order.get(b.transition.id) ?? 0) ||
      (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
  return {
    width: Math.ceil(result.width ?? 0),
    height: Math.ceil(result.height ?? 0),
    states,
    edges: laidOutEdges,
    initials,
    historyDefaults,
  };
}
