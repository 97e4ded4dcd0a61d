import CssBaseline from '@mui/material/CssBaseline';
import { ThemeProvider } from '@mui/material/styles';
import {
  Provider as JotaiProvider,
  useAtomValue,
  useSetAtom,
  type Atom,
  type createStore,
} from 'jotai';
import { useEffect } from 'react';
import type { VerificationCodeDelivered } from '../../server/protocol.ts';
import { AppAtomsProvider, useAppAtoms } from './components/AppAtomsContext.tsx';
import {
  ExternalLinksContext,
  openInNewTab,
  type OpenExternal,
} from './components/ExternalLinks.tsx';
import { LoadingState } from './components/LoadingState.tsx';
import { ServerOriginContext } from './components/ServerOrigin.tsx';
import { MessengerScreen } from './messenger/MessengerScreen.tsx';
import { OnboardingScreen } from './onboarding/OnboardingScreen.tsx';
import type { AppAtoms } from './state/index.ts';
import { theme, themeModeStorageKey } from './theme.ts';

export interface AppProps {
  atoms: AppAtoms;
  store: ReturnType<typeof createStore>;
  simulatedSmsAtom: Atom<VerificationCodeDelivered | null>;
  /** How links in messages leave the app (the platform's; default: a new tab, no opener). */
  openExternal?: OpenExternal;
}

/** The root: theme, Jotai store and atoms, then the screen the app machine is in. */
export function App({ atoms, store, simulatedSmsAtom, openExternal = openInNewTab }: AppProps) {
  return (
    <ThemeProvider theme={theme} defaultMode="system" modeStorageKey={themeModeStorageKey}>
      <CssBaseline enableColorScheme />
      <JotaiProvider store={store}>
        <AppAtomsProvider atoms={atoms}>
          <ServerOriginContext value={atoms.appActor.getSnapshot().context.serverUrl}>
            <ExternalLinksContext value={openExternal}>
              <NetworkStatusRelay />
              <CurrentScreen simulatedSmsAtom={simulatedSmsAtom} />
            </ExternalLinksContext>
          </ServerOriginContext>
        </AppAtomsProvider>
      </JotaiProvider>
    </ThemeProvider>
  );
}

function CurrentScreen({ simulatedSmsAtom }: Pick<AppProps, 'simulatedSmsAtom'>) {
  const screen = useAtomValue(useAppAtoms().screenAtom);
  switch (screen) {
    case 'restoring':
      return <LoadingState fullScreen label="Restoring your session…" />;
    case 'onboarding':
      return <OnboardingScreen simulatedSmsAtom={simulatedSmsAtom} />;
    case 'messenger':
      return <MessengerScreen />;
    case 'signingOut':
      return <LoadingState fullScreen label="Signing out…" />;
  }
}

/** Tells the app machine when the OS says the network went away or came back. */
function NetworkStatusRelay() {
  const send = useSetAtom(useAppAtoms().sendToAppAtom);
  useEffect(() => {
    const online = () => send({ type: 'network.online' });
    const offline = () => send({ type: 'network.offline' });
    window.addEventListener('online', online);
    window.addEventListener('offline', offline);
    return () => {
      window.removeEventListener('online', online);
      window.removeEventListener('offline', offline);
    };
  }, [send]);
  return null;
}
