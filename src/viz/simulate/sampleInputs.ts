// Inputs the registry's machines need to start in simulate mode (the editor starts with these;
// a machine missing here starts with `{}`). Loopback URLs only: inert actors never connect.
export const sampleInputs: Readonly<Record<string, unknown>> = {
  onboarding: { locale: 'en-US' },
  session: { url: 'http://127.0.0.1:3000', token: 'simulated-token' },
  messenger: { clientIdPrefix: 'sim' },
  app: {
    serverUrl: 'http://127.0.0.1:3000',
    locale: 'en-US',
    online: true,
    clientIdPrefix: 'sim',
  },
};
