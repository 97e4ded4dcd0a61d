// @vitest-environment jsdom
// Simulate mode on the page (issue 14): the arrow offered is the one the payload takes, and
// switching to another machine and back finds each simulation where it was left.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { VisualizerApp } from '../../../src/viz/app/VisualizerApp.tsx';
import { readDeepLink } from '../../../src/viz/app/deepLink.ts';
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
    // The arrow the step took is drawn as taken, and only it.
    const taken = [...document.querySelectorAll('[data-taken="true"]')].map((edge) =>
      edge.getAttribute('data-transition-id'),
    );
    expect(taken).toEqual(['feature.idle:go:0']);

    fireEvent.click(screen.getByRole('button', { name: 'outgoing' }));
    await waitFor(() => expect(logLines()).not.toContain('go → loading'));
    fireEvent.click(screen.getByRole('button', { name: 'feature' }));
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

describe('deep links', () => {
  afterEach(() => window.history.replaceState(null, '', '#'));

  it('opens the machine and mode the URL names, and keeps the URL current', async () => {
    window.history.replaceState(null, '', '#machine=outgoing&mode=diff');
    render(<VisualizerApp entries={entries} />);
    await waitFor(() =>
      expect(screen.getByRole('tab', { name: 'Diff' }).getAttribute('aria-selected')).toBe('true'),
    );
    expect(await screen.findByRole('group', { name: 'sending' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'feature' }));
    fireEvent.click(screen.getByRole('tab', { name: 'Simulate' }));
    await waitFor(() => expect(window.location.hash).toBe('#machine=feature&mode=simulate'));
  });

  it('ignores a machine or mode it does not know', () => {
    expect(readDeepLink('#machine=nope&mode=sideways', ['feature'])).toEqual({});
    expect(readDeepLink('#machine=feature&mode=live', ['feature'])).toEqual({
      machine: 'feature',
      mode: 'live',
    });
  });
});
