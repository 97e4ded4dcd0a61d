// Draws a laid-out statechart as SVG. The page renders it live; the exporter renders the very
// same component with renderToStaticMarkup, so the exported file is the page's drawing. Only
// presentation attributes (no CSS, no generated ids), so the markup is byte-for-byte stable.
// Written with createElement rather than JSX because Node runs the exporter by stripping
// types, and JSX is not erasable syntax.
import { createElement as h, type KeyboardEvent, type ReactElement } from 'react';
import {
  baselineOffset,
  keyFontSize,
  keyText,
  labelPadX,
  smallFontSize,
  smallLineHeight,
  type Box,
  type CompartmentRow,
  type LaidOutEdge,
  type LaidOutState,
  type Point,
  type StatechartLayout,
} from '../layout.ts';
import type { TransitionStructure } from '../structure.ts';
import { fontFamily } from '../textMeasure.ts';

/** Review marks: diff (added, removed, changed) and model coverage (uncovered, unknown). */
export type Mark = 'added' | 'removed' | 'changed' | 'uncovered' | 'unknown';

export const markColors: Record<Mark, string> = {
  added: '#2e7d32',
  removed: '#c62828',
  changed: '#e68a00',
  uncovered: '#8e24aa',
  unknown: '#78909c',
};

export const markTitles: Record<Mark, string> = {
  added: 'added',
  removed: 'removed',
  changed: 'changed',
  uncovered: 'untested: no model-based test path takes it',
  unknown: 'coverage unknown: not in the coverage report (run npm run test:model again)',
};

const ink = '#37474f';
const activeFill = '#e3f2fd';
const activeStroke = '#1565c0';

export interface StatechartSvgProps {
  layout: StatechartLayout;
  /** Accessible name of the drawing, e.g. the machine name. */
  title: string;
  /** Prefix for the SVG's marker ids, unique per drawing on one page. */
  idPrefix?: string;
  activeStateIds?: ReadonlySet<string>;
  /** Transitions that can be taken now: their labels are drawn as buttons. */
  enabledTransitionIds?: ReadonlySet<string>;
  onTransitionClick?: (transition: TransitionStructure) => void;
  stateMarks?: ReadonlyMap<string, Mark>;
  transitionMarks?: ReadonlyMap<string, Mark>;
  /** Transitions the last step took (simulate mode): drawn bold, marked `data-taken`. */
  takenTransitionIds?: ReadonlySet<string>;
  /**
   * The invoke `src`s that have a diagram to open (the page passes its machine ids). With
   * `onInvokeClick`, an `invoke` line whose src is in the set is a link. Without the set, the
   * layout's own choice applies (`CompartmentRow.opensDiagram`: the registry's machines).
   */
  invokeLinkSrcs?: ReadonlySet<string>;
  /**
   * Opens the diagram of an invoked machine. Without it (the exporter) every `invoke` line is
   * plain text carrying `data-invoke-src`.
   */
  onInvokeClick?: (src: string) => void;
}

const round = (value: number) => Math.round(value * 10) / 10;

function pathData(points: readonly Point[]): string {
  return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${round(p.x)} ${round(p.y)}`).join(' ');
}

interface TransitionOptions {
  idPrefix: string;
  mark: Mark | undefined;
  enabled: boolean;
  taken: boolean;
  onClick: ((transition: TransitionStructure) => void) | undefined;
}

const optionsFor = (
  props: StatechartSvgProps,
  idPrefix: string,
  transition: TransitionStructure,
): TransitionOptions => ({
  idPrefix,
  mark: props.transitionMarks?.get(transition.id),
  enabled: props.enabledTransitionIds?.has(transition.id) ?? false,
  taken: props.takenTransitionIds?.has(transition.id) ?? false,
  onClick: props.onTransitionClick,
});

const transitionColor = ({ mark, enabled }: TransitionOptions) =>
  mark ? markColors[mark] : enabled ? activeStroke : ink;

/**
 * A transition's text in its box: an arrow's label, or a row of a state's internal
 * transitions. In the simulate mode an enabled one is a button named by the transition's plain
 * `label` (what tests and screen readers find); `interactive` is false for the second and
 * later arrows of a multi-target transition, so each transition is one button.
 */
function transitionText(
  transition: TransitionStructure,
  box: Box & { lines: readonly string[]; text: string },
  options: TransitionOptions,
  interactive: boolean,
): ReactElement {
  const { mark, enabled, taken, onClick } = options;
  const color = transitionColor(options);
  const clickable = interactive && enabled && onClick !== undefined;
  const send = () => onClick?.(transition);
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      send();
    }
  };
  const tooltip = [box.text, transition.id, mark ? markTitles[mark] : '']
    .filter(Boolean)
    .join('\n');
  return h(
    'g',
    {
      role: clickable ? 'button' : undefined,
      tabIndex: clickable ? 0 : undefined,
      'aria-label': clickable ? transition.label : undefined,
      cursor: clickable ? 'pointer' : undefined,
      onClick: clickable ? send : undefined,
      onKeyDown: clickable ? onKeyDown : undefined,
    },
    h('title', null, tooltip),
    h('rect', {
      x: round(box.x),
      y: round(box.y),
      width: round(box.width),
      height: round(box.height),
      rx: 4,
      fill: clickable ? activeFill : '#fff',
      stroke: clickable || mark ? color : 'none',
      strokeDasharray:
        mark === 'removed' || mark === 'uncovered' || mark === 'unknown' ? '4 3' : undefined,
    }),
    ...box.lines.map((line, index) =>
      h(
        'text',
        {
          key: index,
          x: round(box.x + labelPadX),
          y: round(box.y + 2 + baselineOffset + index * smallLineHeight),
          fontFamily,
          fontSize: smallFontSize,
          fill: color,
          // Medium, not bold: the layout measures labels in the medium face too.
          fontWeight: taken ? 500 : undefined,
          textDecoration: mark === 'removed' ? 'line-through' : undefined,
        },
        line,
      ),
    ),
  );
}

function rowElement(
  row: CompartmentRow,
  index: number,
  props: StatechartSvgProps,
  idPrefix: string,
): ReactElement {
  const { transition } = row;
  if (row.kind === 'transition' && transition) {
    const options = optionsFor(props, idPrefix, transition);
    return h(
      'g',
      {
        key: `row${index}`,
        'data-transition-id': transition.id,
        'data-taken': options.taken ? 'true' : undefined,
        opacity: options.mark === 'removed' ? 0.55 : undefined,
      },
      transitionText(transition, row, options, true),
    );
  }
  const text = (line: string, lineIndex: number) =>
    h(
      'text',
      {
        key: `row${index}.${lineIndex}`,
        x: round(row.x),
        y: round(row.y + baselineOffset + lineIndex * smallLineHeight),
        fontFamily,
        fontSize: smallFontSize,
        fontStyle: row.kind === 'description' ? 'italic' : undefined,
        fill: row.kind === 'description' ? '#607d8b' : '#546e7a',
      },
      line,
    );
  if (row.invokeSrc === undefined) return h('g', { key: `row${index}` }, ...row.lines.map(text));
  const src = row.invokeSrc;
  const linked = props.invokeLinkSrcs ? props.invokeLinkSrcs.has(src) : row.opensDiagram === true;
  const onInvokeClick = linked ? props.onInvokeClick : undefined;
  const open = () => onInvokeClick?.(src);
  return h(
    'g',
    {
      key: `row${index}`,
      'data-invoke-src': src,
      role: onInvokeClick ? 'link' : undefined,
      tabIndex: onInvokeClick ? 0 : undefined,
      'aria-label': onInvokeClick ? `Open ${src} diagram` : undefined,
      cursor: onInvokeClick ? 'pointer' : undefined,
      textDecoration: onInvokeClick ? 'underline' : undefined,
      onClick: onInvokeClick ? open : undefined,
      onKeyDown: onInvokeClick
        ? (event: KeyboardEvent) => {
            if (event.key === 'Enter' || event.key === ' ') {
              event.preventDefault();
              open();
            }
          }
        : undefined,
    },
    linked ? h('title', null, `${src}: its own diagram`) : null,
    ...row.lines.map(text),
  );
}

function stateBox(
  laidOut: LaidOutState,
  props: StatechartSvgProps,
  idPrefix: string,
): ReactElement {
  const { state, x, y, width, height, rows } = laidOut;
  const active = props.activeStateIds?.has(state.id) ?? false;
  const mark = props.stateMarks?.get(state.id);
  const removed = mark === 'removed';
  const stroke = mark ? markColors[mark] : active ? activeStroke : ink;
  const shape =
    state.type === 'history'
      ? h('circle', {
          cx: round(x + width / 2),
          cy: round(y + height / 2),
          r: round(Math.min(width, height) / 2),
          fill: '#fff',
          stroke,
        })
      : h('rect', {
          x: round(x),
          y: round(y),
          width: round(width),
          height: round(height),
          rx: 8,
          // Only leaf states fill when active: a filled compound state would tint its children.
          fill: active && state.children.length === 0 ? activeFill : '#fff',
          fillOpacity: state.children.length > 0 ? 0.6 : undefined,
          stroke,
          strokeWidth: active || mark ? 2.5 : 1.2,
          strokeDasharray: removed || laidOut.isRegion ? '6 4' : undefined,
        });
  const finalRing =
    state.type === 'final'
      ? h('rect', {
          x: round(x + 4),
          y: round(y + 4),
          width: round(width - 8),
          height: round(height - 8),
          rx: 6,
          fill: 'none',
          stroke,
        })
      : null;
  const key = h(
    'text',
    {
      x: round(x + 10),
      y: round(y + 18),
      fontFamily,
      fontSize: keyFontSize,
      fontWeight: 700,
      fill: mark ? markColors[mark] : ink,
      textDecoration: removed ? 'line-through' : undefined,
    },
    keyText(state),
  );
  return h(
    'g',
    {
      key: state.id,
      role: 'group',
      'aria-label': state.key,
      'aria-current': active ? 'true' : undefined,
      'data-state-id': state.id,
      opacity: removed ? 0.55 : undefined,
    },
    h('title', null, mark ? `${state.id} (${markTitles[mark]})` : state.id),
    shape,
    finalRing,
    key,
    ...rows.map((row, index) => rowElement(row, index, props, idPrefix)),
  );
}

function edgeElement(edge: LaidOutEdge, options: TransitionOptions): ReactElement {
  const { transition, label } = edge;
  const { idPrefix, mark, enabled, taken } = options;
  const color = transitionColor(options);
  const dashed =
    mark === 'removed' ||
    mark === 'uncovered' ||
    mark === 'unknown' ||
    transition.kind === 'always';
  return h(
    'g',
    {
      key: edge.key,
      'data-transition-id': transition.id,
      'data-taken': taken ? 'true' : undefined,
      opacity: mark === 'removed' ? 0.55 : undefined,
    },
    h('path', {
      d: pathData(edge.points),
      fill: 'none',
      stroke: taken && !mark ? activeStroke : color,
      strokeWidth: taken ? 3.5 : mark || enabled ? 2 : 1.2,
      strokeDasharray: dashed ? '5 4' : undefined,
      markerEnd: `url(#${idPrefix}-arrow-${mark ?? (enabled ? 'enabled' : 'plain')})`,
    }),
    transitionText(transition, label, options, label.primary),
  );
}

const arrowKinds = [
  'plain',
  'enabled',
  'added',
  'removed',
  'changed',
  'uncovered',
  'unknown',
] as const;
const arrowColor = (kind: (typeof arrowKinds)[number]) =>
  kind === 'plain' ? ink : kind === 'enabled' ? activeStroke : markColors[kind];

export function StatechartSvg(props: StatechartSvgProps): ReactElement {
  const { layout, title, idPrefix = 'statechart' } = props;
  const markers = arrowKinds.map((kind) =>
    h(
      'marker',
      {
        key: kind,
        id: `${idPrefix}-arrow-${kind}`,
        viewBox: '0 0 10 10',
        refX: 9,
        refY: 5,
        markerWidth: 7,
        markerHeight: 7,
        orient: 'auto-start-reverse',
      },
      h('path', { d: 'M0 0 L10 5 L0 10 z', fill: arrowColor(kind) }),
    ),
  );
  const initials = layout.initials.map((initial) =>
    h(
      'g',
      { key: `${initial.parentId}#initial`, 'aria-hidden': 'true' },
      h('circle', { cx: initial.center.x, cy: initial.center.y, r: 5, fill: ink }),
      h('path', {
        d: pathData(initial.points),
        fill: 'none',
        stroke: ink,
        strokeWidth: 1.2,
        markerEnd: `url(#${idPrefix}-arrow-plain)`,
      }),
    ),
  );
  // A history state's default: dashed, like Stately's and UML's history default arrows.
  const historyDefaults = layout.historyDefaults.map((history) =>
    h(
      'g',
      { key: history.key, 'data-history-default': history.historyId },
      h('title', null, `${history.historyId}: default ${history.targetId}`),
      h('path', {
        d: pathData(history.points),
        fill: 'none',
        stroke: ink,
        strokeWidth: 1.2,
        strokeDasharray: '3 3',
        markerEnd: `url(#${idPrefix}-arrow-plain)`,
      }),
    ),
  );
  return h(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      role: 'figure',
      'aria-label': title,
      width: layout.width,
      height: layout.height,
      viewBox: `0 0 ${layout.width} ${layout.height}`,
    },
    h('defs', null, ...markers),
    h('rect', { width: layout.width, height: layout.height, fill: '#fafafa' }),
    ...layout.states.map((laidOut) => stateBox(laidOut, props, idPrefix)),
    ...initials,
    ...historyDefaults,
    ...layout.edges.map((edge) => edgeElement(edge, optionsFor(props, idPrefix, edge.transition))),
  );
}
