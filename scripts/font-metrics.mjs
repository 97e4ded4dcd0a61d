// Writes src/viz/fontMetrics.ts: the advance width of every glyph the statechart diagram can
// draw, read from the Roboto files the visualizer page ships (@fontsource/roboto). The diagram
// lays text out with these numbers, so label boxes fit the text the page renders, and Node (the
// exporter) and the browser compute identical layouts without a font parser at run time.
// Reads WOFF 1.0 (zlib-compressed sfnt tables: head, hhea, hmtx, cmap); no dependency.
//   node scripts/font-metrics.mjs          writes it
//   node scripts/font-metrics.mjs --check  exits 1 if the committed table is not what it writes
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';

const root = join(import.meta.dirname, '..');
const files = join(root, 'node_modules', '@fontsource', 'roboto', 'files');
const out = join(root, 'src', 'viz', 'fontMetrics.ts');

// The faces the diagram draws: regular text, medium (bold labels), bold state keys, italic
// descriptions. Subsets: latin (ASCII, Latin-1, punctuation) and math (‖, ↻, arrows).
const faces = [
  { name: 'regular', file: '400-normal' },
  { name: 'medium', file: '500-normal' },
  { name: 'bold', file: '700-normal' },
  { name: 'italic', file: '400-italic' },
];
const subsets = ['latin', 'math'];

function woffTables(buffer) {
  if (buffer.toString('latin1', 0, 4) !== 'wOFF') throw new Error('not a WOFF 1.0 file');
  const count = buffer.readUInt16BE(12);
  const tables = new Map();
  for (let i = 0; i < count; i++) {
    const at = 44 + i * 20;
    const tag = buffer.toString('latin1', at, at + 4);
    const offset = buffer.readUInt32BE(at + 4);
    const compLength = buffer.readUInt32BE(at + 8);
    const origLength = buffer.readUInt32BE(at + 12);
    const data = buffer.subarray(offset, offset + compLength);
    tables.set(tag, compLength < origLength ? inflateSync(data) : data);
  }
  return tables;
}

/** Code point to glyph index, from the Unicode cmap subtable (format 4 or 12). */
function readCmap(cmap) {
  const count = cmap.readUInt16BE(2);
  const map = new Map();
  for (let i = 0; i < count; i++) {
    const platform = cmap.readUInt16BE(4 + i * 8);
    const encoding = cmap.readUInt16BE(6 + i * 8);
    const offset = cmap.readUInt32BE(8 + i * 8);
    if (!(platform === 3 && (encoding === 1 || encoding === 10)) && platform !== 0) continue;
    const format = cmap.readUInt16BE(offset);
    if (format === 4) {
      const segCount = cmap.readUInt16BE(offset + 6) / 2;
      const ends = offset + 14;
      const starts = ends + segCount * 2 + 2;
      const deltas = starts + segCount * 2;
      const rangeOffsets = deltas + segCount * 2;
      for (let s = 0; s < segCount; s++) {
        const end = cmap.readUInt16BE(ends + s * 2);
        const start = cmap.readUInt16BE(starts + s * 2);
        const delta = cmap.readInt16BE(deltas + s * 2);
        const rangeOffset = cmap.readUInt16BE(rangeOffsets + s * 2);
        for (let c = start; c <= end && c !== 0xffff; c++) {
          let glyph;
          if (rangeOffset === 0) glyph = (c + delta) & 0xffff;
          else {
            const at = rangeOffsets + s * 2 + rangeOffset + (c - start) * 2;
            glyph = cmap.readUInt16BE(at);
            if (glyph !== 0) glyph = (glyph + delta) & 0xffff;
          }
          if (glyph !== 0) map.set(c, glyph);
        }
      }
    } else if (format === 12) {
      const groups = cmap.readUInt32BE(offset + 12);
      for (let g = 0; g < groups; g++) {
        const at = offset + 16 + g * 12;
        const start = cmap.readUInt32BE(at);
        const end = cmap.readUInt32BE(at + 4);
        const glyph = cmap.readUInt32BE(at + 8);
        for (let c = start; c <= end; c++) map.set(c, glyph + (c - start));
      }
    }
  }
  return map;
}

function advances(file) {
  const tables = woffTables(readFileSync(join(files, file)));
  const unitsPerEm = tables.get('head').readUInt16BE(18);
  const metrics = tables.get('hhea').readUInt16BE(34);
  const hmtx = tables.get('hmtx');
  const cmap = readCmap(tables.get('cmap'));
  const widths = new Map();
  for (const [code, glyph] of cmap) {
    if (code < 0x20) continue;
    const advance = hmtx.readUInt16BE(Math.min(glyph, metrics - 1) * 4);
    // In thousandths of an em: integers keep the table short and the sums exact.
    widths.set(code, Math.round((advance * 1000) / unitsPerEm));
  }
  return widths;
}

/** A run as oxfmt prints it: on one line if it fits 100 columns, else filled, 6 indented. */
function formatRun(run) {
  const line = `    [${run.join(', ')}],`;
  if (line.length <= 100) return line;
  const lines = [];
  let current = '';
  for (const value of run) {
    const next = current === '' ? `      ${value},` : `${current} ${value},`;
    if (next.length > 100) {
      lines.push(current);
      current = `      ${value},`;
    } else current = next;
  }
  lines.push(current);
  return ['    [', ...lines, '    ],'].join('\n');
}

const sections = faces.map(({ name, file }) => {
  const widths = new Map();
  for (const subset of subsets) {
    for (const [code, width] of advances(`roboto-${subset}-${file}.woff`)) {
      if (!widths.has(code)) widths.set(code, width);
    }
  }
  const entries = [...widths].sort(([a], [b]) => a - b);
  // Runs of consecutive code points as [first code point, ...widths], to keep the file small.
  const runs = [];
  for (const [code, width] of entries) {
    const last = runs.at(-1);
    if (last && last[0] + last.length - 1 === code) last.push(width);
    else runs.push([code, width]);
  }
  const body = runs.map(formatRun).join('\n');
  return `  ${name}: [\n${body}\n  ],`;
});

const text = `// Generated by scripts/font-metrics.mjs from @fontsource/roboto's WOFF files; do not edit.
// Advance widths in thousandths of an em, per face, as runs: [first code point, ...widths].
export type FontFace = 'regular' | 'medium' | 'bold' | 'italic';

export const advanceRuns: Record<FontFace, readonly (readonly number[])[]> = {
${sections.join('\n')}
};
`;

if (process.argv.includes('--check')) {
  if (readFileSync(out, 'utf8') !== text) {
    console.error(`font-metrics: ${out} is stale; run node scripts/font-metrics.mjs`);
    process.exit(1);
  }
  console.log('font-metrics: src/viz/fontMetrics.ts matches the Roboto files');
} else {
  writeFileSync(out, text);
  console.log(`font-metrics: wrote ${out}`);
}
