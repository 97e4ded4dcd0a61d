// IPC channel names, shared by the preload (sender) and the main process (handlers) so the two
// cannot drift apart. Each channel carries exactly one request shape, validated in main.
export const IpcChannels = {
  /** invoke: () -> string | null */
  getSessionToken: 'parley:session-token:get',
  /** invoke: (token: string | null) -> void */
  setSessionToken: 'parley:session-token:set',
  /** invoke: () -> string | null (the unsent state's JSON, unparsed) */
  getUnsent: 'parley:unsent:get',
  /** invoke: (json: string | null) -> void; refuses more than unsentStateMaxBytes */
  setUnsent: 'parley:unsent:set',
  /** invoke: (url: string) -> void; rejects URLs that are not http(s) */
  openExternal: 'parley:open-external',
  /** send, app window -> main: (record: InspectionRecord) */
  publishInspection: 'parley:inspector:publish',
  /** main -> State Inspector window: (record: InspectionRecord) */
  inspectionRecord: 'parley:inspector:record',
  /** main -> app window: () (File > Sign Out; nothing is carried, so nothing to validate) */
  signOutRequested: 'parley:menu:sign-out',
  /** main -> app window: () (Help > Keyboard Shortcuts; nothing is carried) */
  shortcutsRequested: 'parley:menu:shortcuts',
  /** send, app window -> main: ({ conversationId, title, body }); strings capped */
  notify: 'parley:notification:show',
  /** main -> app window: (conversationId: string), when its notification was clicked */
  notificationClicked: 'parley:notification:clicked',
  /** send, app window -> main: (count: integer 0..99999), the dock/taskbar badge */
  setBadgeCount: 'parley:badge:set',
} as const;

/** The command-line switch that carries the chat server URL into the (sandboxed) preload. */
export const serverUrlSwitch = '--parley-server-url=';
