export { Platform, PlatformStorageError, isExternalWebUrl } from './Platform.ts';
export { ElectronPlatform } from './ElectronPlatform.ts';
export {
  WebPlatform,
  sessionTokenStorageKey,
  unsentStorageKey,
  notificationPromptStorageKey,
  inspectQueryFlag,
  type InspectChannelFactory,
} from './WebPlatform.ts';
export { createPlatform } from './createPlatform.ts';
export {
  createInspectionQueue,
  whenIdle,
  defaultMaxPending,
  type FlushScheduler,
  type InspectionQueueOptions,
} from './inspectionQueue.ts';
