// Search on the diagram: states by key or id, transitions by event, guard or action, so a
// reviewer finds `code.submitted` or `verifying` in a machine of forty states. Pure.
import { allStates, type MachineStructure } from '../structure.ts';

export interface SearchHit {
  kind: 'state' | 'transition';
  /** A state id (`data-state-id`) or a transition id (`data-transition-id`). */
  id: string;
  /** What the result list shows. */
  text: string;
}

/** Case-insensitive; every word of the query must occur. States first, then transitions. */
export function searchDiagram(structure: MachineStructure, query: string): SearchHit[] {
  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  const matches = (haystack: string) => {
    const lower = haystack.toLowerCase();
    return words.every((word) => lower.includes(word));
  };
  const hits: SearchHit[] = [];
  for (const state of allStates(structure)) {
    if (matches(`${state.key} ${state.id} ${state.tags.join(' ')}`)) {
      hits.push({ kind: 'state', id: state.id, text: `state ${state.id}` });
    }
  }
  for (const transition of structure.transitions) {
    const searchable = [transition.label, transition.eventType, ...transition.actions].join(' ');
    if (matches(searchable)) {
      hits.push({
        kind: 'transition',
        id: transition.id,
        text: `${transition.label} (from ${transition.sourceId})`,
      });
    }
  }
  return hits;
}
