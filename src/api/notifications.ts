/**
 * Notifications as the server sends them: a person's inbox, an incident's deliveries with
 * every attempt, the dead letters. Type-only: the views are built on the server.
 */
export type { Delivery, InboxMessage } from '../server/views/deliveries.js';
