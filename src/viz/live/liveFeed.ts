// Where live records come from, chosen by what the page runs in: the Electron inspector
// window's bridge, and the running web app's `/inspect` namespace (`npm run viz -- --app <url>`).
import { followBridge, inspectorBridge } from './bridgeChannel.ts';
import type { InspectionRecord } from './recordSchema.ts';
import { connectInspectViewer } from './socketChannel.ts';

export type FeedStatus = {
  source: string;
  state: 'connected' | 'waiting' | 'error';
  detail?: string;
};

export interface LiveFeedOptions {
  /** The web app (`npm run viz -- --app <url> --inspect-token <token>`), if any. */
  app: { url: string; inspectToken: string } | null;
  onRecord(record: InspectionRecord): void;
  onStatus(status: FeedStatus): void;
  scope?: unknown;
}

export function startLiveFeed(options: LiveFeedOptions): () => void {
  const stops: (() => void)[] = [];
  const bridge = inspectorBridge(options.scope ?? globalThis);
  if (bridge) {
    stops.push(followBridge(bridge, options.onRecord));
    options.onStatus({ source: 'Electron app', state: 'connected' });
  }
  if (options.app) {
    const source = `app at ${options.app.url}`;
    options.onStatus({ source, state: 'waiting' });
    const viewer = connectInspectViewer(options.app.url, options.app.inspectToken, {
      onRecord: options.onRecord,
      onStatus: (state, detail) =>
        options.onStatus({
          source,
          state: state === 'connected' ? 'connected' : state === 'error' ? 'error' : 'waiting',
          ...(detail ? { detail } : {}),
        }),
    });
    stops.push(() => viewer.close());
  }
  return () => stops.forEach((stop) => stop());
}
