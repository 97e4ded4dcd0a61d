// Payload templates (src/viz/simulate/payloadTemplates.ts): every event of every registry
// machine has one, and the templates really take the machines' arrows in the simulator.
import { describe, expect, it } from 'vitest';
import { registry } from '../../../machines/index.ts';
import { templateSrc, templatesFor } from '../../../src/viz/simulate/payloadTemplates.ts';
import { sampleInputs } from '../../../src/viz/simulate/sampleInputs.ts';
import { Simulator } from '../../../src/viz/simulate/simulator.ts';
import {
  allStates,
  extractStructure,
  type TransitionStructure,
} from '../../../src/viz/structure.ts';

/** What a user can click in simulate mode (simulator.ts `clickableKinds`). */
const clickable = new Set(['event', 'wildcard', 'after', 'done.actor', 'error.actor']);

interface Step {
  transition: TransitionStructure;
  payload: unknown;
}

/** Lets a settled inert actor's done/error event reach the machine (a promise resolves). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('payload templates', () => {
  it.each(registry.map((entry) => [entry.name, entry] as const))(
    '%s: every event its transitions handle has a template',
    (name, entry) => {
      const structure = extractStructure(entry.machine);
      const missing = structure.transitions
        .filter((transition) => clickable.has(transition.kind))
        .filter((transition) => (templatesFor(name, transition)?.length ?? 0) === 0)
        .map((transition) => transition.label);
      expect(missing).toEqual([]);
      // A done template is typed by the actor it names: that must be the invoke's own actor.
      const wrongSrc = allStates(structure)
        .flatMap((state) => state.invoke)
        .map((invoke) => ({ invoke, src: templateSrc(name, invoke.id) }))
        .filter(({ invoke, src }) => src !== undefined && src !== invoke.src)
        .map(({ invoke, src }) => `done(${invoke.id}) typed as ${src}, runs ${invoke.src}`);
      expect(wrongSrc).toEqual([]);
    },
  );

  // A bounded breadth-first walk from the initial state, firing every arrow some template
  // enables with that template. Two snapshots count as one when they have the same state value,
  // the same templates enable the same arrows, and the same steps led there since the value last
  // changed (so "first name, then last name" is walked on to where `name.submitted` passes,
  // while timestamps in the context do not tell snapshots apart). Wherever an event is handled
  // on the walk, at least one of the snapshots handling it must have a template that takes one
  // of its arrows.
  it.each(registry.map((entry) => [entry.name, entry] as const))(
    '%s: from the states that handle an event, its templates take one of its arrows',
    async (name, entry) => {
      const structure = extractStructure(entry.machine);
      const byId = new Map(structure.transitions.map((t) => [t.id, t]));
      const eventKey = (t: TransitionStructure) => `${t.kind}:${t.eventType}`;
      const events = new Set(
        structure.transitions.filter((t) => clickable.has(t.kind)).map(eventKey),
      );
      const handledSomewhere = new Set<string>();
      const takenSomewhere = new Set<string>();
      const replay = async (path: readonly Step[]) => {
        const simulator = new Simulator(entry.machine, structure, sampleInputs[name] ?? {});
        simulator.start();
        for (const step of path) {
          simulator.fire(step.transition, step.payload);
          if (step.transition.kind === 'done.actor' || step.transition.kind === 'error.actor') {
            await settle();
          }
        }
        return simulator;
      };
      const seen = new Set<string>();
      // `local`: the arrows taken since the value last changed, as `<arrow id>/<variant>`.
      const queue: { path: Step[]; local: string[]; value: string }[] = [
        { path: [], local: [], value: '' },
      ];
      let explored = 0;
      // Done once every event has had an arrow taken: walking on could not fail the test.
      while (queue.length > 0 && explored < 500 && takenSomewhere.size < events.size) {
        const node = queue.shift()!;
        const simulator = await replay(node.path);
        const view = simulator.getView();
        explored += 1;
        if (view.status !== 'active') {
          simulator.stop();
          continue;
        }
        const value = JSON.stringify(view.value);
        const local = value === node.value ? node.local : [];
        const handled = [...view.handledTransitionIds].map((id) => byId.get(id)!);
        const next: (Step & { label: string })[] = [];
        for (const key of new Set(handled.map(eventKey))) {
          const arrows = handled.filter((t) => eventKey(t) === key);
          handledSomewhere.add(key);
          for (const { name: variantName, payload } of templatesFor(name, arrows[0]!) ?? []) {
            const enabled = simulator.enabledWith(payload);
            for (const arrow of arrows.filter((t) => enabled.has(t.id))) {
              takenSomewhere.add(key);
              next.push({ transition: arrow, payload, label: `${arrow.id}/${variantName}` });
            }
          }
        }
        simulator.stop();
        const signature = next.map((step) => step.label).sort();
        const key = `${value} ${signature.join(' ')} ${local.join(' ')}`;
        if (seen.has(key) || node.path.length >= 12) continue;
        seen.add(key);
        for (const step of next) {
          // Arrows that stay in the state are walked in one order only (a set of them, not
          // each permutation), and each once.
          const stays = step.transition.targetIds.length === 0;
          if (stays && local.some((label) => label >= step.label)) continue;
          queue.push({
            path: [...node.path, step],
            local: stays ? [...local, step.label] : [],
            value,
          });
        }
      }
      const neverTaken = [...handledSomewhere].filter((key) => !takenSomewhere.has(key)).sort();
      expect(neverTaken).toEqual([]);
      // The walk reaches every clickable event (else it proves nothing about the rest).
      const unreached = [...events].filter((key) => !handledSomewhere.has(key));
      expect(unreached).toEqual([]);
    },
    30_000,
  );
});
