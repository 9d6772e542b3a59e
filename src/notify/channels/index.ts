import type { NotifyConfig } from '../notify.config.js';
import type { Channels, Delivery } from './channel.js';
import { emailChannel } from './email.channel.js';
import { inAppChannel } from './in-app.channel.js';
import { dingtalkChannel, wecomChannel } from './robots.channel.js';
import { HttpSmsGateway, smsChannel } from './sms.channel.js';
import { webhookChannel } from './webhook.channel.js';

export * from './channel.js';
export { emailChannel, classifySmtpError, messageIdOf } from './email.channel.js';
export { inAppChannel } from './in-app.channel.js';
export { dingtalkChannel, dingtalkPayload, dingtalkSign, wecomChannel, wecomPayload } from './robots.channel.js';
export { HttpSmsGateway, smsChannel, type SmsMessage, type SmsProvider } from './sms.channel.js';
export { signWebhook, verifyWebhook, webhookChannel, webhookPayload } from './webhook.channel.js';

/**
 * The channels a deployment configured: in-app always, each other channel only when its
 * settings are present. The caller closes them (`closeChannels`) at shutdown.
 */
export function channelsFromConfig(config: NotifyConfig, onInApp?: (message: Delivery) => void): Channels {
  const { timeoutMs } = config;
  const channels: Channels = { in_app: inAppChannel(onInApp) };
  if (config.webhook) channels.webhook = webhookChannel({ ...config.webhook, timeoutMs });
  if (config.dingtalk) channels.dingtalk = dingtalkChannel({ ...config.dingtalk, timeoutMs });
  if (config.wecom) channels.wecom = wecomChannel({ ...config.wecom, timeoutMs });
  if (config.smtp) channels.email = emailChannel({ ...config.smtp, timeoutMs });
  if (config.sms) channels.sms = smsChannel(new HttpSmsGateway({ ...config.sms, timeoutMs }));
  return channels;
}

/** Closes every channel that holds connections. */
export async function closeChannels(channels: Channels): Promise<void> {
  await Promise.all(Object.values(channels).map((c) => c?.close?.()));
}
