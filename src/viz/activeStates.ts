// Which states a state value makes active (ancestors included), for highlighting. Works from
// the value alone, so simulate mode and live records (which carry only the value) share it.
import type { StateValue } from './live/recordSchema.ts';
import type { MachineStructure, StateStructure } from './structure.ts';

export function activeStateIds(structure: MachineStructure, value: StateValue): Set<string> {
  const active = new Set<string>([structure.root.id]);
  const walk = (state: StateStructure, part: StateValue) => {
    const entries = typeof part === 'string' ? [[part, {}] as const] : Object.entries(part);
    for (const [key, childValue] of entries) {
      const child = state.children.find((c) => c.key === key);
      if (!child) continue;
      active.add(child.id);
      walk(child, childValue);
    }
  };
  walk(structure.root, value);
  return active;
}
