// The preload: exposes `window.parley` (see bridge.ts) to the isolated, sandboxed renderer.
import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from './createBridge.ts';

contextBridge.exposeInMainWorld('parley', createBridge(ipcRenderer, process.argv));
