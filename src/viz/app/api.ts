// The page's requests to `npm run viz`'s server. In the Electron inspector window there is no
// server: every request fails quietly and the page offers what needs none.
import {
  DiffBaseSchema,
  ModelCoverageSchema,
  VizConfigSchema,
  type DiffBase,
  type ModelCoverage,
} from '../structureSchema.ts';

async function getJson(path: string): Promise<unknown> {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const message = (body as { error?: unknown } | null)?.error;
    throw new Error(typeof message === 'string' ? message : `${path}: HTTP ${response.status}`);
  }
  return body;
}

/** Served over http(s) by `npm run viz`, not from a file or the app's custom scheme. */
export const hasVizServer = () => location.protocol === 'http:' || location.protocol === 'https:';

/** The web app to follow live, and the inspector token its relay asks for. */
export interface LiveApp {
  url: string;
  inspectToken: string;
}

export async function fetchLiveApp(): Promise<LiveApp | null> {
  if (!hasVizServer()) return null;
  try {
    const { appUrl, inspectToken } = VizConfigSchema.parse(await getJson('api/config'));
    return appUrl && inspectToken ? { url: appUrl, inspectToken } : null;
  } catch {
    return null;
  }
}

export async function fetchCoverage(): Promise<ModelCoverage | null> {
  if (!hasVizServer()) return null;
  try {
    return ModelCoverageSchema.parse(await getJson('api/coverage'));
  } catch {
    return null;
  }
}

export async function fetchDiffBase(ref: string): Promise<DiffBase> {
  return DiffBaseSchema.parse(await getJson(`api/diff?ref=${encodeURIComponent(ref)}`));
}
