import { defineConfig } from 'vite';

// The main process bundle. Forge's Vite plugin supplies the entry, the CommonJS output
// (`.vite/build/main.cjs`) and the Node/Electron externals; everything else, the chat server
// included, is bundled because the packaged app ships only `.vite/`.
export default defineConfig({});
