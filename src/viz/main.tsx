// The visualizer page: `npm run viz` in a browser, or Electron's State Inspector window.
import '@fontsource/roboto/400.css';
import '@fontsource/roboto/500.css';
import '@fontsource/roboto/700.css';
import '@fontsource/roboto/400-italic.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { registry } from '../../machines/index.ts';
import { VisualizerApp } from './app/VisualizerApp.tsx';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root');
createRoot(container).render(
  <StrictMode>
    <VisualizerApp entries={registry} />
  </StrictMode>,
);
