/**
 * Notifications: the outbox (written with the event that causes it), the dispatcher that
 * delivers it over the configured channels, and signed acknowledgement links.
 */
export * from './channels/index.js';
export { enqueue, toDelivery, type OutgoingMessage } from './outbox.js';
export { backoffDelay, DEFAULT_RETRY, Dispatcher, type DispatcherLog, type DispatcherOptions, type RetryPolicy } from './dispatcher.js';
export { ACK_LINK_TTL_MS, AckLinks, tokenKey, type AckAction, type AckCheck, type AckClaims, type AckRefusal } from './ack-links.js';
export { NotifyConfigSchema, notifyEnv, type NotifyConfig } from './notify.config.js';
export { audienceOf, compose, localTime, messageText, GROUP, GROUP_CHANNELS, type Audience, type LoggedEvent, type NotificationKind, type Recipient, type Subject } from './messages.js';
export { Notifier, type NotifierOptions } from './notifier.js';
export { notifyService, type NotifyService, type NotifyServiceOptions } from './service.js';
