// @vitest-environment jsdom
// Simulate mode on the page (issue 14): the arrow offered is the one the payload takes, and
// switching to another machine and back finds each simulation where it was left.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { registry } from '../../../machines/index.ts';
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

describe('payload templates', () => {
  const onboarding = registry.filter((entry) => entry.name === 'onboarding');
  /** An arrow's button, by transition id (its drawn label may change). */
  const arrow = async (id: string) =>
    waitFor(() => {
      const button = document.querySelector(`[data-transition-id="${id}"] [role="button"]`);
      if (!(button instanceof Element)) throw new Error(`${id} is not offered`);
      return button;
    });
  const payloadField = () => screen.getByLabelText('Event payload (JSON)') as HTMLTextAreaElement;
  const options = () =>
    screen.getAllByRole('option').map((option) => option.textContent?.replace(/\s+/g, ' '));
  const pick = async (name: string) => {
    fireEvent.mouseDown(screen.getByRole('combobox', { name: 'Event' }));
    fireEvent.click(await screen.findByRole('option', { name: new RegExp(`^${name}`) }));
  };

  it('fills the payload with the picked template, and the arrow then takes it', async () => {
    render(<VisualizerApp entries={onboarding} />);
    fireEvent.click(await screen.findByRole('tab', { name: 'Simulate' }));
    await screen.findByRole('group', { name: 'phone' });

    // No number yet: submitting is listed, after the possible ones, as not possible now.
    fireEvent.mouseDown(screen.getByRole('combobox', { name: 'Event' }));
    expect(options().at(-1)).toBe('phone.submittednot possible now');
    expect(options()[0]).toBe('phone.changed: valid number');
    fireEvent.click(screen.getByRole('option', { name: /^phone.changed: valid number/ }));
    expect(JSON.parse(payloadField().value)).toEqual({ text: '415-555-0132' });
    fireEvent.click(await arrow('onboarding.phone:phone.changed:0'));
    await waitFor(() =>
      expect(logLines()).toContain('phone.changed → phone (handled, state unchanged)'),
    );

    await pick('phone.submitted');
    expect(JSON.parse(payloadField().value)).toEqual({});
    fireEvent.click(await arrow('onboarding.phone:phone.submitted:0'));
    await pick('done\\(requestCode\\)');
    fireEvent.click(await arrow('onboarding.requestingCode:xstate.done.actor.requestCode:0'));
    await waitFor(() =>
      expect(screen.getByRole('group', { name: 'editing' }).getAttribute('aria-current')).toBe(
        'true',
      ),
    );

    await pick('code.changed: complete code');
    expect(payloadField().value).toBe(JSON.stringify({ text: '123456' }, null, 2));
    fireEvent.click(await arrow('onboarding.code.entry.editing:code.changed:0'));
    await waitFor(() =>
      expect(screen.getByRole('group', { name: 'verifying' }).getAttribute('aria-current')).toBe(
        'true',
      ),
    );
    expect(logLines()).toContain(
      'code.changed → {"code":{"entry":"verifying","resend":"countingDown","sentCode":"usable"}}',
    );
  });

  it('fires another arrow with the payload shown, not its own template, and says so', async () => {
    render(<VisualizerApp entries={onboarding} />);
    fireEvent.click(await screen.findByRole('tab', { name: 'Simulate' }));
    await screen.findByRole('group', { name: 'phone' });
    await pick('phone.changed: valid number');
    const shown = payloadField().value;
    // `phone.pasted` takes any text: its arrow is enabled with the template for phone.changed.
    fireEvent.click(await arrow('onboarding.phone:phone.pasted:0'));
    await waitFor(() =>
      expect(logLines()).toContain('phone.pasted → phone (handled, state unchanged)'),
    );
    expect(payloadField().value).toBe(shown);
    expect(screen.getByRole('status', { name: 'Payload note' }).textContent).toBe(
      'phone.pasted fired with the payload shown, a template for phone.changed.',
    );
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
