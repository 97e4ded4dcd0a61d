import { ElectronPlatform } from './ElectronPlatform.ts';
import type { Platform } from './Platform.ts';
import { WebPlatform, type InspectChannelFactory } from './WebPlatform.ts';

/**
 * Chooses the platform once, at start-up, by whether the preload bridge exists. This is the only
 * place in the renderer that looks at `window.parley`.
 */
export function createPlatform(
  win: Window = window,
  openInspectChannel: InspectChannelFactory | null = null,
): Platform {
  return win.parley ? new ElectronPlatform(win.parley) : new WebPlatform(win, openInspectChannel);
}
