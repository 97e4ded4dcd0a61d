import type { Session } from 'electron';
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../../src/main/contentSecurityPolicy.ts';
import { hardenSession } from '../../../src/main/sessionSecurity.ts';

type HeadersListener = (
  details: { responseHeaders?: Record<string, string[]> },
  callback: (response: { responseHeaders: Record<string, string[]> }) => void,
) => void;

function fakeSession() {
  const registered: {
    headers?: HeadersListener;
    request?: (wc: unknown, permission: string, callback: (granted: boolean) => void) => void;
    check?: (...args: unknown[]) => boolean;
  } = {};
  const session = {
    webRequest: {
      onHeadersReceived: (listener: HeadersListener) => (registered.headers = listener),
    },
    setPermissionRequestHandler: (handler: typeof registered.request) =>
      (registered.request = handler),
    setPermissionCheckHandler: (handler: typeof registered.check) => (registered.check = handler),
  };
  return { session: session as unknown as Session, registered };
}

function directive(policy: string, name: string): string[] {
  const found = policy.split('; ').find((part) => part.startsWith(`${name} `));
  return found?.split(' ').slice(1) ?? [];
}

describe('the Content-Security-Policy', () => {
  const policy = contentSecurityPolicy({ serverUrl: 'http://127.0.0.1:41234/' });

  it('lets scripts come from the app only, never inline or eval', () => {
    expect(directive(policy, 'script-src')).toEqual(["'self'"]);
    expect(directive(policy, 'object-src')).toEqual(["'none'"]);
    expect(directive(policy, 'base-uri')).toEqual(["'none'"]);
  });

  it('lets the page talk to the chat server (polling and websocket) and nothing else', () => {
    expect(directive(policy, 'connect-src')).toEqual([
      "'self'",
      'http://127.0.0.1:41234',
      'ws://127.0.0.1:41234',
    ]);
    const remote = contentSecurityPolicy({ serverUrl: 'https://chat.example.com' });
    expect(directive(remote, 'connect-src')).toEqual([
      "'self'",
      'https://chat.example.com',
      'wss://chat.example.com',
    ]);
  });

  it('lets the main window show the inlined avatar SVGs and the chat server’s uploaded pictures, nothing else', () => {
    expect(directive(policy, 'img-src')).toEqual(["'self'", 'data:', 'http://127.0.0.1:41234']);
  });

  it('lets the State Inspector (and the app) use Emotion’s inline styles and inlined fonts', () => {
    expect(directive(policy, 'style-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(directive(policy, 'font-src')).toEqual(["'self'", 'data:']);
  });

  it('keeps every other kind of content to the app, and the page out of frames and forms', () => {
    expect(directive(policy, 'default-src')).toEqual(["'self'"]);
    expect(directive(policy, 'worker-src')).toEqual(["'self'"]);
    expect(directive(policy, 'frame-src')).toEqual(["'none'"]);
    expect(directive(policy, 'frame-ancestors')).toEqual(["'none'"]);
    expect(directive(policy, 'form-action')).toEqual(["'none'"]);
    expect(policy).not.toMatch(/blob:|\*|https?:\/\/(?!127\.0\.0\.1:41234)/);
  });

  it('allows the Vite dev server’s inline refresh preamble and HMR socket only in development', () => {
    const dev = contentSecurityPolicy({
      serverUrl: 'http://127.0.0.1:41234',
      devServerUrls: ['http://localhost:5173/'],
    });
    expect(directive(dev, 'script-src')).toContain("'unsafe-inline'");
    expect(directive(dev, 'connect-src')).toContain('ws://localhost:5173');
  });
});

describe('the hardened session', () => {
  it('puts the app’s policy on every response, replacing any other', () => {
    const { session, registered } = fakeSession();
    hardenSession(session, "default-src 'self'");
    let headers: Record<string, string[]> = {};
    registered.headers?.(
      {
        responseHeaders: {
          'content-security-policy': ['default-src *'],
          'Content-Type': ['text/html'],
        },
      },
      (response) => (headers = response.responseHeaders),
    );
    expect(headers).toEqual({
      'Content-Type': ['text/html'],
      'Content-Security-Policy': ["default-src 'self'"],
    });
  });

  it.each(['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal'])(
    'denies a request for %s',
    (permission) => {
      const { session, registered } = fakeSession();
      hardenSession(session, '');
      let granted: boolean | undefined;
      registered.request?.({}, permission, (answer) => (granted = answer));
      expect(granted).toBe(false);
    },
  );

  it('answers every permission check with no', () => {
    const { session, registered } = fakeSession();
    hardenSession(session, '');
    expect(registered.check?.({}, 'media', 'parley://main_window', {})).toBe(false);
    expect(registered.check?.({}, 'clipboard-sanitized-write', 'parley://main_window', {})).toBe(
      false,
    );
  });
});
