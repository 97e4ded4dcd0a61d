// The rules that keep toMermaid's text renderable in Mermaid (rendered for real in
// tests/e2e/mermaid.test.ts): no description on a compound state, no arrow at the root, and
// every arrow between two states of one block.
import { describe, expect, it } from 'vitest';
import { registry } from '../../../machines/index.ts';
import { labelText, mermaidIds, route, toMermaid } from '../../../src/viz/export/mermaid.ts';
import { extractStructure, type StateStructure } from '../../../src/viz/structure.ts';

const chains = new Map<string, string[]>([
  ['m', ['m']],
  ['m.a', ['m', 'm.a']],
  ['m.a.x', ['m', 'm.a', 'm.a.x']],
  ['m.a.x.deep', ['m', 'm.a', 'm.a.x', 'm.a.x.deep']],
  ['m.a.y', ['m', 'm.a', 'm.a.y']],
  ['m.b', ['m', 'm.b']],
]);

describe('route', () => {
  it('draws an arrow between siblings in their parent', () => {
    expect(route('m.a.x', 'm.a.y', chains)).toEqual({
      block: 'm.a',
      fromId: 'm.a.x',
      toId: 'm.a.y',
      fromPath: [],
      toPath: [],
    });
  });

  it('starts an arrow leaving a compound state at its border, naming the inner source', () => {
    expect(route('m.a.x.deep', 'm.b', chains)).toEqual({
      block: 'm',
      fromId: 'm.a',
      toId: 'm.b',
      fromPath: ['m.a.x', 'm.a.x.deep'],
      toPath: [],
    });
  });

  it('draws a compound state to its own child as a loop on it, in its parent', () => {
    expect(route('m.a', 'm.a.y', chains)).toMatchObject({
      block: 'm',
      fromId: 'm.a',
      toId: 'm.a',
      toPath: ['m.a.y'],
    });
    expect(route('m.a', 'm.a', chains)).toMatchObject({ block: 'm', fromId: 'm.a', toId: 'm.a' });
  });

  it('has no block for an arrow at the root', () => {
    expect(route('m', 'm.b', chains).block).toBeUndefined();
    expect(route('m', 'm', chains).block).toBeUndefined();
  });
});

describe('labelText', () => {
  it('escapes what ends a Mermaid statement or reads as HTML', () => {
    expect(labelText('a; #b <c> "d"\ne')).toBe('a#59; #35;b #lt;c#gt; #quot;d#quot; e');
  });
});

function allStates(state: StateStructure): StateStructure[] {
  return [state, ...state.children.flatMap(allStates)];
}

describe.each(registry.map((entry) => [entry.name, entry] as const))(
  'toMermaid(%s)',
  (_, entry) => {
    const structure = extractStructure(entry.machine);
    const ids = mermaidIds(structure);
    const text = toMermaid(structure);
    const rootId = ids.get(structure.root.id)!;

    it('gives no compound state a description line (Mermaid refuses them)', () => {
      for (const state of allStates(structure.root).filter((s) => s.children.length > 0)) {
        expect(text).not.toMatch(new RegExp(`^\\s*${ids.get(state.id)} :`, 'm'));
      }
    });

    it('draws every arrow between two states declared in the block it is in, none at the root', () => {
      // Block of each Mermaid id: the compound state whose `{ }` declares it.
      const blockOf = new Map<string, string>();
      const open: string[] = [];
      const misplaced: string[] = [];
      for (const line of text.split('\n')) {
        const declared = /^\s*state "[^"]*" as (\w+)$/.exec(line);
        if (declared) blockOf.set(declared[1]!, open.at(-1) ?? '');
        const opened = /^\s*state (\w+) \{$/.exec(line);
        if (opened) open.push(opened[1]!);
        if (/^\s*\}$/.test(line)) open.pop();
        const [, from = '', to = ''] = /^\s*(\w+) --> (\w+) :/.exec(line) ?? [];
        const block = open.at(-1);
        const wrong =
          from === rootId ||
          to === rootId ||
          blockOf.get(from) !== block ||
          blockOf.get(to) !== block;
        if (from && wrong) misplaced.push(line.trim());
      }
      expect(misplaced).toEqual([]);
    });
  },
);
