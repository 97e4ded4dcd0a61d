// @vitest-environment jsdom
// Live mode in the Electron inspector window: records arriving over the (fake) preload bridge
// highlight the machine's states and fill the event log, and the actor tree tells two actors
// of one machine apart.
import {
  act,
  cleanup,
  configure,
  fireEvent,
  render,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createActor, fromPromise } from 'xstate';
import { VisualizerApp } from '../../../src/viz/app/VisualizerApp.tsx';
import { toInspectionRecord } from '../../../src/viz/live/record.ts';
import {
  appFixture,
  featureMachine,
  systemFixtureActors,
  systemFixtureEntries,
} from './fixtures.ts';

// The page lays the diagram out with ELK before the first state shows: under load on 2 cores
// (two test workers and a browser) that can take longer than Testing Library's 1 s default.
configure({ asyncUtilTimeout: 5_000 });

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

/**
 * The app's machine publishing over the bridge, started (with a request that stays on its way,
 * the fetch never answering).
 */
function startFollowedApp(bridge: ReturnType<typeof fakeBridge>) {
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
  return actor;
}

/** A record of the feature machine as the app publishes it. */
function featureRecord(type: string, value: unknown, tries: number, at = 1_700_000_000_000) {
  return {
    kind: 'snapshot',
    machineId: 'feature',
    sessionId: 'x:0',
    parentSessionId: null,
    rootId: 'x:0',
    status: 'active',
    value,
    context: { tries },
    event: { type },
    at,
  };
}

const isActive = (name: string) =>
  screen.getByRole('group', { name }).getAttribute('aria-current') === 'true';

async function renderFeature() {
  const bridge = fakeBridge();
  (window as { parley?: unknown }).parley = { inspector: bridge };
  render(
    <VisualizerApp entries={[{ name: 'feature', purpose: 'Test.', machine: featureMachine }]} />,
  );
  await screen.findByRole('group', { name: 'idle' });
  return bridge;
}

const markedLine = () =>
  within(screen.getByRole('log', { name: 'Event log' }))
    .getAllByRole('group')
    .filter((entry) => entry.getAttribute('aria-current') === 'step')
    .map((entry) => entry.querySelector('summary')?.textContent);

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  delete (window as { parley?: unknown }).parley;
});

describe('live mode over the Electron bridge', () => {
  it('hides the event types the filter names from the log', async () => {
    const bridge = fakeBridge();
    (window as { parley?: unknown }).parley = { inspector: bridge };
    render(
      <VisualizerApp entries={[{ name: 'feature', purpose: 'Test.', machine: featureMachine }]} />,
    );
    const idle = await screen.findByRole('group', { name: 'idle' });
    const actor = startFollowedApp(bridge);
    await waitFor(() => expect(idle.getAttribute('aria-current')).toBe('true'));
    act(() => actor.send({ type: 'poke' }));
    act(() => actor.send({ type: 'go' }));
    const log = screen.getByRole('log', { name: 'Event log' });
    const lines = () =>
      within(log)
        .getAllByText(/→/)
        .map((e) => e.textContent);
    await waitFor(() => expect(lines()).toContain('go → loading'));
    fireEvent.change(screen.getByLabelText('Hide events'), { target: { value: 'po*, xstate.*' } });
    expect(lines()).toEqual(['go → loading']);
    expect(screen.getByText('2 of 3 hidden')).toBeTruthy();
    actor.stop();
  });

  it('follows the app: highlights the current state and logs each event', async () => {
    const bridge = fakeBridge();
    (window as { parley?: unknown }).parley = { inspector: bridge };
    render(
      <VisualizerApp entries={[{ name: 'feature', purpose: 'Test.', machine: featureMachine }]} />,
    );
    const idle = await screen.findByRole('group', { name: 'idle' });
    expect(screen.getByRole('tab', { name: 'Live' }).getAttribute('aria-selected')).toBe('true');

    // The app's machine, with a request that is still on its way.
    const actor = startFollowedApp(bridge);
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
    // The one actor of the machine is the tree's only item, with its state.
    const tree = screen.getByRole('tree', { name: 'Actors' });
    const item = within(tree).getByRole('treeitem', { name: 'feature' });
    expect(within(tree).getAllByRole('treeitem')).toEqual([item]);
    expect(item.getAttribute('aria-selected')).toBe('true');
    expect(item.textContent).toContain('loading');
    actor.stop();
  });

  it('shows the actor tree, and one conversation actor among two, with its own log', async () => {
    const bridge = fakeBridge();
    (window as { parley?: unknown }).parley = { inspector: bridge };
    render(<VisualizerApp entries={systemFixtureEntries} />);
    await screen.findByRole('group', { name: 'signedIn' });
    const app = createActor(appFixture, {
      inspect: (event) => {
        const record = toInspectionRecord(event);
        if (record) bridge.publish(JSON.parse(JSON.stringify(record)));
      },
    });
    act(() => {
      app.start();
    });
    const actors = systemFixtureActors(app);
    act(() => actors.messenger?.send({ type: 'synced', ids: ['c-direct', 'c-group'] }));
    act(() => actors.conversation('c-group')?.send({ type: 'draft' }));

    const tree = screen.getByRole('tree', { name: 'Actors' });
    await waitFor(() => expect(within(tree).getAllByRole('treeitem')).toHaveLength(5));
    const items = within(tree).getAllByRole('treeitem');
    expect(
      items.map((item) => [item.getAttribute('aria-label'), item.getAttribute('aria-level')]),
    ).toEqual([
      ['app', '1'],
      ['session', '2'],
      ['messenger', '2'],
      ['conversation c-direct', '3'],
      ['conversation c-group', '3'],
    ]);
    // One tab stop: the shown actor (the app, the machine selected).
    expect(items.map((item) => item.tabIndex)).toEqual([0, -1, -1, -1, -1]);
    const logLines = () =>
      within(screen.getByRole('log', { name: 'Event log' }))
        .queryAllByText(/→/)
        .map((e) => e.textContent);

    // By keyboard: down to c-direct, one more to c-group, Enter shows it.
    act(() => items[0]!.focus());
    for (const key of ['ArrowDown', 'ArrowDown', 'ArrowDown', 'ArrowDown']) {
      fireEvent.keyDown(document.activeElement!, { key });
    }
    expect(document.activeElement).toBe(items[4]);
    fireEvent.keyDown(items[4]!, { key: 'Enter' });
    const composing = await screen.findByRole('group', { name: 'composing' });
    await waitFor(() => expect(composing.getAttribute('aria-current')).toBe('true'));
    const idle = screen.getByRole('group', { name: 'idle' });
    expect(idle.getAttribute('aria-current')).toBeNull();
    expect(screen.getByRole('button', { name: 'conversation' }).getAttribute('aria-current')).toBe(
      'true',
    );
    const group = within(tree).getByRole('treeitem', { name: 'conversation c-group' });
    expect(group.getAttribute('aria-selected')).toBe('true');
    expect(logLines()).toEqual(['xstate.init → idle', 'draft → composing']);
    expect(screen.getByText(/one of 2 actors of this machine/).textContent).toContain(
      'conversation c-group',
    );
    // Left goes up to the parent.
    fireEvent.keyDown(items[4]!, { key: 'ArrowLeft' });
    expect(document.activeElement).toBe(items[2]);

    // The other conversation, by click: its own state and its own record only.
    fireEvent.click(within(tree).getByRole('treeitem', { name: 'conversation c-direct' }));
    await waitFor(() => expect(idle.getAttribute('aria-current')).toBe('true'));
    expect(composing.getAttribute('aria-current')).toBeNull();
    expect(logLines()).toEqual(['xstate.init → idle']);

    // A stopped conversation stays in the tree, marked.
    act(() => actors.messenger?.send({ type: 'closed', id: 'c-direct' }));
    const direct = within(tree).getByRole('treeitem', { name: 'conversation c-direct' });
    await waitFor(() => expect(direct.textContent).toContain('stopped'));
    expect(logLines()).toEqual(['xstate.init → idle', 'xstate.stop → idle']);
    app.stop();
  });

  it('scrubs back through the run: diagram, context and the log mark follow, new records wait', async () => {
    const bridge = await renderFeature();
    act(() => {
      bridge.publish(featureRecord('xstate.init', 'idle', 2));
      bridge.publish(featureRecord('go', 'loading', 1));
      bridge.publish(featureRecord('xstate.after.3000', 'failed', 0));
    });
    const slider = screen.getByRole('slider', { name: 'Run position' });
    await waitFor(() => expect(slider.getAttribute('aria-valuenow')).toBe('2'));
    expect(slider.getAttribute('aria-valuetext')).toBe(
      'Record 3 of 3: xstate.after.3000 (feature)',
    );
    expect(isActive('failed')).toBe(true);
    const context = screen.getByRole('region', { name: 'Context' });
    expect(JSON.parse(context.textContent!)).toEqual({ tries: 0 });
    expect(markedLine()).toEqual([]);

    // One step back: the state, the context and the log's mark are those after `go`.
    fireEvent.click(screen.getByRole('button', { name: 'Step back' }));
    expect(slider.getAttribute('aria-valuenow')).toBe('1');
    expect(isActive('loading')).toBe(true);
    expect(isActive('failed')).toBe(false);
    const contextThen = screen.getByRole('region', { name: 'Context at this position' });
    expect(JSON.parse(contextThen.textContent!)).toEqual({ tries: 1 });
    expect(markedLine()).toEqual(['go → loading']);
    expect(screen.getByText(/Record 2 of 3: go \(feature\)/).textContent).toContain(
      '(1 newer record)',
    );

    // The slider itself goes to the start.
    fireEvent.change(slider, { target: { value: '0' } });
    expect(isActive('idle')).toBe(true);
    expect(JSON.parse(contextThen.textContent!)).toEqual({ tries: 2 });
    expect(markedLine()).toEqual(['xstate.init → idle']);

    // A record arrives while scrubbed back: the view stays put and counts it.
    act(() => bridge.publish(featureRecord('retry', 'idle', 5)));
    await screen.findByText(/\(3 newer records\)/);
    expect(slider.getAttribute('aria-valuenow')).toBe('0');
    expect(JSON.parse(contextThen.textContent!)).toEqual({ tries: 2 });
    fireEvent.click(screen.getByRole('button', { name: 'Step forward' }));
    expect(isActive('loading')).toBe(true);

    // Follow live: the newest record, and the next one too.
    fireEvent.click(screen.getByRole('button', { name: 'Follow live' }));
    expect(isActive('idle')).toBe(true);
    expect(JSON.parse(screen.getByRole('region', { name: 'Context' }).textContent!)).toEqual({
      tries: 5,
    });
    act(() => bridge.publish(featureRecord('go', 'loading', 4)));
    await waitFor(() => expect(isActive('loading')).toBe(true));
    expect(slider.getAttribute('aria-valuenow')).toBe('4');
    expect(screen.queryByText(/newer record/)).toBeNull();
  });

  it('stays on the chosen record while newer ones push it out of the live history', async () => {
    const bridge = await renderFeature();
    act(() => {
      bridge.publish(featureRecord('xstate.init', 'idle', 2));
      bridge.publish(featureRecord('go', 'loading', 1));
      bridge.publish(featureRecord('xstate.after.3000', 'failed', 0));
    });
    const slider = screen.getByRole('slider', { name: 'Run position' });
    await waitFor(() => expect(slider.getAttribute('aria-valuenow')).toBe('2'));
    fireEvent.click(screen.getByRole('button', { name: 'Step back' }));
    const chosen = 'Record 2 of 3: go (feature)';
    expect(slider.getAttribute('aria-valuetext')).toBe(chosen);

    // The actor keeps its latest 500 records: 600 more leave none of the three in its history.
    act(() => {
      for (let index = 0; index < 600; index += 1) {
        bridge.publish(featureRecord('poke', 'failed', 100 + index));
      }
    });
    await screen.findByText(/\(601 newer records\)/);
    expect(slider.getAttribute('aria-valuetext')).toBe(chosen);
    expect(slider.getAttribute('aria-valuenow')).toBe('1');
    expect(isActive('loading')).toBe(true);
    expect(isActive('failed')).toBe(false);
    const contextThen = screen.getByRole('region', { name: 'Context at this position' });
    expect(JSON.parse(contextThen.textContent!)).toEqual({ tries: 1 });
    expect(markedLine()).toEqual(['go → loading']);

    // Follow live: the newest of them.
    fireEvent.click(screen.getByRole('button', { name: 'Follow live' }));
    expect(isActive('failed')).toBe(true);
    expect(JSON.parse(screen.getByRole('region', { name: 'Context' }).textContent!)).toEqual({
      tries: 699,
    });
    expect(slider.getAttribute('aria-valuetext')).toBe('Record 500 of 500: poke (feature)');
  });

  it('shows the sequence of events between actors up to the run position, and a message picks it', async () => {
    const bridge = await renderFeature();
    act(() => {
      bridge.publish({ ...featureRecord('xstate.init', 'idle', 2), sourceSessionId: null });
      bridge.publish({ ...featureRecord('go', 'loading', 1), sourceSessionId: null });
      bridge.publish({
        ...featureRecord('xstate.init', 'idle', 2),
        sessionId: 'x:1',
        actorId: 'helper',
        parentSessionId: 'x:0',
        sourceSessionId: 'x:0',
      });
    });
    await screen.findByText(/Record 3 of 3/);
    fireEvent.click(screen.getByRole('button', { name: 'Sequence' }));
    const figure = await screen.findByRole('figure', { name: 'Sequence of events' });
    const messages = () =>
      within(within(figure).getByRole('list', { name: 'Messages' }))
        .getAllByRole('button')
        .map((message) => message.getAttribute('aria-label'));
    expect(messages()).toHaveLength(3);
    expect(messages()[1]).toMatch(/^outside → .+: go$/);
    // The child's start came from its parent, not from outside.
    expect(messages()[2]).not.toMatch(/^outside/);
    expect(messages()[2]).toMatch(/: xstate\.init$/);

    // Picking a message moves the run position there; later messages leave the view.
    fireEvent.click(within(figure).getAllByRole('button')[1]!);
    const slider = screen.getByRole('slider', { name: 'Run position' });
    await waitFor(() => expect(slider.getAttribute('aria-valuenow')).toBe('1'));
    await waitFor(() => expect(messages()).toHaveLength(2));
    expect(
      within(figure)
        .getAllByRole('listitem')
        .some(
          (item) =>
            item.getAttribute('aria-current') === 'true' ||
            item.querySelector('[aria-current="true"]') !== null,
        ),
    ).toBe(true);

    // Back to the statechart: the diagram shows the state at that position.
    fireEvent.click(screen.getByRole('button', { name: 'Statechart' }));
    await waitFor(() => expect(isActive('loading')).toBe(true));
  });

  it('saves the run to a file, opens it for review, and refuses a broken file', async () => {
    const bridge = await renderFeature();
    act(() => {
      bridge.publish(featureRecord('xstate.init', 'idle', 2));
      bridge.publish(featureRecord('go', 'loading', 1));
    });
    await waitFor(() => expect(isActive('loading')).toBe(true));

    const saved: { blob?: Blob; name?: string } = {};
    URL.createObjectURL = (blob: Blob) => ((saved.blob = blob), 'blob:run');
    URL.revokeObjectURL = () => {};
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      saved.name = this.download;
    });
    fireEvent.click(screen.getByRole('button', { name: 'Save run' }));
    expect(saved.name).toMatch(/^parley-run-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.json$/);
    const text = await saved.blob!.text();
    const file = JSON.parse(text) as { format: string; version: number; records: unknown[] };
    expect(file).toMatchObject({ format: 'parley-run', version: 1, source: { dropped: 0 } });
    expect(file.records).toEqual([
      featureRecord('xstate.init', 'idle', 2),
      featureRecord('go', 'loading', 1),
    ]);

    // The app moves on; the saved run opens as it was.
    act(() => bridge.publish(featureRecord('xstate.after.3000', 'failed', 0)));
    await waitFor(() => expect(isActive('failed')).toBe(true));
    const input = screen.getByLabelText('Open run file');
    fireEvent.change(input, { target: { files: [new File([text], 'review.json')] } });
    await screen.findByText('Recorded run: review.json, 2 records');
    expect(isActive('loading')).toBe(true);
    expect(screen.getByRole('slider', { name: 'Run position' }).getAttribute('aria-valuemax')).toBe(
      '1',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Step back' }));
    expect(isActive('idle')).toBe(true);
    expect(
      within(screen.getByRole('tree', { name: 'Actors' })).getByRole('treeitem', {
        name: 'feature',
      }).textContent,
    ).toContain('idle');

    // A broken file: the error names what is wrong, and the recorded run stays shown.
    const broken = JSON.stringify({ ...file, records: [file.records[0], { kind: 'snapshot' }] });
    fireEvent.change(input, { target: { files: [new File([broken], 'broken.json')] } });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(
      /^Could not open the run: broken\.json: Record 1 is invalid: /,
    );
    expect(screen.getByText('Recorded run: review.json, 2 records')).toBeTruthy();
    expect(isActive('idle')).toBe(true);
    fireEvent.change(input, { target: { files: [new File(['{'], 'half.json')] } });
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('not JSON'));

    // Back to the live feed, which kept the record that came meanwhile.
    fireEvent.click(screen.getByRole('button', { name: 'Back to live feed' }));
    expect(screen.queryByText(/Recorded run/)).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
    expect(isActive('failed')).toBe(true);
  });
});
