// Remembers the main window's size and position in a JSON file under userData, and restores
// them only when that rectangle is still on a connected display (monitors come and go).
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { BrowserWindow, Rectangle } from 'electron';
import { z } from 'zod';

export const defaultWindowSize = { width: 1100, height: 760 } as const;
const minimumSize = { width: 360, height: 400 } as const;
/** How much of the window must be on a display for it to count as visible (a title bar's worth). */
const minimumVisible = { width: 120, height: 40 } as const;

const WindowStateSchema = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().min(minimumSize.width).max(16_384),
  height: z.number().int().min(minimumSize.height).max(16_384),
  isMaximized: z.boolean(),
});
export type WindowState = z.infer<typeof WindowStateSchema>;

/** What BrowserWindow needs: a position only when it is known to be visible. */
export interface InitialWindowBounds {
  width: number;
  height: number;
  x?: number;
  y?: number;
  isMaximized: boolean;
}

function overlap(a: Rectangle, b: Rectangle): { width: number; height: number } {
  return {
    width: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    height: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
  };
}

export function isVisibleOnSomeDisplay(
  bounds: Rectangle,
  workAreas: readonly Rectangle[],
): boolean {
  return workAreas.some((area) => {
    const shared = overlap(bounds, area);
    return shared.width >= minimumVisible.width && shared.height >= minimumVisible.height;
  });
}

/** The saved state if it is readable and on screen; otherwise the default size, centred by the OS. */
export async function loadWindowState(
  file: string,
  workAreas: readonly Rectangle[],
): Promise<InitialWindowBounds> {
  const fallback = { ...defaultWindowSize, isMaximized: false };
  let saved: WindowState;
  try {
    const parsed = WindowStateSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    if (!parsed.success) return fallback;
    saved = parsed.data;
  } catch {
    return fallback; // first run, or an unreadable file
  }
  if (!isVisibleOnSomeDisplay(saved, workAreas)) {
    return { width: saved.width, height: saved.height, isMaximized: saved.isMaximized };
  }
  return saved;
}

/**
 * Synchronous on purpose: it runs as the window closes, and the process may quit right after.
 * Write then rename, so a crash mid-write never leaves half a file.
 */
export function saveWindowState(file: string, state: WindowState): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, JSON.stringify(state), 'utf8');
  renameSync(temporary, file);
}

/** The window's state now; the normal (unmaximized) bounds, so un-maximizing restores them. */
export function windowStateOf(window: BrowserWindow): WindowState {
  const bounds = window.getNormalBounds();
  return {
    x: Math.round(bounds.x),
    y: Math.round(bounds.y),
    width: Math.max(minimumSize.width, Math.round(bounds.width)),
    height: Math.max(minimumSize.height, Math.round(bounds.height)),
    isMaximized: window.isMaximized(),
  };
}

/** Saves the window's state when it closes. */
export function trackWindowState(window: BrowserWindow, file: string): void {
  window.on('close', () => {
    try {
      saveWindowState(file, windowStateOf(window));
    } catch (error) {
      console.error('Parley: could not save the window state', error);
    }
  });
}

export const windowMinimumSize = minimumSize;
