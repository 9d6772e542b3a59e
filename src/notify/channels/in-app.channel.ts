import type { Channel, Delivery } from './channel.js';

/**
 * In-app: the outbox row is itself the person's notification, read by the app; delivering it
 * only tells this process's listeners (e.g. the live stream) that it is there. Never fails.
 */
export function inAppChannel(onDelivered: (message: Delivery) => void = () => {}): Channel {
  return {
    name: 'in_app',
    async send(message) {
      try {
        onDelivered(message);
      } catch {
        // A listener's failure does not undo the notification: the row is there to read.
      }
      return { ok: true };
    },
  };
}
