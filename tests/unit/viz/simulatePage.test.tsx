// @vitest-environment jsdom
// Simulate mode on the page (issue 14): the arrow offered is the one the payload takes, and
// switching to another machine and back finds each simulation where it was left.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { VisualizerApp } from '../../../src/viz/app/VisualizerApp.tsx';
import { featureMachine, outgoingFixture } from './fixtures.ts';

afterEach(cleanup);

const entries = [
  { name: 'feature', purpose: 'Test.', machine: featureMachine },
  { name: 'outgoing', purpose: 'Test.', machine: outgoingFixture },
];

const logLines = () =>
  within(screen.getByRole('log', { name: 'Event log' }))
    .queryAllByText(/→/)
    .map((line) => line.textContent);

describe('simulate mode', () => {
  it('keeps each machine its own simulation when switching machines', async () => {
    render(<VisualizerApp entries={entries} />);
    fireEvent.click(await screen.findByRole('tab', { name: 'Simulate' }));
    const go = await screen.findByRole('button', { name: 'go [canGo]' });
    fireEvent.click(go);
    await waitFor(() => expect(logLines()).toContain('go → loading'));

    fireEvent.click(screen.getByRole('button', { name: 'outgoing', exact: true }));
    await waitFor(() => expect(logLines()).not.toContain('go → loading'));
    fireEvent.click(screen.getByRole('button', { name: 'feature', exact: true }));
    const loading = await screen.findByRole('group', { name: 'loading' });
    await waitFor(() => expect(loading.getAttribute('aria-current')).toBe('true'));
    expect(logLines()).toEqual(['xstate.init → idle', 'go → loading']);
  });

  it('refuses machine input that is not JSON, saying so, and keeps the simulation', async () => {
    render(<VisualizerApp entries={entries} />);
    fireEvent.click(await screen.findByRole('tab', { name: 'Simulate' }));
    fireEvent.click(await screen.findByRole('button', { name: 'go [canGo]' }));
    await waitFor(() => expect(logLines()).toContain('go → loading'));
    fireEvent.change(screen.getByLabelText('Machine input (JSON)'), {
      target: { value: '{ not json' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Reset' }));
    expect(await screen.findByText(/^Input is not JSON/)).toBeTruthy();
    expect(logLines()).toContain('go → loading');
  });
});
