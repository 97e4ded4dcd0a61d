// Shared naming for transitions, so model-based coverage and the visualizer speak of the same
// edge. An id is `<source state id>:<event type>:<n>`, where n counts that state's transitions
// for that event in order (each guarded alternative is its own transition). `always`
// transitions use the event type `always`.
export function transitionId(sourceId: string, eventType: string, index: number): string {
  return `${sourceId}:${eventType}:${index}`;
}
