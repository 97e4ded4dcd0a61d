// The result rows every suite produces, the printed table and bench/results/*.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Row {
  /** What was measured, e.g. "send->ack p99 (memory store)". */
  name: string;
  /** The size it was measured at, e.g. "1000 clients" or "10000 messages". */
  size: string;
  /** null when the figure could not be taken (see note). */
  value: number | null;
  unit: string;
  /** Bare Socket.IO's figure for the same workload, when there is one. */
  baseline?: number;
  /** value / baseline. */
  ratio?: number;
  /** Why a row is empty or how to read it. */
  note?: string;
}

export interface Results {
  server: Row[];
  renderer: Row[];
  env: Record<string, string | number | boolean>;
}

/** Rounds to a precision that suits the magnitude, so the JSON stays readable. */
export function round(value: number): number {
  if (!Number.isFinite(value)) return value;
  const magnitude = Math.abs(value);
  const digits = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : magnitude >= 1 ? 2 : 3;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export function row(
  name: string,
  size: string,
  value: number | null,
  unit: string,
  extra: { baseline?: number; note?: string } = {},
): Row {
  const result: Row = { name, size, value: value === null ? null : round(value), unit };
  if (extra.baseline !== undefined && Number.isFinite(extra.baseline)) {
    result.baseline = round(extra.baseline);
    if (value !== null && extra.baseline > 0) result.ratio = round(value / extra.baseline);
  }
  if (extra.note !== undefined) result.note = extra.note;
  return result;
}

export function skippedRow(name: string, size: string, unit: string, note: string): Row {
  return { name, size, value: null, unit, note };
}

function cell(value: number | string | null | undefined): string {
  if (value === null || value === undefined) return '';
  return String(value);
}

export function formatTable(title: string, rows: readonly Row[]): string {
  const header = ['name', 'size', 'value', 'unit', 'bare', 'ratio', 'note'];
  const lines = rows.map((item) => [
    item.name,
    item.size,
    item.value === null ? '-' : cell(item.value),
    item.unit,
    cell(item.baseline),
    cell(item.ratio),
    item.note ?? '',
  ]);
  const widths = header.map((label, column) =>
    Math.max(label.length, ...lines.map((line) => (line[column] ?? '').length)),
  );
  const format = (line: string[]) =>
    line
      .map((text, column) => text.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [`\n${title}`, format(header), format(widths.map((width) => '-'.repeat(width)))]
    .concat(lines.map(format))
    .join('\n');
}

export function environment(mode: string): Results['env'] {
  const cpus = os.cpus();
  return {
    mode,
    date: new Date().toISOString(),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    loadAverage1m: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
  };
}

export function writeResults(file: string, results: Results): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
}
