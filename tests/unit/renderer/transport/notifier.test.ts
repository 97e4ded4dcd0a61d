// The messenger's notifier over a platform: what it reports, shows, asks and remembers.
import { describe, expect, it, vi } from 'vitest';
import { createActor, setup, type EventObject } from 'xstate';
import type { NotificationPermission } from '../../../../machines/system.ts';
import { createNotifierActor } from '../../../../src/renderer/transport/notifier.ts';

function fakePlatform(permission: NotificationPermission, answer: NotificationPermission) {
  const clicks = new Set<(conversationId: string) => void>();
  let dismissed = false;
  return {
    clicks,
    notificationPermission: vi.fn<() => Promise<NotificationPermission>>(async () => permission),
    requestNotificationPermission: vi.fn<() => Promise<NotificationPermission>>(async () => answer),
    notificationPromptDismissed: () => dismissed,
    dismissNotificationPrompt: vi.fn<() => void>(() => {
      dismissed = true;
    }),
    notify: vi.fn<(notification: object) => void>(),
    onNotificationClick: (listener: (conversationId: string) => void) => {
      clicks.add(listener);
      return () => clicks.delete(listener);
    },
  };
}

/** The notifier under a parent that records what it sends back (as the messenger hears it). */
function start(platform: ReturnType<typeof fakePlatform>) {
  const heard: EventObject[] = [];
  const parent = setup({ actors: { notifier: createNotifierActor(platform) } }).createMachine({
    invoke: { id: 'notifier', src: 'notifier' },
    on: { '*': { actions: ({ event }) => heard.push(event) } },
  });
  const actor = createActor(parent).start();
  const notifier = actor.getSnapshot().children.notifier!;
  return { actor, notifier, heard };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('notifier', () => {
  it('reports the permission at start and after asking; shows, remembers and reports clicks', async () => {
    const platform = fakePlatform('default', 'granted');
    const { actor, notifier, heard } = start(platform);
    await settle();
    expect(heard).toEqual([
      { type: 'permission.changed', permission: 'default', dismissed: false },
    ]);
    notifier.send({ type: 'permission.requested' });
    await settle();
    expect(heard.at(-1)).toEqual({
      type: 'permission.changed',
      permission: 'granted',
      dismissed: false,
    });
    const notification = { conversationId: 'c-1', title: 'Goku Son', body: 'Hi' };
    notifier.send({ type: 'notify', notification });
    expect(platform.notify).toHaveBeenCalledWith(notification);
    for (const listener of platform.clicks) listener('c-1');
    expect(heard.at(-1)).toEqual({ type: 'notification.clicked', conversationId: 'c-1' });
    notifier.send({ type: 'prompt.dismissed' });
    expect(platform.dismissNotificationPrompt).toHaveBeenCalledOnce();

    // Stopped: no more listening, nothing more reported.
    actor.stop();
    expect(platform.clicks.size).toBe(0);
  });
});
