// @vitest-environment jsdom
// Live mode in the Electron inspector window: records arriving over the (fake) preload bridge
// highlight the machine's states and fill the event log.
import { act, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createActor, fromPromise } from 'xstate';
import { VisualizerApp } from '../../../src/viz/app/VisualizerApp.tsx';
import { toInspectionRecord } from '../../../src/viz/live/record.ts';
import { featureMachine } from './fixtures.ts';

type Listener = (record: unknown) => void;

function fakeBridge() {
  const listeners = new Set<Listener>();
  return {
    publish: (record: unknown) => listeners.forEach((listener) => listener(record)),
    subscribe: (listener: Listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

afterEach(() => {
  delete (window as { parley?: unknown }).parley;
});

describe('live mode over the Electron bridge', () => {
  it('follows the app: highlights the current state and logs each event', async () => {
    const bridge = fakeBridge();
    (window as { parley?: unknown }).parley = { inspector: bridge };
    render(
      <VisualizerApp entries={[{ name: 'feature', purpose: 'Test.', machine: featureMachine }]} />,
    );
    const idle = await screen.findByRole('group', { name: 'idle' });
    expect(screen.getByRole('tab', { name: 'Live' }).getAttribute('aria-selected')).toBe('true');

    // The app's machine, with a request that is still on its way.
    const app = featureMachine.provide({
      actors: { fetchThing: fromPromise(() => new Promise<string>(() => {})) },
    });
    const actor = createActor(app, {
      inspect: (event) => {
        const record = toInspectionRecord(event);
        if (record) bridge.publish(JSON.parse(JSON.stringify(record)));
      },
    });
    act(() => {
      actor.start();
    });
    await waitFor(() => expect(idle.getAttribute('aria-current')).toBe('true'));
    act(() => actor.send({ type: 'go' }));
    const loading = screen.getByRole('group', { name: 'loading' });
    await waitFor(() => expect(loading.getAttribute('aria-current')).toBe('true'));
    expect(idle.getAttribute('aria-current')).toBeNull();

    // Malformed payloads from the bridge are ignored, not drawn.
    act(() => bridge.publish({ kind: 'snapshot', value: 'idle' }));
    const log = screen.getByRole('log', { name: 'Event log' });
    expect(
      within(log)
        .getAllByText(/→/)
        .map((e) => e.textContent),
    ).toEqual(['xstate.init → idle', 'go → loading']);
    expect(loading.getAttribute('aria-current')).toBe('true');
    actor.stop();
  });
});
