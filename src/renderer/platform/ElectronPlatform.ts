import type { MessageNotification, NotificationPermission } from '../../../machines/system.ts';
import type { InspectionRecord, ParleyBridge } from '../../preload/bridge.ts';
import { Platform, isExternalWebUrl } from './Platform.ts';

/** The desktop shell: every capability goes through the preload bridge (`window.parley`). */
export class ElectronPlatform extends Platform {
  readonly kind = 'electron';
  readonly #bridge: ParleyBridge;

  constructor(bridge: ParleyBridge) {
    super();
    this.#bridge = bridge;
  }

  serverUrl(): string {
    return this.#bridge.serverUrl;
  }

  override getSessionToken(): Promise<string | null> {
    return this.#bridge.getSessionToken();
  }

  override setSessionToken(token: string | null): Promise<void> {
    return this.#bridge.setSessionToken(token);
  }

  override loadUnsent(): Promise<string | null> {
    return this.#bridge.getUnsent();
  }

  override saveUnsent(json: string | null): Promise<void> {
    return this.#bridge.setUnsent(json);
  }

  override openExternal(url: string): void {
    // Main checks the URL again; refusing here just saves a round trip. A refusal is not news
    // to the user (nothing opens), so the rejection is swallowed.
    if (!isExternalWebUrl(url)) return;
    this.#bridge.openExternal(url).catch(() => {});
  }

  override onSignOutRequested(listener: () => void): () => void {
    return this.#bridge.onSignOutRequested(listener);
  }

  override onShortcutsRequested(listener: () => void): () => void {
    return this.#bridge.onShortcutsRequested(listener);
  }

  /** Always: main keeps recent records, so a State Inspector opened later shows history. */
  override get publishesInspection(): boolean {
    return true;
  }

  override publishInspection(record: InspectionRecord): void {
    this.#bridge.inspector.publish(record);
  }

  /** The desktop app may always notify (the OS settings have the last word). */
  override async notificationPermission(): Promise<NotificationPermission> {
    return 'granted';
  }

  override notify(notification: MessageNotification): void {
    this.#bridge.notify(notification);
  }

  override onNotificationClick(listener: (conversationId: string) => void): () => void {
    return this.#bridge.onNotificationClicked(listener);
  }

  override setBadgeCount(count: number): void {
    // Main refuses anything else; the total is clamped here so a big backlog still shows.
    this.#bridge.setBadgeCount(Math.max(0, Math.min(99_999, Math.floor(count))));
  }
}
