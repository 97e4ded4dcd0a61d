// Every exported Mermaid file (docs/machines/<name>.mmd) rendered by the `mermaid` package in
// Chromium, as GitHub and the wikis render it: parsed without error, laid out within a bounded
// time (a layout that never finishes fails here instead of hanging a reviewer's page), every
// state and every transition's text on the drawing, at a size a reader can take in. Mermaid's
// own browser build is loaded from node_modules: nothing is fetched.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registry } from '../../machines/index.ts';
import { machineFiles } from '../../src/viz/export/machineFiles.ts';
import { mermaidIds } from '../../src/viz/export/mermaid.ts';
import { extractStructure, type StateStructure } from '../../src/viz/structure.ts';
import { resultsDir } from './support/artifacts.ts';
import { launchChromium } from './support/browser.ts';
import { projectDir } from './support/webBuild.ts';

const mermaidScript = path.join(projectDir, 'node_modules/mermaid/dist/mermaid.min.js');
const mermaidVersion = (
  JSON.parse(readFileSync(path.join(projectDir, 'node_modules/mermaid/package.json'), 'utf8')) as {
    version: string;
  }
).version;
const docsDir = path.join(projectDir, 'docs/machines');
const artifactsDir = path.join(resultsDir, 'mermaid');
/** Longest a diagram may take to parse and lay out; a runaway layout loops far longer. */
const renderBudgetMs = 20_000;
/**
 * A diagram larger than this (in CSS pixels, at Mermaid's own scale: the SVG's viewBox, not the
 * page's drawing, which Mermaid scales down to the page width) is not read, only panned. Mermaid
 * draws parallel regions side by side: the conversation's eight (issue 16 added jump and
 * changes) are 6,054 px wide.
 */
const maxSidePx = 6_500;

interface Rendered {
  svg: string;
  /** The text of each label Mermaid drew (state names, descriptions, arrows, notes). */
  texts: string[];
  /** The SVG's own size (its viewBox), before Mermaid's `max-width` scales it to the page. */
  width: number;
  height: number;
  /** Pairs of arrow labels and states drawn over one another, as "a / b". */
  overlaps: string[];
  /** Mermaid id -> the box of that state's node or cluster, where Mermaid drew one. */
  boxes: Record<string, Box>;
}

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

let browser: Browser | null = null;
let exported = new Map<string, string>();

beforeAll(async () => {
  mkdirSync(artifactsDir, { recursive: true });
  [browser, exported] = await Promise.all([launchChromium(), machineFiles(registry)]);
});

afterAll(async () => {
  await browser?.close();
});

/** `inner` within `outer`, to the pixel. */
const inside = (inner: Box, outer: Box) =>
  inner.left >= outer.left - 1 &&
  inner.top >= outer.top - 1 &&
  inner.right <= outer.right + 1 &&
  inner.bottom <= outer.bottom + 1;

/** Renders `text` with `mermaid.render`, failing after `renderBudgetMs`. */
async function render(page: Page, text: string): Promise<Rendered> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`mermaid.render did not finish within ${renderBudgetMs} ms`)),
      renderBudgetMs,
    );
  });
  const rendering = page.evaluate(async (source) => {
    const { mermaid } = window as unknown as {
      mermaid: {
        initialize(config: object): void;
        render(id: string, text: string): Promise<{ svg: string }>;
      };
    };
    mermaid.initialize({ startOnLoad: false });
    const { svg } = await mermaid.render('diagram', source);
    const host = document.createElement('div');
    host.innerHTML = svg;
    document.body.append(host);
    const element = host.querySelector('svg')!;
    const labels = [...element.querySelectorAll('foreignObject, text')].filter(
      (label) => !label.querySelector('foreignObject, text'),
    );
    const { width, height } = element.viewBox.baseVal;
    const boxes: Record<string, Box> = {};
    for (const shape of element.querySelectorAll('g.node, g.statediagram-cluster')) {
      const id =
        shape.getAttribute('data-id') ?? /^diagram-state-(.+)-\d+$/.exec(shape.id)?.[1] ?? '';
      const { left, top, right, bottom } = shape.getBoundingClientRect();
      if (id) boxes[id] = { left, top, right, bottom };
    }
    // What a reader must tell apart: each arrow's label and each state (a cluster is not in
    // the list: it contains its states and, by design, some of their labels).
    const marks = [...element.querySelectorAll('g.edgeLabel, g.node')]
      .map((mark) => ({
        text: (mark.textContent ?? '').replace(/\s+/g, ' ').trim() || mark.id,
        box: mark.getBoundingClientRect(),
      }))
      .filter(({ box }) => box.width > 0 && box.height > 0);
    const overlaps: string[] = [];
    marks.forEach((a, i) => {
      for (const b of marks.slice(i + 1)) {
        const across = Math.min(a.box.right, b.box.right) - Math.max(a.box.left, b.box.left);
        const down = Math.min(a.box.bottom, b.box.bottom) - Math.max(a.box.top, b.box.top);
        if (across > 1 && down > 1) overlaps.push(`${a.text} / ${b.text}`);
      }
    });
    return {
      boxes,
      svg,
      texts: labels.map((label) => (label.textContent ?? '').replace(/\s+/g, ' ').trim()),
      width,
      height,
      overlaps,
    };
  }, text);
  try {
    return await Promise.race([rendering, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function allStates(state: StateStructure): StateStructure[] {
  return [state, ...state.children.flatMap(allStates)];
}

describe(`docs/machines/*.mmd in Mermaid ${mermaidVersion} (Chromium)`, () => {
  it('the exporter writes at least one machine', () => {
    expect(registry.length).toBeGreaterThan(0);
  });

  it.each(registry.map((entry) => [entry.name, entry] as const))(
    '%s.mmd renders with every state and transition on it',
    async (name, entry) => {
      const committed = readFileSync(path.join(docsDir, `${name}.mmd`), 'utf8');
      expect(committed, `docs/machines/${name}.mmd is stale: run npm run viz:export`).toBe(
        exported.get(`${name}.mmd`),
      );

      const page = await browser!.newPage({ viewport: { width: 1600, height: 1000 } });
      const requests: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      try {
        await page.setContent('<!doctype html><html><body></body></html>');
        await page.addScriptTag({ path: mermaidScript });
        const rendered = await render(page, committed);
        writeFileSync(path.join(artifactsDir, `${name}.svg`), rendered.svg);
        await page
          .locator('svg')
          .first()
          .screenshot({ path: path.join(artifactsDir, `${name}.png`) });

        expect(rendered.svg).toMatch(/^<svg[\s>]/);
        expect(rendered.svg, 'Mermaid drew its syntax-error diagram').not.toContain('Syntax error');
        const structure = extractStructure(entry.machine);
        for (const state of allStates(structure.root)) {
          const shown = state.type === 'history' ? `${state.key} (history)` : state.key;
          expect(rendered.texts, `state ${state.id}`).toContain(shown);
        }
        // Legible nesting: each state drawn inside its parent's box (an arrow across a border
        // can make Mermaid lay an inner state out beside its box).
        const ids = mermaidIds(structure);
        const visit = (parent: StateStructure) => {
          const outer = rendered.boxes[ids.get(parent.id) ?? ''];
          expect(outer, `no box for ${parent.id}`).toBeDefined();
          for (const child of parent.children) {
            const box = rendered.boxes[ids.get(child.id) ?? ''];
            expect(box, `no box for ${child.id}`).toBeDefined();
            expect(inside(box!, outer!), `${child.id} is drawn outside ${parent.id}`).toBe(true);
            if (child.children.length > 0) visit(child);
          }
        };
        visit(structure.root);
        for (const transition of structure.transitions) {
          expect(
            rendered.texts.some((text) => text.includes(transition.label)),
            `transition ${transition.id} "${transition.label}" is not on the drawing`,
          ).toBe(true);
        }
        expect(rendered.width).toBeGreaterThan(100);
        expect(rendered.height).toBeGreaterThan(100);
        expect(rendered.width).toBeLessThan(maxSidePx);
        expect(rendered.height).toBeLessThan(maxSidePx);
        expect(rendered.overlaps, 'labels or states drawn over one another').toEqual([]);
        expect(rendered.svg.length).toBeLessThan(2_000_000);
        expect(requests.filter((url) => !url.startsWith('about:'))).toEqual([]);
      } finally {
        await page.close();
      }
    },
  );
});
