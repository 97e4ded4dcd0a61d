// Mermaid stateDiagram-v2 text of a machine, for review documents that render Mermaid (GitHub,
// GitLab, most wikis). Generated text: no Mermaid dependency here, but every export is rendered
// by the `mermaid` package in Chromium (tests/e2e/mermaid.test.ts), which is why it avoids:
// - description lines on a compound state: Mermaid refuses them ("Group nodes can only have
//   label"), so a compound state's entry/exit/invoke/tags go in a note beside it;
// - an arrow from or to the root state: drawn inside the root's own block, Mermaid's layout
//   never finishes, so the root's transitions are listed in the root's note instead;
// - an arrow crossing a compound state's border: it drags the inner state out of its box, so
//   it is drawn from or to the compound state, its label naming the inner end (see `route`).
import type { MachineStructure, StateStructure } from '../structure.ts';
import { stateDetails } from '../layout.ts';

/** Mermaid ids allow letters, digits and underscores only; state ids contain dots. */
export function mermaidIds(structure: MachineStructure): Map<string, string> {
  const ids = new Map<string, string>();
  const used = new Set<string>();
  const visit = (state: StateStructure) => {
    const base = `s_${state.id.replace(/[^A-Za-z0-9_]/g, '_')}`;
    let id = base;
    for (let n = 2; used.has(id); n += 1) id = `${base}_${n}`;
    used.add(id);
    ids.set(state.id, id);
    state.children.forEach(visit);
  };
  visit(structure.root);
  return ids;
}

/**
 * Text safe in a Mermaid label or note: `;` ends a statement, `#` starts an entity code, `<`
 * and `>` would be read as HTML, `"` ends a quoted name, and a line break ends the statement.
 */
export function labelText(text: string): string {
  // One pass: a second would escape the `;` and `#` of the codes the first wrote.
  return text.replace(/\s*\n\s*/g, ' ').replace(/[#;<>"]/g, (c) => entityCodes[c] ?? c);
}

const entityCodes: Record<string, string> = {
  '#': '#35;',
  ';': '#59;',
  '<': '#lt;',
  '>': '#gt;',
  '"': '#quot;',
};

/** Each state's id with its ancestors', root first. */
function ancestors(structure: MachineStructure): Map<string, string[]> {
  const chains = new Map<string, string[]>();
  const visit = (state: StateStructure, chain: string[]) => {
    const own = [...chain, state.id];
    chains.set(state.id, own);
    for (const child of state.children) visit(child, own);
  };
  visit(structure.root, []);
  return chains;
}

/**
 * Where an arrow is drawn: in `block`, the deepest state strictly containing both ends, from
 * `fromId` to `toId`, the children of `block` that hold the real source and target. Mermaid
 * lays out a compound state as one box only while no arrow crosses its border; an arrow to or
 * from a state inside it drags that state out of the box. So an arrow leaving or entering a
 * compound state (or a parallel region) starts or ends at its border, and its label names the
 * real end (`fromPath`, `toPath`: the states below `fromId` and `toId`). `block` is undefined
 * when the root is an end: such an arrow is listed in the root's note.
 */
export interface Route {
  block?: string;
  fromId: string;
  toId: string;
  fromPath: string[];
  toPath: string[];
}

export function route(sourceId: string, targetId: string, chains: Map<string, string[]>): Route {
  const from = chains.get(sourceId) ?? [sourceId];
  const to = chains.get(targetId) ?? [targetId];
  let shared = 0;
  while (shared < from.length && shared < to.length && from[shared] === to[shared]) shared += 1;
  // The last shared state, unless it is one of the ends (a self-transition, or one end inside
  // the other): then its parent.
  let blockIndex = shared - 1;
  if (blockIndex === from.length - 1 || blockIndex === to.length - 1) blockIndex -= 1;
  const endIndex = blockIndex + 1;
  return {
    block: blockIndex >= 0 ? from[blockIndex] : undefined,
    fromId: from[endIndex] ?? sourceId,
    toId: to[endIndex] ?? targetId,
    fromPath: from.slice(endIndex + 1),
    toPath: to.slice(endIndex + 1),
  };
}

export function toMermaid(structure: MachineStructure): string {
  const ids = mermaidIds(structure);
  const chains = ancestors(structure);
  const keys = new Map<string, string>();
  const collectKeys = (state: StateStructure) => {
    keys.set(state.id, state.key);
    state.children.forEach(collectKeys);
  };
  collectKeys(structure.root);
  const path = (stateIds: readonly string[]) => stateIds.map((id) => keys.get(id)).join('.');

  const rootId = structure.root.id;
  const edgesByBlock = new Map<string, string[]>();
  const rootTransitions: string[] = [];
  for (const transition of structure.transitions) {
    const internal = transition.targetIds.length === 0;
    const targets = internal ? [transition.sourceId] : transition.targetIds;
    for (const targetId of targets) {
      const { block, fromId, toId, fromPath, toPath } = route(
        transition.sourceId,
        targetId,
        chains,
      );
      if (block === undefined) {
        const below = (chains.get(targetId) ?? []).slice(1);
        rootTransitions.push(
          internal
            ? `${transition.label} (internal)`
            : `${transition.label} → ${below.length > 0 ? path(below) : structure.root.key}`,
        );
        continue;
      }
      const ends = [
        ...(fromPath.length > 0 ? [`from ${path(fromPath)}`] : []),
        ...(toPath.length > 0 ? [`to ${path(toPath)}`] : []),
      ];
      const label = ends.length > 0 ? `${transition.label} (${ends.join(', ')})` : transition.label;
      const line = `${ids.get(fromId)} --> ${ids.get(toId)} : ${labelText(label)}`;
      edgesByBlock.set(block, [...(edgesByBlock.get(block) ?? []), line]);
    }
  }

  const lines: string[] = [];
  const note = (indent: string, id: string, texts: readonly string[]) => {
    if (texts.length === 0) return;
    lines.push(`${indent}note right of ${id}`);
    for (const text of texts) lines.push(`${indent}  ${labelText(text)}`);
    lines.push(`${indent}end note`);
  };
  const emitChildren = (state: StateStructure, indent: string) => {
    if (state.initialId) lines.push(`${indent}[*] --> ${ids.get(state.initialId)}`);
    state.children.forEach((child, index) => {
      if (state.type === 'parallel' && index > 0) lines.push(`${indent}--`);
      emitState(child, indent);
    });
    for (const edge of edgesByBlock.get(state.id) ?? []) lines.push(`${indent}${edge}`);
  };
  const emitState = (state: StateStructure, indent: string) => {
    const id = ids.get(state.id) ?? '';
    const name = state.type === 'history' ? `${state.key} (history)` : state.key;
    lines.push(`${indent}state "${name.replace(/"/g, "'")}" as ${id}`);
    const details = state.type === 'history' ? [] : stateDetails(state);
    if (state.children.length > 0) {
      lines.push(`${indent}state ${id} {`);
      emitChildren(state, `${indent}  `);
      lines.push(`${indent}}`);
      note(indent, id, [...details, ...(state.id === rootId ? rootTransitions : [])]);
    } else {
      for (const detail of details) lines.push(`${indent}${id} : ${labelText(detail)}`);
    }
    if (state.type === 'final') lines.push(`${indent}${id} --> [*]`);
  };

  lines.push('stateDiagram-v2');
  lines.push(
    `  %% ${structure.id}: generated by npm run viz:export from machine.root; do not edit`,
  );
  emitState(structure.root, '  ');
  return `${lines.join('\n')}\n`;
}
