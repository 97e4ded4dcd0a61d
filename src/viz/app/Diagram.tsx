// The page's statechart: lays the structure out and draws it with the marks the mode asks for,
// in a viewport with zoom (buttons, Ctrl+wheel, + - 0 keys), pan (drag the background, or
// scroll), fit, and search for states and events. The state a deep link names is scrolled to
// and outlined.
import { Box, Button, IconButton, TextField, Tooltip, Typography } from '@mui/material';
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type PointerEvent as ReactPointerEvent,
} from 'react';
import { StatechartSvg, type Mark } from '../components/StatechartSvg.ts';
import type { MachineStructure, TransitionStructure } from '../structure.ts';
import { searchDiagram } from './diagramSearch.ts';
import { useStatechartLayout } from './useStatechartLayout.ts';
import { clampZoom, fitZoom, scrollAfterZoom, zoomIn, zoomOut } from './zoom.ts';

/** The mode panel beside the diagram. */
export const sidePanel = {
  width: 360,
  flexShrink: 0,
  borderLeft: '1px solid #ddd',
  p: 1.5,
  overflow: 'auto',
  display: 'flex',
  flexDirection: 'column',
} as const;

/** What the page tells every diagram: the state a link points at, and where links lead. */
export interface DiagramLinks {
  /** The state to scroll to and outline (the URL's `state=`), if any. */
  focusedStateId: string | null;
  /** A reviewer picked a state (or nothing): the page keeps it in the URL. */
  onFocusState(stateId: string | null): void;
  /** Opens the diagram of an invoked machine, by its machine id; absent: no links. */
  openMachine?: (machineId: string) => void;
  /** Machine ids the page can open (an invoke of one of them is drawn as a link by the SVG). */
  machineIds?: ReadonlySet<string>;
}

export const DiagramContext = createContext<DiagramLinks>({
  focusedStateId: null,
  onFocusState: () => {},
});

interface Outline {
  left: number;
  top: number;
  width: number;
  height: number;
}

const cssEscape = (id: string) =>
  typeof CSS !== 'undefined' && CSS.escape ? CSS.escape(id) : id.replace(/["\\]/g, '\\$&');

/** Where the diagram element `selector` sits in the zoomed drawing, in CSS pixels. */
function outlineOf(sizer: HTMLElement, selector: string): Outline | null {
  const element = sizer.querySelector(selector);
  if (!element) return null;
  const box = element.getBoundingClientRect();
  const origin = sizer.getBoundingClientRect();
  if (box.width === 0 && box.height === 0) return null;
  return {
    left: box.left - origin.left - 4,
    top: box.top - origin.top - 4,
    width: box.width + 8,
    height: box.height + 8,
  };
}

export function Diagram(props: {
  structure: MachineStructure;
  title: string;
  activeIds?: ReadonlySet<string>;
  enabled?: ReadonlySet<string>;
  onFire?: (t: TransitionStructure) => void;
  stateMarks?: ReadonlyMap<string, Mark>;
  transitionMarks?: ReadonlyMap<string, Mark>;
  taken?: ReadonlySet<string>;
}) {
  const { structure } = props;
  const links = useContext(DiagramContext);
  const layout = useStatechartLayout(structure);
  const viewport = useRef<HTMLDivElement>(null);
  const sizer = useRef<HTMLDivElement>(null);
  // The zoom is fitted once per machine (its structure), then the reviewer's.
  const [zoomState, setZoomState] = useState<{ for: MachineStructure; zoom: number } | null>(null);
  const zoom = zoomState?.for === structure ? zoomState.zoom : null;

  const fit = useCallback(() => {
    const element = viewport.current;
    if (!layout || !element) return;
    setZoomState({
      for: structure,
      zoom: fitZoom(layout, { width: element.clientWidth - 8, height: element.clientHeight - 8 }),
    });
  }, [layout, structure]);
  useLayoutEffect(() => {
    if (layout && zoom === null) fit();
  }, [layout, zoom, fit]);

  /** Zooms keeping the point under `anchor` (viewport pixels; the centre if absent) still. */
  const zoomTo = useCallback(
    (next: number, anchor?: { x: number; y: number }) => {
      const element = viewport.current;
      if (zoom === null || !element) return;
      const to = clampZoom(next);
      const point = anchor ?? { x: element.clientWidth / 2, y: element.clientHeight / 2 };
      const scroll = scrollAfterZoom(
        { left: element.scrollLeft, top: element.scrollTop },
        point,
        zoom,
        to,
      );
      setZoomState({ for: structure, zoom: to });
      requestAnimationFrame(() => element.scrollTo(scroll.left, scroll.top));
    },
    [zoom, structure],
  );

  // Ctrl+wheel (and a trackpad pinch, which browsers report as one) zooms at the pointer.
  // A native listener: React's wheel listeners are passive and cannot keep the page from
  // zooming itself.
  useEffect(() => {
    const element = viewport.current;
    if (!element) return;
    const onWheel = (event: WheelEvent) => {
      if (!event.ctrlKey && !event.metaKey) return;
      event.preventDefault();
      const rect = element.getBoundingClientRect();
      const anchor = { x: event.clientX - rect.left, y: event.clientY - rect.top };
      if (zoom !== null) zoomTo(event.deltaY < 0 ? zoomIn(zoom) : zoomOut(zoom), anchor);
    };
    element.addEventListener('wheel', onWheel, { passive: false });
    return () => element.removeEventListener('wheel', onWheel);
  }, [zoom, zoomTo]);

  // Dragging the background pans; pressing a transition button or a link does not.
  const drag = useRef<{ x: number; y: number; left: number; top: number } | null>(null);
  const [dragging, setDragging] = useState(false);
  const onPointerDown = (event: ReactPointerEvent<HTMLDivElement>) => {
    const target = event.target as Element;
    if (event.button !== 0 || target.closest('[role="button"], [role="link"], button, a, input'))
      return;
    const element = viewport.current;
    if (!element) return;
    drag.current = {
      x: event.clientX,
      y: event.clientY,
      left: element.scrollLeft,
      top: element.scrollTop,
    };
    element.setPointerCapture?.(event.pointerId);
    setDragging(true);
  };
  const onPointerMove = (event: ReactPointerEvent<HTMLDivElement>) => {
    const start = drag.current;
    const element = viewport.current;
    if (!start || !element) return;
    element.scrollTo(start.left - (event.clientX - start.x), start.top - (event.clientY - start.y));
  };
  const endDrag = () => {
    drag.current = null;
    setDragging(false);
  };

  // Search: every match, stepped through with Enter (Shift+Enter back).
  const [query, setQuery] = useState('');
  const hits = useMemo(() => searchDiagram(structure, query), [structure, query]);
  const [hitIndex, setHitIndex] = useState(0);
  const hit = hits.length > 0 ? hits[Math.min(hitIndex, hits.length - 1)] : undefined;
  const stepHit = (by: number) => {
    if (hits.length === 0) return;
    const next = (((hitIndex + by) % hits.length) + hits.length) % hits.length;
    setHitIndex(next);
    const picked = hits[next];
    if (picked?.kind === 'state') links.onFocusState(picked.id);
  };

  // The element to outline: the search's current match, else the state the link names.
  const focusSelector = hit
    ? `[data-${hit.kind === 'state' ? 'state' : 'transition'}-id="${cssEscape(hit.id)}"]`
    : links.focusedStateId
      ? `[data-state-id="${cssEscape(links.focusedStateId)}"]`
      : null;
  const [outline, setOutline] = useState<Outline | null>(null);
  const focusMissing =
    !hit &&
    links.focusedStateId !== null &&
    layout !== null &&
    !layout.states.some((s) => s.state.id === links.focusedStateId);
  useLayoutEffect(() => {
    const element = viewport.current;
    const drawing = sizer.current;
    if (!element || !drawing || zoom === null || !focusSelector) {
      setOutline(null);
      return;
    }
    const box = outlineOf(drawing, focusSelector);
    setOutline(box);
    if (box) {
      element.scrollTo(
        Math.max(0, box.left + box.width / 2 - element.clientWidth / 2),
        Math.max(0, box.top + box.height / 2 - element.clientHeight / 2),
      );
    }
  }, [focusSelector, zoom, layout]);

  if (!layout) return <Typography sx={{ p: 2 }}>Laying out {props.title}…</Typography>;
  const shownZoom = zoom ?? 1;
  const openMachine = links.openMachine;
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', height: '100%', minHeight: 0 }}>
      <Box
        role="toolbar"
        aria-label="Diagram view"
        sx={{ display: 'flex', alignItems: 'center', gap: 0.5, pb: 0.5, flexWrap: 'wrap' }}
      >
        <Tooltip title="Zoom out (-)">
          <IconButton size="small" aria-label="Zoom out" onClick={() => zoomTo(zoomOut(shownZoom))}>
            −
          </IconButton>
        </Tooltip>
        <Typography
          variant="body2"
          aria-label="Zoom level"
          sx={{ minWidth: 44, textAlign: 'center' }}
        >
          {Math.round(shownZoom * 100)}%
        </Typography>
        <Tooltip title="Zoom in (+)">
          <IconButton size="small" aria-label="Zoom in" onClick={() => zoomTo(zoomIn(shownZoom))}>
            +
          </IconButton>
        </Tooltip>
        <Button size="small" onClick={fit} title="Fit the whole machine (0)">
          Fit
        </Button>
        <Button size="small" onClick={() => zoomTo(1)}>
          100%
        </Button>
        <TextField
          size="small"
          label="Find state or event"
          value={query}
          onChange={(event) => {
            setQuery(event.target.value);
            setHitIndex(0);
            const first = searchDiagram(structure, event.target.value)[0];
            if (first?.kind === 'state') links.onFocusState(first.id);
          }}
          onKeyDown={(event) => {
            if (event.key === 'Enter') {
              event.preventDefault();
              stepHit(event.shiftKey ? -1 : 1);
            } else if (event.key === 'Escape') {
              setQuery('');
            }
          }}
          sx={{ ml: 1, width: 220 }}
        />
        <Typography variant="body2" role="status" aria-label="Search result" sx={{ ml: 0.5 }}>
          {query.trim() === ''
            ? ''
            : hit
              ? `${Math.min(hitIndex, hits.length - 1) + 1} of ${hits.length}: ${hit.text}`
              : 'No state or event matches'}
        </Typography>
        {focusMissing ? (
          <Typography variant="body2" role="alert" color="error">
            The link names state {links.focusedStateId}, which {props.title} does not have.
          </Typography>
        ) : null}
      </Box>
      <Box
        ref={viewport}
        role="region"
        aria-label={`${props.title} diagram: drag to pan, Ctrl+wheel or + and - to zoom, 0 to fit`}
        tabIndex={0}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={endDrag}
        onPointerCancel={endDrag}
        onKeyDown={(event) => {
          if (event.target !== event.currentTarget) return;
          if (event.key === '+' || event.key === '=') zoomTo(zoomIn(shownZoom));
          else if (event.key === '-') zoomTo(zoomOut(shownZoom));
          else if (event.key === '0') fit();
          else return;
          event.preventDefault();
        }}
        sx={{
          flex: 1,
          minHeight: 0,
          overflow: 'auto',
          cursor: dragging ? 'grabbing' : 'grab',
          '&:focus-visible': { outline: '2px solid #1565c0', outlineOffset: -2 },
        }}
      >
        <div
          ref={sizer}
          style={{
            position: 'relative',
            width: layout.width * shownZoom,
            height: layout.height * shownZoom,
          }}
        >
          <div
            style={{
              transform: `scale(${shownZoom})`,
              transformOrigin: '0 0',
              width: layout.width,
            }}
          >
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
              {...(openMachine ? { onInvokeClick: openMachine } : {})}
              {...(links.machineIds ? { invokeLinkSrcs: links.machineIds } : {})}
            />
          </div>
          {outline ? (
            <div
              aria-hidden="true"
              data-focus-outline={focusSelector ?? undefined}
              style={{
                position: 'absolute',
                pointerEvents: 'none',
                border: '3px solid #ff6f00',
                borderRadius: 10,
                boxShadow: '0 0 0 4px rgba(255,111,0,0.25)',
                ...outline,
              }}
            />
          ) : null}
        </div>
      </Box>
    </Box>
  );
}
