// The server names avatars by asset key (never a URL); the renderer bundles the pictures.
// Vite turns every SVG in assets/avatars/ into a local URL at build time, so adding a character
// is adding a file named by its key.
const assetUrls = import.meta.glob<string>('../assets/avatars/*.svg', {
  eager: true,
  query: '?url',
  import: 'default',
});

const urlByKey = new Map<string, string>(
  Object.entries(assetUrls).map(([path, url]) => [path.replace(/^.*\/(.+)\.svg$/, '$1'), url]),
);

/** The bundled picture for an avatar asset key, or undefined when none ships with the app. */
export function avatarAssetUrl(key: string | undefined): string | undefined {
  return key === undefined ? undefined : urlByKey.get(key);
}

/** Every asset key the renderer can draw (for tests and the server's seed check). */
export function bundledAvatarKeys(): string[] {
  return [...urlByKey.keys()].sort();
}
