// The diagram's zoom: bounded steps, fit to the viewport, and the scroll position that keeps
// the point under the pointer (or the viewport's centre) in place while zooming. Pure.
export const minZoom = 0.1;
export const maxZoom = 4;
const step = 1.25;

export const clampZoom = (zoom: number) =>
  Math.min(maxZoom, Math.max(minZoom, Math.round(zoom * 1000) / 1000));

export const zoomIn = (zoom: number) => clampZoom(zoom * step);
export const zoomOut = (zoom: number) => clampZoom(zoom / step);

/** The zoom at which the whole diagram fits the viewport, never above 1 (no blurry upscale). */
export function fitZoom(
  diagram: { width: number; height: number },
  viewport: { width: number; height: number },
): number {
  if (diagram.width <= 0 || diagram.height <= 0) return 1;
  if (viewport.width <= 0 || viewport.height <= 0) return 1;
  return clampZoom(Math.min(1, viewport.width / diagram.width, viewport.height / diagram.height));
}

/**
 * Scroll offsets after zooming from `from` to `to`, so that the diagram point under
 * `anchor` (viewport coordinates) stays under it.
 */
export function scrollAfterZoom(
  scroll: { left: number; top: number },
  anchor: { x: number; y: number },
  from: number,
  to: number,
): { left: number; top: number } {
  const ratio = to / from;
  return {
    left: Math.max(0, (scroll.left + anchor.x) * ratio - anchor.x),
    top: Math.max(0, (scroll.top + anchor.y) * ratio - anchor.y),
  };
}
