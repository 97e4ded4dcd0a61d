import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The renderer, for two builds:
// - under Electron Forge (`npm start`, `npm run make`): Forge passes its own env and expects the
//   output in `.vite/renderer/main_window`;
// - standalone (`npm run build:web`): web mode serves `.vite/web` from the chat server.
// A relative base makes the built files work from any origin (parley://, http://host:port/).
const projectDir = import.meta.dirname;

export default defineConfig((env) => {
  // Forge adds `forgeConfigSelf` (this renderer's entry) to the env; plain Vite does not.
  const forgeEntryName = (env as { forgeConfigSelf?: { name?: string } }).forgeConfigSelf?.name;
  const outDir = forgeEntryName
    ? path.join(projectDir, '.vite/renderer', forgeEntryName)
    : path.join(projectDir, '.vite/web');
  return {
    root: path.join(projectDir, 'src/renderer'),
    base: './',
    plugins: [react()],
    build: { outDir, emptyOutDir: true },
  };
});
