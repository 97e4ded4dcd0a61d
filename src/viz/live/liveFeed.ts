// Where live records come from, chosen by what the page runs in: the Electron inspector
// window's bridge, the running web app's `/inspect` namespace (`npm run viz -- --app <url>`),
// and a same-origin BroadcastChannel (a visualizer tab served by the web app itself).
import { followBridge, inspectorBridge } from './bridgeChannel.ts';
import { InspectionRecordSchema, type InspectionRecord } from './recordSchema.ts';
import { connectInspectViewer } from './socketChannel.ts';

export type FeedStatus = {
  source: string;
  state: 'connected' | 'waiting' | 'error';
  detail?: string;
};

export interface LiveFeedOptions {
  appUrl: string | null;
  onRecord(record: InspectionRecord): void;
  onStatus(status: FeedStatus): void;
  scope?: unknown;
}

/** Same name as the web renderer's WebPlatform uses. */
export const broadcastChannelName = 'parley.inspector';

export function startLiveFeed(options: LiveFeedOptions): () => void {
  const stops: (() => void)[] = [];
  const bridge = inspectorBridge(options.scope ?? globalThis);
  if (bridge) {
    stops.push(followBridge(bridge, options.onRecord));
    options.onStatus({ source: 'Electron app', state: 'connected' });
  }
  if (options.appUrl) {
    const source = `app at ${options.appUrl}`;
    options.onStatus({ source, state: 'waiting' });
    const viewer = connectInspectViewer(options.appUrl, {
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
  if (typeof BroadcastChannel !== 'undefined') {
    const channel = new BroadcastChannel(broadcastChannelName);
    channel.onmessage = (message: MessageEvent) => {
      const parsed = InspectionRecordSchema.safeParse(message.data);
      if (parsed.success) options.onRecord(parsed.data as InspectionRecord);
    };
    stops.push(() => channel.close());
  }
  return () => stops.forEach((stop) => stop());
}
