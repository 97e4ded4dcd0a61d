// The app icon's file for the window (Linux and Windows draw it in the title bar and task bar;
// macOS takes the bundle's icon.icns). It is the renderer's public icon.png: packaged, Vite has
// copied it into .vite/renderer/main_window beside the page; under `npm start` the page comes
// from Vite's dev server, so the source file is used.
import path from 'node:path';

/** `mainDir`: the main bundle's folder (.vite/build); `devServerUrl`: set under `npm start`. */
export function appIconPath(mainDir: string, devServerUrl: string | undefined): string {
  return devServerUrl
    ? path.join(mainDir, '../../src/renderer/public/icon.png')
    : path.join(mainDir, '../renderer/main_window/icon.png');
}
