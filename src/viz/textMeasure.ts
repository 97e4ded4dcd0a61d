// A deterministic text-width estimate for the diagram's sans-serif font. No DOM: the page and
// the headless exporter must lay out identically, so `viz:check` can compare bytes.

export const fontFamily = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
export const fontSize = 12;
export const lineHeight = 16;

// Widths in em for Helvetica/Arial-like metrics, grouped by shape; a slight over-estimate is
// better than clipped text.
const narrow = new Set([...'iljtfrI.,:;!|\'"()[]{} ']);
const wide = new Set([...'mwMW@%']);

function charWidthEm(char: string): number {
  if (narrow.has(char)) return 0.32;
  if (wide.has(char)) return 0.86;
  if (char >= 'A' && char <= 'Z') return 0.72;
  if (char >= '0' && char <= '9') return 0.62;
  if (char.charCodeAt(0) > 0x2e7f) return 1; // CJK and other full-width glyphs
  return 0.6;
}

export function textWidth(text: string, size: number = fontSize): number {
  let em = 0;
  for (const char of text) em += charWidthEm(char);
  return Math.ceil(em * size);
}
