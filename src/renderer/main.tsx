// Renderer entry: choose the platform once, provide the app machine with the socket transport,
// build the atoms and render. Fonts are bundled (@fontsource, and Twemoji for emoji): no remote
// assets.
import '@fontsource/roboto/300.css';
import '@fontsource/roboto/400.css';
import '@fontsource/roboto/500.css';
import '@fontsource/roboto/700.css';
import './assets/fonts/twemoji/twemoji.css';
import { createStore } from 'jotai';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { createSimulatedSmsAtom } from './onboarding/simulatedSms.ts';
import { createPlatform } from './platform/createPlatform.ts';
import { showShortcutsEvent } from './messenger/KeyboardShortcutsDialog.tsx';
import { createInspectionQueue } from './platform/inspectionQueue.ts';
import { createAppAtoms } from './state/index.ts';
import { connectApp } from './transport/connectApp.ts';
// The publishing end of the visualizer's channel, with a connection of its own (see there).
import { connectInspectPublisher } from './transport/inspectPublisher.ts';

const platform = createPlatform(window, connectInspectPublisher);
const { machine, onboardingConnection } = connectApp(platform);
const atoms = createAppAtoms(machine, {
  serverUrl: platform.serverUrl(),
  locale: navigator.language,
  online: navigator.onLine,
  clientIdPrefix: crypto.randomUUID().replaceAll('-', ''),
  // Each message's id unguessable, so no other member can send one under it first.
  randomId: () => crypto.randomUUID().replaceAll('-', ''),
});

// Every machine snapshot in the tree goes to the state inspector, when the platform has one
// (desktop: always; web: pages opened with #inspect=<token>), queued so transitions never wait
// on it.
if (platform.publishesInspection) {
  atoms.appActor.system.inspect(
    createInspectionQueue({ publish: (record) => platform.publishInspection(record) }),
  );
}

// File > Sign Out in the desktop menu signs out as the Settings button does.
platform.onSignOutRequested(() => atoms.appActor.send({ type: 'signOut.requested' }));
// Help > Keyboard Shortcuts in the desktop menu opens the list, as Ctrl+/ does in the page.
platform.onShortcutsRequested(() => window.dispatchEvent(new Event(showShortcutsEvent)));
// The dock/taskbar badge counts what the title counts (desktop; a browser tab has the title).
const store = createStore();
store.sub(atoms.unreadTotalAtom, () => platform.setBadgeCount(store.get(atoms.unreadTotalAtom)));

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App
      atoms={atoms}
      store={store}
      simulatedSmsAtom={createSimulatedSmsAtom(onboardingConnection)}
      openExternal={(url) => platform.openExternal(url)}
    />
  </StrictMode>,
);
