// Live history is kept per actor (issue 14): a busy actor does not push another's out.
import { describe, expect, it } from 'vitest';
import { appendToHistory, emptyHistory, type ActorHistory } from '../../../src/viz/live/history.ts';

const fill = (
  history: ActorHistory<number>,
  key: string,
  count: number,
  limits = { perActor: 5, maxActors: 3 },
) => {
  let next = history;
  for (let index = 0; index < count; index += 1) next = appendToHistory(next, key, index, limits);
  return next;
};

describe('appendToHistory', () => {
  it('keeps each actor its own latest records, however many another sends', () => {
    let history = fill(emptyHistory, 'app', 3);
    history = fill(history, 'onboarding', 560);
    expect(history.byActor.get('app')).toEqual([0, 1, 2]);
    expect(history.byActor.get('onboarding')).toEqual([555, 556, 557, 558, 559]);
    expect(history.size).toBe(8);
  });

  it('drops the actor heard from longest ago past the actor bound', () => {
    let history = fill(emptyHistory, 'a', 2);
    history = fill(history, 'b', 2);
    history = fill(history, 'a', 1);
    history = fill(history, 'c', 1);
    history = fill(history, 'd', 1);
    expect([...history.byActor.keys()]).toEqual(['a', 'c', 'd']);
    expect(history.size).toBe(3 + 1 + 1);
  });
});
