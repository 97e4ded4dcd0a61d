// IPC for desktop notifications and the dock/taskbar badge (issue 15): only the app window may
// show them. The renderer decides when a message is worth a notification; main shows it with
// Electron's Notification, and a click brings the window forward and tells the renderer which
// conversation to open. Every payload is checked here: strings capped, the count bounded. Both
// channels are one-way (send, not invoke): what fails a check is dropped, as a throw in a
// listener would be uncaught in main.
import { app, BrowserWindow, Notification, type IpcMain, type IpcMainEvent } from 'electron';
import { z } from 'zod';
import { notificationLimits } from '../../machines/system.ts';
import { IpcChannels } from '../preload/ipcChannels.ts';
import type { AppPages } from './appPages.ts';
import { isTrustedSender } from './ipcSender.ts';

export const NotifyRequestSchema = z.strictObject({
  conversationId: z.string().min(1).max(64),
  title: z.string().max(notificationLimits.titleMaxChars),
  body: z.string().max(notificationLimits.bodyMaxChars),
});

/** macOS shows up to 5 digits before it shortens; nobody needs more. */
export const badgeCountMax = 99_999;
export const BadgeCountSchema = z.number().int().min(0).max(badgeCountMax);

export function registerNotificationIpc(ipcMain: Pick<IpcMain, 'on'>, appPages: AppPages): void {
  // Shown notifications are kept until clicked or closed: one collected early loses its click.
  const shown = new Set<Notification>();
  ipcMain.on(IpcChannels.notify, (event: IpcMainEvent, request: unknown) => {
    if (!isTrustedSender(event, appPages, ['main_window'])) return;
    const parsed = NotifyRequestSchema.safeParse(request);
    if (!parsed.success || !Notification.isSupported()) return;
    const { conversationId, title, body } = parsed.data;
    const notification = new Notification({ title, body });
    const sender = event.sender;
    shown.add(notification);
    notification.on('click', () => {
      shown.delete(notification);
      const window = BrowserWindow.fromWebContents(sender);
      if (!window || window.isDestroyed() || sender.isDestroyed()) return;
      if (window.isMinimized()) window.restore();
      window.show();
      window.focus();
      sender.send(IpcChannels.notificationClicked, conversationId);
    });
    notification.on('close', () => shown.delete(notification));
    notification.show();
  });
  ipcMain.on(IpcChannels.setBadgeCount, (event: IpcMainEvent, count: unknown) => {
    if (!isTrustedSender(event, appPages, ['main_window'])) return;
    const parsed = BadgeCountSchema.safeParse(count);
    if (parsed.success) app.setBadgeCount(parsed.data);
  });
}
