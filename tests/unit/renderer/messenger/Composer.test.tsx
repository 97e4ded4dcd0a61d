// @vitest-environment jsdom
import { useState } from 'react';
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Composer } from '../../../../src/renderer/messenger/Composer.tsx';
import { Limits } from '../../../../server/protocol.ts';

afterEach(cleanup);

/** The composer is controlled (the machine holds the draft); this stands in for the machine. */
function renderComposer(initial = '') {
  const onSend = vi.fn<(sent: string) => void>();
  const onChange = vi.fn<(text: string) => void>();
  function Harness() {
    const [draft, setDraft] = useState(initial);
    return (
      <Composer
        value={draft}
        canSend={draft.trim().length > 0}
        onChange={(text) => {
          onChange(text);
          setDraft(text);
        }}
        onSend={() => {
          onSend(draft);
          setDraft('');
        }}
      />
    );
  }
  render(<Harness />);
  return {
    onSend,
    onChange,
    field: screen.getByRole('textbox', { name: 'Message' }),
    sendButton: screen.getByRole('button', { name: 'Send' }),
  };
}

describe('Composer', () => {
  it('reports every keystroke as a draft change', async () => {
    const { field, onChange } = renderComposer();
    await userEvent.type(field, 'Hi');
    expect(onChange.mock.calls).toEqual([['H'], ['Hi']]);
  });

  it('sends on Enter and adds a line on Shift+Enter', async () => {
    const { field, onSend } = renderComposer();
    await userEvent.type(field, 'first line{Shift>}{Enter}{/Shift}second line');
    expect(onSend).not.toHaveBeenCalled();
    expect((field as HTMLTextAreaElement).value).toBe('first line\nsecond line');
    await userEvent.keyboard('{Enter}');
    expect(onSend).toHaveBeenCalledWith('first line\nsecond line');
    expect((field as HTMLTextAreaElement).value).toBe('');
  });

  it('keeps Send disabled and Enter inert for whitespace only', async () => {
    const { field, sendButton, onSend } = renderComposer();
    expect(sendButton).toHaveProperty('disabled', true);
    await userEvent.type(field, '   {Enter}');
    expect(sendButton).toHaveProperty('disabled', true);
    expect(onSend).not.toHaveBeenCalled();
  });

  it('sends with the Send button', async () => {
    const { field, sendButton, onSend } = renderComposer();
    await userEvent.type(field, 'Kakarot');
    expect(sendButton).toHaveProperty('disabled', false);
    await userEvent.click(sendButton);
    expect(onSend).toHaveBeenCalledWith('Kakarot');
  });

  it('counts down near the server’s limit and takes no more than it', async () => {
    const { field } = renderComposer('x'.repeat(Limits.messageMaxChars - 3));
    expect(screen.getByText('3 characters left')).toBeTruthy();
    await userEvent.type(field, 'abcdef');
    expect((field as HTMLTextAreaElement).value).toHaveLength(Limits.messageMaxChars);
    expect(screen.getByText('0 characters left')).toBeTruthy();
  });

  it('counts emoji as the server does, one character each, and never cuts one in half', async () => {
    const { field } = renderComposer('x'.repeat(Limits.messageMaxChars - 2));
    expect(screen.getByText('2 characters left')).toBeTruthy();
    await userEvent.type(field, '😀😀😀');
    const value = (field as HTMLTextAreaElement).value;
    expect(value.endsWith('😀😀')).toBe(true);
    expect(value.isWellFormed()).toBe(true);
    expect([...value]).toHaveLength(Limits.messageMaxChars);
    expect(screen.getByText('0 characters left')).toBeTruthy();
  });

  it('leaves Send disabled when the machine says the draft cannot be sent', () => {
    render(<Composer value="hello" canSend={false} onChange={() => {}} onSend={() => {}} />);
    expect(screen.getAllByRole('button', { name: 'Send' }).at(-1)).toHaveProperty('disabled', true);
  });
});
