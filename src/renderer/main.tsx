// Renderer entry: choose the platform once, provide the app machine with the socket transport,
// build the atoms and render. Fonts are bundled (@fontsource): no remote assets.
import '@fontsource/roboto/300.css';
import '@fontsource/roboto/400.css';
import '@fontsource/roboto/500.css';
import '@fontsource/roboto/700.css';
import { createStore } from 'jotai';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { createSimulatedSmsAtom } from './onboarding/simulatedSms.ts';
import { createPlatform } from './platform/createPlatform.ts';
import { createAppAtoms } from './state/index.ts';
import { connectApp } from './transport/connectApp.ts';
import { connectInspectPublisher } from './transport/inspectPublisher.ts';
import { toInspectionRecord } from '../viz/live/record.ts';
import type { InspectionRecord } from '../preload/bridge.ts';

const platform = createPlatform(window, connectInspectPublisher);
const { machine, onboardingConnection } = connectApp(platform);
const atoms = createAppAtoms(machine, {
  serverUrl: platform.serverUrl(),
  locale: navigator.language,
  online: navigator.onLine,
  clientIdPrefix: crypto.randomUUID().replaceAll('-', ''),
});

// Every machine snapshot in the tree goes to the state inspector (if the platform has one).
atoms.appActor.system.inspect((event) => {
  const record = toInspectionRecord(event);
  if (record) platform.publishInspection(record as unknown as InspectionRecord);
});

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App
      platform={platform}
      atoms={atoms}
      store={createStore()}
      simulatedSmsAtom={createSimulatedSmsAtom(onboardingConnection)}
    />
  </StrictMode>,
);
