// Where a test's evidence goes: test-results/<test>/<n>-<screen>.png, plus logs on failure.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { projectDir } from './webBuild.ts';

export const resultsDir = path.join(projectDir, 'test-results');

/** `onboarding > rejects letters` -> `onboarding-rejects-letters`. */
export function slugOf(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || 'test'
  );
}

/** Numbered screenshots of one test, one per screen it reaches. */
export class Screenshots {
  readonly dir: string;
  #count = 0;

  constructor(testName: string) {
    this.dir = path.join(resultsDir, slugOf(testName));
    mkdirSync(this.dir, { recursive: true });
  }

  /** Saves `<n>-<screen>.png` and returns its path. */
  async take(page: Page, screen: string): Promise<string> {
    this.#count += 1;
    const file = path.join(
      this.dir,
      `${String(this.#count).padStart(2, '0')}-${slugOf(screen)}.png`,
    );
    // Transitions frozen: a button mid-fade would look disabled when it is not.
    await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
    return file;
  }

  writeText(name: string, text: string): string {
    const file = path.join(this.dir, name);
    writeFileSync(file, text);
    return file;
  }
}
