import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The machine visualizer page (src/viz), for two builds:
// - under Electron Forge: the `inspector_window` renderer, output in .vite/renderer/<name>;
// - standalone: `npm run viz` builds it into .vite/viz when stale and serves it.
// A relative base makes the files work from any origin (parley://, http://127.0.0.1:port/).
const projectDir = import.meta.dirname;

export default defineConfig((env) => {
  const forgeEntryName = (env as { forgeConfigSelf?: { name?: string } }).forgeConfigSelf?.name;
  const outDir = forgeEntryName
    ? path.join(projectDir, '.vite/renderer', forgeEntryName)
    : path.join(projectDir, '.vite/viz');
  return {
    root: path.join(projectDir, 'src/viz'),
    base: './',
    plugins: [react()],
    build: { outDir, emptyOutDir: true, chunkSizeWarningLimit: 4096 },
  };
});
