// The messenger's `notifier` actor (contract in machines/messenger.ts): the platform's
// notifications. It reports what the platform allows at start and after asking, shows the
// notifications the messenger decides on, remembers "Not now", and reports clicks, after which
// the messenger opens the conversation (the platform has brought the window forward).
import { fromCallback } from 'xstate';
import type { MessengerEvent } from '../../../machines/messenger.ts';
import type { NotificationPermission, NotifierCommand } from '../../../machines/system.ts';
import type { Platform } from '../platform/Platform.ts';

type NotifierPlatform = Pick<
  Platform,
  | 'notificationPermission'
  | 'requestNotificationPermission'
  | 'notificationPromptDismissed'
  | 'dismissNotificationPrompt'
  | 'notify'
  | 'onNotificationClick'
>;

export function createNotifierActor(platform: NotifierPlatform) {
  return fromCallback<NotifierCommand>(({ sendBack, receive }) => {
    let stopped = false;
    const tell = (event: MessengerEvent) => {
      if (!stopped) sendBack(event);
    };
    const report = (permission: NotificationPermission) =>
      tell({
        type: 'permission.changed',
        permission,
        dismissed: platform.notificationPromptDismissed(),
      });
    const ask = (question: Promise<NotificationPermission>) =>
      question.then(report, () => report('unsupported'));
    void ask(platform.notificationPermission());
    const unsubscribe = platform.onNotificationClick((conversationId) =>
      tell({ type: 'notification.clicked', conversationId }),
    );
    receive((command) => {
      switch (command.type) {
        case 'notify':
          platform.notify(command.notification);
          return;
        case 'permission.requested':
          void ask(platform.requestNotificationPermission());
          return;
        case 'prompt.dismissed':
          platform.dismissNotificationPrompt();
          return;
        default:
          return;
      }
    });
    return () => {
      stopped = true;
      unsubscribe();
    };
  });
}
