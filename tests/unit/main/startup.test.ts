// main.ts end to end as far as the first thing that can go wrong at start: a PARLEY_SERVER_URL
// the app refuses must reach the user in a dialog (a console line nobody sees is not enough),
// and the app must exit rather than run against a server it was told not to trust.
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as fakeElectron from './fakeElectron.ts';

const dialog = { showErrorBox: vi.fn<(title: string, content: string) => void>() };
const exited = Promise.withResolvers<number>();
const app = {
  getPath: fakeElectron.app.getPath,
  isPackaged: true,
  requestSingleInstanceLock: () => true,
  on: vi.fn<(event: string, listener: () => void) => void>(),
  whenReady: () => Promise.resolve(),
  quit: vi.fn<() => void>(),
  exit: vi.fn<(code: number) => void>((code) => exited.resolve(code)),
};

vi.mock('electron', () => ({ ...fakeElectron, default: fakeElectron, app, dialog }));
afterEach(() => {
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
  fakeElectron.app.removeAppPaths();
});

describe('starting the app', () => {
  it('shows a refused PARLEY_SERVER_URL to the user, with what to do, and exits', async () => {
    vi.stubGlobal('MAIN_WINDOW_VITE_DEV_SERVER_URL', undefined);
    vi.stubGlobal('INSPECTOR_WINDOW_VITE_DEV_SERVER_URL', undefined);
    vi.stubEnv('PARLEY_SERVER_URL', 'http://chat.example.com:3000');
    vi.stubEnv('PARLEY_ALLOW_INSECURE_SERVER', undefined);
    await import('../../../src/main/main.ts');
    expect(await exited.promise).toBe(1);
    expect(dialog.showErrorBox).toHaveBeenCalledOnce();
    const [title, message] = dialog.showErrorBox.mock.calls[0]!;
    expect(title).toBe('Parley could not start');
    expect(message).toMatch(/PARLEY_SERVER_URL must use https:/);
    expect(message).toMatch(/set PARLEY_ALLOW_INSECURE_SERVER=1/);
  });
});
