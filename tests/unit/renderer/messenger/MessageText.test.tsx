// @vitest-environment jsdom
// Links in messages (issue 16): web links found by linkify-it become links that leave the app
// through the platform's openExternal (the system browser in the desktop app), never by
// navigating the app; other schemes stay text.
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ExternalLinksContext,
  openInNewTab,
} from '../../../../src/renderer/components/ExternalLinks.tsx';
import { splitLinks } from '../../../../src/renderer/messenger/linkify.ts';
import { MessageText } from '../../../../src/renderer/messenger/MessageText.tsx';

afterEach(cleanup);

describe('splitLinks', () => {
  it('cuts the text into plain runs and http(s) links, losing nothing', () => {
    const text = 'Read https://parley.test/docs?a=1, then example.com/faq. Done';
    const parts = splitLinks(text);
    expect(parts).toEqual([
      { kind: 'text', text: 'Read ' },
      { kind: 'link', text: 'https://parley.test/docs?a=1', url: 'https://parley.test/docs?a=1' },
      { kind: 'text', text: ', then ' },
      { kind: 'link', text: 'example.com/faq', url: 'http://example.com/faq' },
      { kind: 'text', text: '. Done' },
    ]);
    expect(parts.map((part) => part.text).join('')).toBe(text);
  });

  it('leaves mailto:, ftp:, javascript:, file: and "//host" as text, and emails too', () => {
    for (const text of [
      'mailto:bulma@capsule.corp',
      'ftp://files.capsule.corp/a',
      'javascript:alert(1)',
      'file:///etc/passwd',
      'see //capsule.corp/x',
      'write to bulma@capsule.corp',
    ]) {
      expect.soft(splitLinks(text)).toEqual([{ kind: 'text', text }]);
    }
  });

  it('finds links in any script and keeps balanced brackets in the link', () => {
    expect(splitLinks('https://例え.jp/パス と (https://en.wikipedia.org/wiki/Foo_(bar))')).toEqual(
      [
        { kind: 'link', text: 'https://例え.jp/パス', url: 'https://例え.jp/パス' },
        { kind: 'text', text: ' と (' },
        {
          kind: 'link',
          text: 'https://en.wikipedia.org/wiki/Foo_(bar)',
          url: 'https://en.wikipedia.org/wiki/Foo_(bar)',
        },
        { kind: 'text', text: ')' },
      ],
    );
    expect(splitLinks('')).toEqual([]);
  });
});

describe('MessageText', () => {
  it('opens a clicked link through the platform, not by navigating the app', async () => {
    const openExternal = vi.fn<(url: string) => void>();
    render(
      <ExternalLinksContext value={openExternal}>
        <div data-testid="text">
          <MessageText text="Docs at https://parley.test/docs now" isOwn={false} />
        </div>
      </ExternalLinksContext>,
    );
    expect(screen.getByTestId('text').textContent).toBe('Docs at https://parley.test/docs now');
    const link = screen.getByRole('link', { name: 'https://parley.test/docs' });
    expect(link.getAttribute('href')).toBe('https://parley.test/docs');
    expect(link.getAttribute('rel')).toBe('noopener noreferrer');
    const before = window.location.href;
    await userEvent.click(link);
    expect(openExternal).toHaveBeenCalledWith('https://parley.test/docs');
    expect(window.location.href).toBe(before);
    // The keyboard: Enter on the focused link does the same.
    link.focus();
    await userEvent.keyboard('{Enter}');
    expect(openExternal).toHaveBeenCalledTimes(2);
  });

  it('shows text with no link as it is', () => {
    render(<MessageText text="mailto:bulma@capsule.corp" isOwn />);
    expect(screen.queryByRole('link')).toBeNull();
    expect(screen.getByText('mailto:bulma@capsule.corp')).toBeTruthy();
  });

  it('without a platform opens http(s) in a new tab with no opener, and nothing else', () => {
    const open = vi.spyOn(globalThis, 'open').mockReturnValue(null);
    try {
      openInNewTab('https://parley.test/a');
      openInNewTab('javascript:alert(1)');
      openInNewTab('file:///etc/passwd');
      expect(open.mock.calls).toEqual([['https://parley.test/a', '_blank', 'noopener,noreferrer']]);
    } finally {
      open.mockRestore();
    }
  });
});
