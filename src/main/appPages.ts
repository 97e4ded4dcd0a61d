// Where the app's own pages live, and whether a URL is one of them. In development Forge serves
// each renderer entry from its own Vite dev server; packaged, they are files served under the
// privileged `parley://<entry>/` scheme (see appProtocol.ts).
export const rendererEntries = ['main_window', 'inspector_window'] as const;
export type RendererEntry = (typeof rendererEntries)[number];

export const appScheme = 'parley';

export interface AppPages {
  /** The URL a window of this entry loads. */
  urlOf(entry: RendererEntry): string;
  /** The origin that page has in Chromium (what its requests send as Origin). */
  originOf(entry: RendererEntry): string;
  /** Which entry a URL belongs to, or null when it is not one of the app's pages. */
  entryOf(url: string): RendererEntry | null;
}

/** `devServerUrls` holds Forge's `*_VITE_DEV_SERVER_URL` values (all undefined when packaged). */
export function createAppPages(
  devServerUrls: Partial<Record<RendererEntry, string | undefined>>,
): AppPages {
  const devOrigins = new Map<string, RendererEntry>();
  for (const entry of rendererEntries) {
    const devUrl = devServerUrls[entry];
    if (devUrl) devOrigins.set(new URL(devUrl).origin, entry);
  }
  const urlOf = (entry: RendererEntry): string => {
    const devUrl = devServerUrls[entry];
    return devUrl ? new URL(devUrl).href : `${appScheme}://${entry}/index.html`;
  };
  return {
    urlOf,
    originOf: (entry) => pageOrigin(urlOf(entry)),
    entryOf(url) {
      const parsed = URL.parse(url);
      if (!parsed) return null;
      if (parsed.protocol === `${appScheme}:`) {
        return rendererEntries.find((entry) => entry === parsed.hostname) ?? null;
      }
      if (parsed.protocol === 'http:' || parsed.protocol === 'https:') {
        return devOrigins.get(parsed.origin) ?? null;
      }
      return null;
    },
  };
}

/**
 * The origin Chromium gives a page at `url`. Node's `URL#origin` is "null" for any scheme the
 * WHATWG spec does not know, but `parley:` is registered as a standard scheme
 * (appProtocol.ts), so Chromium gives it a tuple origin `parley://<host>` like http's.
 */
export function pageOrigin(url: string): string {
  const parsed = new URL(url);
  return parsed.protocol === `${appScheme}:` ? `${parsed.protocol}//${parsed.host}` : parsed.origin;
}
