import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isValidElement, type ReactElement, type ReactNode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { createMachine } from 'xstate';
import { registry } from '../../../machines/index.ts';
import { markColors, StatechartSvg } from '../../../src/viz/components/StatechartSvg.ts';
import { statechartSvgFile } from '../../../src/viz/export/svgFile.ts';
import { layoutStatechart } from '../../../src/viz/layout.ts';
import { machineFiles, type ExportableMachine } from '../../../src/viz/export/machineFiles.ts';
import { staleFiles, writeFiles } from '../../../src/viz/export/sync.ts';
import {
  allStates,
  extractStructure,
  type MachineStructure,
  type TransitionStructure,
} from '../../../src/viz/structure.ts';
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
    // Four whole exports in child processes (every machine laid out by ELK): about 10 s alone,
    // more beside the other tests on 2 cores. The limit is for a hang, not a speed target.
  }, 120_000);
});

/** Host elements of a rendered StatechartSvg tree (it builds plain elements, no components). */
function elements(node: ReactNode): ReactElement<Record<string, unknown>>[] {
  if (Array.isArray(node)) return node.flatMap(elements);
  if (!isValidElement<Record<string, unknown>>(node)) return [];
  return [node, ...elements(node.props.children as ReactNode)];
}
const key = (event: string) => ({ key: event, preventDefault: () => {} });
/** Calls an element's event handler prop, as React would. */
function fire(
  element: ReactElement<Record<string, unknown>> | undefined,
  handler: string,
  event?: unknown,
) {
  const listener = element?.props[handler];
  if (typeof listener !== 'function') throw new Error(`no ${handler} handler`);
  (listener as (event: unknown) => void)(event);
}

describe('the drawing of internal transitions and invoked machines', () => {
  const machine = createMachine({
    id: 'parent',
    initial: 'editing',
    on: { ping: { actions: 'logPing' } },
    states: {
      editing: {
        invoke: [
          { id: 'session', src: 'session' },
          { id: 'save', src: 'save' },
        ],
        on: {
          'code.changed': { guard: 'hasText', actions: 'assignCode' },
          done: 'finished',
        },
      },
      finished: { type: 'final' },
    },
  });

  it('draws an enabled internal transition as a button named by its label, marked and taken', async () => {
    const layout = await layoutStatechart(extractStructure(machine));
    const sent: string[] = [];
    const id = 'parent.editing:code.changed:0';
    const props = {
      layout,
      title: 'parent',
      enabledTransitionIds: new Set([id]),
      onTransitionClick: (t: TransitionStructure) => sent.push(t.id),
      takenTransitionIds: new Set([id]),
      transitionMarks: new Map([['parent:ping:0', 'removed' as const]]),
    };
    const tree = elements(StatechartSvg(props));
    const state = tree.find((e) => e.props['data-state-id'] === 'parent.editing');
    const row = elements(state).find((e) => e.props['data-transition-id'] === id);
    expect(row?.props['data-taken']).toBe('true');
    const button = elements(row).find((e) => e.props.role === 'button');
    expect(button?.props['aria-label']).toBe('code.changed [hasText]');
    expect(button?.props.tabIndex).toBe(0);
    fire(button, 'onClick');
    fire(button, 'onKeyDown', key('Enter'));
    fire(button, 'onKeyDown', key(' '));
    fire(button, 'onKeyDown', key('a'));
    expect(sent).toEqual([id, id, id]);
    const texts = elements(row).filter((e) => e.type === 'text');
    expect(texts.map((t) => t.props.children)).toEqual(['on code.changed [hasText] / assignCode']);
    expect(texts[0]?.props.fontWeight).toBe(500);

    const svg = statechartSvgFile(props);
    const root = svg.match(/data-transition-id="parent:ping:0"[\s\S]*?<\/g><\/g>/)?.[0] ?? '';
    expect(root).toContain('text-decoration="line-through"');
    expect(root).toContain(markColors.removed);
    expect(root).toContain('>on ping / logPing</text>');
    // Every drawn transition carries its id: the arrow and both rows.
    for (const t of extractStructure(machine).transitions) {
      expect(svg).toContain(`data-transition-id="${t.id}"`);
    }
    expect(svg).not.toMatch(/role="button"[^>]*aria-label="done"/);
  });

  it('links an invoked registry machine to its diagram, and is plain text in an export', async () => {
    const layout = await layoutStatechart(extractStructure(machine));
    const opened: string[] = [];
    const tree = elements(
      StatechartSvg({ layout, title: 'parent', onInvokeClick: (src) => opened.push(src) }),
    );
    const links = tree.filter((e) => e.props['data-invoke-src'] !== undefined);
    expect(
      links.map((e) => [e.props['data-invoke-src'], e.props.role, e.props['aria-label']]),
    ).toEqual([
      ['session', 'link', 'Open session diagram'],
      // `save` is no machine of the registry: plain text, still naming its src.
      ['save', undefined, undefined],
    ]);
    fire(links[0], 'onClick');
    fire(links[0], 'onKeyDown', key('Enter'));
    expect(opened).toEqual(['session', 'session']);
    const svg = statechartSvgFile({ layout, title: 'parent' });
    expect(svg).toContain('data-invoke-src="session"');
    expect(svg).toContain('data-invoke-src="save"');
    expect(svg).not.toContain('role="link"');
  });

  it.each(registry.map((entry) => [entry.name, entry.machine] as const))(
    '%s: every targetless transition is a row in its state box, a button when enabled',
    async (_name, machine) => {
      const structure = extractStructure(machine);
      const internal = structure.transitions.filter((t) => t.targetIds.length === 0);
      const layout = await layoutStatechart(structure);
      const clicked: string[] = [];
      const props = {
        layout,
        title: structure.id,
        enabledTransitionIds: new Set(internal.map((t) => t.id)),
        onTransitionClick: (t: TransitionStructure) => clicked.push(t.id),
      };
      const tree = elements(StatechartSvg(props));
      for (const transition of internal) {
        // Inside its source's box (the root's too), not an arrow or loop outside it.
        const state = tree.find((e) => e.props['data-state-id'] === transition.sourceId);
        const row = elements(state).find((e) => e.props['data-transition-id'] === transition.id);
        expect(row?.props['data-transition-id']).toBe(transition.id);
        expect(elements(row).some((e) => e.type === 'path')).toBe(false);
        const button = elements(row).find((e) => e.props.role === 'button');
        expect(button?.props['aria-label']).toBe(transition.label);
        fire(button, 'onClick');
      }
      expect(clicked).toEqual(internal.map((t) => t.id));
      const html = renderToStaticMarkup(StatechartSvg(props));
      expect(html.match(/role="button"/g)?.length ?? 0).toBe(internal.length);
      expect(layout.edges.filter((e) => e.transition.targetIds.length === 0)).toEqual([]);
    },
  );

  it('links only the srcs in invokeLinkSrcs when the page passes them', async () => {
    const layout = await layoutStatechart(extractStructure(machine));
    const opened: string[] = [];
    const onInvokeClick = (src: string) => opened.push(src);
    const linksOf = (srcs: ReadonlySet<string>) =>
      elements(StatechartSvg({ layout, title: 'parent', invokeLinkSrcs: srcs, onInvokeClick }))
        .filter((e) => e.props['data-invoke-src'] !== undefined)
        .map((e) => [e.props['data-invoke-src'], e.props.role, e.props.textDecoration]);
    expect(linksOf(new Set(['save']))).toEqual([
      ['session', undefined, undefined],
      ['save', 'link', 'underline'],
    ]);
    expect(linksOf(new Set())).toEqual([
      ['session', undefined, undefined],
      ['save', undefined, undefined],
    ]);
    const html = renderToStaticMarkup(
      StatechartSvg({ layout, title: 'parent', invokeLinkSrcs: new Set(['save']), onInvokeClick }),
    );
    expect(html).toMatch(
      /data-invoke-src="save" role="link" tabindex="0" aria-label="Open save diagram"/,
    );
  });

  it('draws a history state default as a dashed arrow, and Roboto as the font', async () => {
    const history = createMachine({
      id: 'h',
      initial: 'p',
      states: {
        p: { initial: 'one', states: { one: {}, two: {}, past: { type: 'history' } } },
      },
    });
    const svg = statechartSvgFile({
      layout: await layoutStatechart(extractStructure(history)),
      title: 'h',
    });
    expect(svg).toMatch(/data-history-default="h.p.past"[\s\S]*?stroke-dasharray="3 3"/);
    expect(svg).toContain('font-family="Roboto,');
  });
});
