import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { registry } from '../../../machines/index.ts';
import { machineFiles, type ExportableMachine } from '../../../src/viz/export/machineFiles.ts';
import { staleFiles, writeFiles } from '../../../src/viz/export/sync.ts';
import { allStates, extractStructure, type MachineStructure } from '../../../src/viz/structure.ts';
import { featureMachine } from './fixtures.ts';

/** What a reviewer must be able to find: every state key and every event (or its trigger). */
function expectedTexts(structure: MachineStructure): string[] {
  const texts = allStates(structure).map((state) => state.key);
  for (const t of structure.transitions) {
    if (t.kind === 'event' || t.kind === 'wildcard') texts.push(t.eventType);
    if (t.invokeId) texts.push(t.invokeId);
    if (t.delay) texts.push(t.delay);
    if (t.guard) texts.push(t.guard);
  }
  return [...new Set(texts)];
}

/** Text content of an SVG: what a reader sees, not attribute values. */
const svgText = (svg: string) =>
  [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]).join('\n');
const unescape = (text: string) =>
  text
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"');

const fixture: ExportableMachine = {
  name: 'feature',
  purpose: 'Every statechart feature.',
  machine: featureMachine,
};
const entries: ExportableMachine[] = [...registry, fixture];

describe('exported diagrams', () => {
  it.each(entries.map((e) => [e.name, e] as const))(
    '%s: every state key and event type is text in its SVG and Mermaid file',
    async (_name, entry) => {
      const files = await machineFiles([entry]);
      const svg = unescape(svgText(files.get(`${entry.name}.svg`) ?? ''));
      const mermaid = files.get(`${entry.name}.mmd`) ?? '';
      const expected = expectedTexts(extractStructure(entry.machine));
      expect(expected.length).toBeGreaterThan(3);
      for (const text of expected) {
        expect(svg, `SVG of ${entry.name} lacks "${text}"`).toContain(text);
        expect(mermaid, `Mermaid of ${entry.name} lacks "${text}"`).toContain(text);
      }
      expect(mermaid.startsWith('stateDiagram-v2\n')).toBe(true);
    },
  );

  it('is byte-for-byte reproducible', async () => {
    const first = await machineFiles(entries);
    const second = await machineFiles(entries);
    expect([...second.entries()]).toEqual([...first.entries()]);
  });

  it('lists every machine with its purpose and links in the README', async () => {
    const readme = (await machineFiles(entries)).get('README.md') ?? '';
    for (const entry of entries) {
      expect(readme).toContain(`| ${entry.name} | ${entry.purpose} |`);
      expect(readme).toContain(`](${entry.name}.svg)`);
      expect(readme).toContain(`](${entry.name}.mmd)`);
    }
  });

  it('says in the README how the live mode gets its inspector token, and why', async () => {
    const readme = (await machineFiles(entries)).get('README.md') ?? '';
    expect(readme).toContain('--inspect-token <token>');
    expect(readme).toContain('/#inspect=<token>');
    expect(readme).toMatch(/fragment, +which browsers never send to a server/);
  });

  it('draws parallel regions, final states and initial markers in the SVG', async () => {
    const svg = (await machineFiles([fixture])).get('feature.svg') ?? '';
    expect(svg).toContain('ready ‖');
    // A final state has a second, inner border.
    expect(
      svg.match(/data-state-id="feature.finished"[\s\S]*?<\/g>/)?.[0].match(/<rect/g),
    ).toHaveLength(2);
    expect(svg.match(/<circle[^>]*r="5"/g)).toHaveLength(3);
  });
});

describe('viz:check', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('passes after an export and names each stale, missing or extra file', async () => {
    dir = await mkdtemp(join(tmpdir(), 'viz-export-'));
    const files = await machineFiles([fixture]);
    expect(await staleFiles(dir, files)).toEqual([
      { file: 'feature.svg', reason: 'missing' },
      { file: 'feature.mmd', reason: 'missing' },
      { file: 'README.md', reason: 'missing' },
    ]);
    await writeFiles(dir, files);
    expect(await staleFiles(dir, files)).toEqual([]);

    await writeFile(join(dir, 'feature.mmd'), 'stateDiagram-v2\n');
    await writeFile(join(dir, 'old.svg'), '<svg/>');
    expect(await staleFiles(dir, files)).toEqual([
      { file: 'feature.mmd', reason: 'differs' },
      { file: 'old.svg', reason: 'not generated' },
    ]);
    await writeFiles(dir, files);
    expect((await readdir(dir)).sort()).toEqual(['README.md', 'feature.mmd', 'feature.svg']);
    expect(await readFile(join(dir, 'feature.mmd'), 'utf8')).toBe(files.get('feature.mmd'));
  });
});

describe('the viz:export and viz:check commands', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const run = (...args: string[]) =>
    spawnSync(process.execPath, ['src/viz/export.ts', ...args], { encoding: 'utf8' });

  it('exports the registry, then checks it, and fails naming a stale file', async () => {
    dir = await mkdtemp(join(tmpdir(), 'viz-cli-'));
    expect(run('--check', '--out', dir)).toMatchObject({ status: 1 });
    expect(run('--out', dir).status).toBe(0);
    expect((await readdir(dir)).sort()).toEqual(
      ['README.md', ...registry.flatMap((e) => [`${e.name}.mmd`, `${e.name}.svg`])].sort(),
    );
    expect(run('--check', '--out', dir)).toMatchObject({ status: 0 });
    await writeFile(join(dir, 'onboarding.svg'), '<svg/>');
    const check = run('--check', '--out', dir);
    expect(check.status).toBe(1);
    expect(check.stderr).toContain('onboarding.svg (differs)');
    expect(check.stderr).not.toContain('session.svg');
  });
});
