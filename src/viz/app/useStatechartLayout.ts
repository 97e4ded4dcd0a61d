// Lays a structure out (async, elkjs) and keeps the last result while the next one computes.
import { useEffect, useState } from 'react';
import { layoutStatechart, type StatechartLayout } from '../layout.ts';
import type { MachineStructure } from '../structure.ts';

export function useStatechartLayout(structure: MachineStructure): StatechartLayout | null {
  const [state, setState] = useState<{ for: MachineStructure; layout: StatechartLayout } | null>(
    null,
  );
  useEffect(() => {
    let current = true;
    void layoutStatechart(structure).then((layout) => {
      if (current) setState({ for: structure, layout });
    });
    return () => {
      current = false;
    };
  }, [structure]);
  return state?.for === structure ? state.layout : null;
}
