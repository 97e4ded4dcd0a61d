import { defineConfig } from 'vite';

// The preload bundle. Forge's Vite plugin emits one self-contained `.vite/build/preload.cjs`,
// which a sandboxed preload needs (it may require nothing but `electron`).
export default defineConfig({});
