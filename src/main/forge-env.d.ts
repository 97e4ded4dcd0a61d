// Constants Forge's Vite plugin defines in the main bundle, one pair per renderer entry
// (`MAIN_WINDOW_*` come from the plugin's own declarations).
/// <reference types="@electron-forge/plugin-vite/forge-vite-env" />

declare global {
  const INSPECTOR_WINDOW_VITE_DEV_SERVER_URL: string | undefined;
  const INSPECTOR_WINDOW_VITE_NAME: string;
}

export {};
