// The developers' figure: wall time of `npm run test:model` (the model-based suite and its
// coverage table), run as a developer runs it.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { type Row, row } from '../lib/rows.ts';

const projectDir = path.resolve(import.meta.dirname, '../..');

export async function runModelTests(log: (line: string) => void): Promise<Row[]> {
  log('model: npm run test:model');
  const started = performance.now();
  const { code, tail } = await new Promise<{ code: number | null; tail: string }>((resolve) => {
    const child = spawn('npm', ['run', '--silent', 'test:model'], {
      cwd: projectDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-2000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('close', (exitCode) => resolve({ code: exitCode, tail: output }));
  });
  const seconds = (performance.now() - started) / 1000;
  // Vitest colours its summary; strip the escape codes before reading it.
  const plain = stripVTControlCharacters(tail);
  const tests = /Tests\s+(?:\d+ failed \| )?(\d+) passed/.exec(plain)?.[1];
  const note =
    code === 0
      ? `${tests ?? '?'} tests passed`
      : `test:model exited ${code}: ${
          plain
            .split('\n')
            .findLast((line) => /uncovered|failed|error/i.test(line))
            ?.trim() ?? 'see its output'
        }`;
  return [row('npm run test:model, wall time', 'whole suite', seconds, 's', { note })];
}
