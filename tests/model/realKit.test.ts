// The adapter kit (realKit.ts) on the outgoingMessage model: the covering subset covers what all
// paths cover, the recorder measures a live actor as runPath measures the machine, a failure
// shrinks to the events that matter and replays from its saved fixture.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createActor, type AnyMachineSnapshot } from 'xstate';
import { frozenClock, generatePaths, runPath, type ModelPath } from './modelKit.ts';
import { models } from './models.ts';
import {
  coveringPaths,
  createCoverageRecorder,
  expectationsFor,
  pathsFor,
  saveFixture,
  shrink,
} from './realKit.ts';

const model = models.outgoingMessage!;
const all = generatePaths(model);
const union = (paths: ModelPath[]) => {
  const keys = new Set<string>();
  for (const path of paths) {
    const run = runPath(model, path);
    for (const key of [...run.transitionIds, ...run.guardOutcomes]) keys.add(key);
  }
  return keys;
};

const replayBefore = process.env.PARLEY_MODEL_REPLAY;
afterEach(() => {
  if (replayBefore === undefined) delete process.env.PARLEY_MODEL_REPLAY;
  else process.env.PARLEY_MODEL_REPLAY = replayBefore;
});

describe('coveringPaths', () => {
  it('takes fewer paths that together take every transition and guard outcome all paths do', () => {
    const subset = coveringPaths(model, all);
    expect(subset.length).toBeLessThan(all.length);
    expect([...union(subset)].sort()).toEqual([...union(all)].sort());
  });
});

describe('createCoverageRecorder', () => {
  it('measures a live actor of the machine as runPath measures the machine', () => {
    for (const path of all) {
      const recorder = createCoverageRecorder(model.machine.id);
      const actor = createActor(model.machine, {
        input: path.input,
        clock: frozenClock,
        inspect: recorder.inspect,
      });
      actor.start();
      for (const step of path.steps) actor.send(step.event);
      actor.stop();
      const live = recorder.run();
      const expected = runPath(model, path);
      const sorted = (set: Set<string>) => [...set].sort();
      expect({
        path: path.description,
        transitions: sorted(live.transitionIds),
        states: sorted(live.stateIds),
        guards: sorted(live.guardOutcomes),
        pairs: sorted(live.pairs),
        // Every step's event, and what the message sends itself (`sendTo(socket ?? self)`).
        everyStepSeen: recorder.eventsSeen() >= path.steps.length,
      }).toEqual({
        path: path.description,
        transitions: sorted(expected.transitionIds),
        // runPath also counts the root node, which coverage leaves out.
        states: sorted(expected.stateIds).filter((id) => id !== model.machine.id),
        guards: sorted(expected.guardOutcomes),
        pairs: sorted(expected.pairs),
        everyStepSeen: true,
      });
    }
  });

  it('ignores actors of other machines', () => {
    const recorder = createCoverageRecorder('someOtherMachine');
    const actor = createActor(model.machine, {
      input: all[0]!.input,
      clock: frozenClock,
      inspect: recorder.inspect,
    });
    actor.start();
    actor.send({ type: 'delivery.turn' });
    actor.stop();
    expect(recorder.run().transitionIds.size).toBe(0);
  });
});

describe('shrink and replay', () => {
  // A pretend implementation with a bug: a message retried after it failed is lost.
  const buggy = async (path: ModelPath) => {
    const types = path.steps.map((step) => step.event.type);
    const failedAt = path.steps.findIndex((step) => (step.expected.value as string) === 'failed');
    return failedAt >= 0 && types.slice(failedAt + 1).includes('message.retried');
  };

  it('drops the steps a failure does not need, with expectations recomputed by the machine', async () => {
    const input = all[0]!.input;
    const rejected = model
      .events({} as AnyMachineSnapshot)
      .find(
        (event) =>
          event.type === 'message.rejected' &&
          (event as { error?: { code?: string } }).error?.code === 'text_too_long',
      )!;
    const long = expectationsFor(model, input, [
      { type: 'connection.lost' },
      { type: 'delivery.turn' },
      { type: 'connection.lost' },
      { type: 'delivery.turn' },
      rejected,
      { type: 'connection.lost' },
      { type: 'message.retried' },
    ]);
    expect(long).not.toBeNull();
    expect(await buggy(long!)).toBe(true);
    const minimal = await shrink(model, long!, buggy, 50);
    expect(minimal.steps.map((step) => step.event.type)).toEqual([
      'delivery.turn',
      'message.rejected',
      'message.retried',
    ]);
    expect(minimal.steps.map((step) => step.expected.value)).toEqual([
      'sending',
      'failed',
      'queued',
    ]);
  });

  it('refuses an order of events the world cannot produce', () => {
    const input = all[0]!.input;
    // The rate-limit wait ends, though no message was ever rate limited.
    expect(
      expectationsFor(model, input, [
        { type: 'xstate.after.rateLimitWait.outgoingMessage.rateLimited' },
      ]),
    ).toBeNull();
    expect(expectationsFor(model, input, [{ type: 'delivery.turn' }])).not.toBeNull();
  });

  it('saves a fixture that PARLEY_MODEL_REPLAY runs again, for its adapter only', () => {
    const path = all.at(-1)!;
    const file = saveFixture({
      adapter: 'realKit.test',
      machine: model.name,
      path,
      error: 'pretend',
    });
    try {
      expect(existsSync(file)).toBe(true);
      expect(JSON.parse(readFileSync(file, 'utf8')).path.description).toBe(path.description);
      process.env.PARLEY_MODEL_REPLAY = file;
      // The saved events, with the expectations of the machine as it is now.
      const [replayed] = pathsFor('realKit.test', model);
      expect(replayed?.description).toBe(path.description);
      expect(replayed?.steps.map((step) => step.event)).toEqual(
        JSON.parse(JSON.stringify(path.steps.map((step) => step.event))),
      );
      expect(replayed?.steps.map((step) => step.expected.value)).toEqual(
        path.steps.map((step) => step.expected.value),
      );
      expect(pathsFor('another.adapter', model)).toEqual([]);
      // As saved, expectations included, to hold a changed machine to the old paths.
      process.env.PARLEY_MODEL_REPLAY_AS_SAVED = '1';
      expect(pathsFor('realKit.test', model)).toEqual([JSON.parse(JSON.stringify(path))]);
    } finally {
      delete process.env.PARLEY_MODEL_REPLAY_AS_SAVED;
      rmSync(file, { force: true });
    }
  });
});
