import { createHmac } from 'node:crypto';
import { plainText, titleOf, truncateUtf8, type Channel, type ChannelResult, type Delivery } from './channel.js';
import { classifyStatus, isAnswer, postJson, type HttpAnswer } from './http.js';

/** A mainland mobile number, the form both robots can @-mention. */
const MOBILE = /^\+?(86)?1\d{10}$/;
const mobileOf = (address: string): string | null => (MOBILE.test(address) ? address.replace(/^\+?86/, '') : null);

/**
 * Reads a robot's answer: HTTP errors as usual, then the JSON `errcode` (0 = sent). Codes
 * in `retryable` are the robot's "busy" and rate-limit answers; any other code (bad
 * signature, bad key, keyword mismatch, bad message) would be refused again.
 */
function robotResult(answer: HttpAnswer, retryable: ReadonlySet<number>): ChannelResult {
  const http = classifyStatus(answer);
  if (!http.ok) return http;
  let reply: { errcode?: unknown; errmsg?: unknown };
  try {
    reply = JSON.parse(answer.text) as typeof reply;
  } catch {
    return { ok: false, retryable: true, reason: `unreadable answer: ${answer.text.slice(0, 200)}` };
  }
  const code = Number(reply.errcode ?? 0);
  if (code === 0) return { ok: true };
  return { ok: false, retryable: retryable.has(code), reason: `errcode ${code}: ${String(reply.errmsg ?? '')}` };
}

/** DingTalk's signature: base64 HmacSHA256 of `timestamp + "\n" + secret`, keyed by the secret. */
export function dingtalkSign(secret: string, timestamp: number | string): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
}

/** -1: system busy; 130101/130102: sending too fast. */
const DINGTALK_RETRYABLE = new Set([-1, 130101, 130102]);

export interface DingtalkOptions {
  /** The robot's webhook (`https://oapi.dingtalk.com/robot/send?access_token=…`). */
  url: string;
  /** The robot's signing secret (`SEC…`), when 加签 is on. */
  secret?: string;
  msgtype?: 'markdown' | 'text';
  timeoutMs?: number;
  clock?: () => number;
}

/** The JSON DingTalk's robot receives; a phone number as address is @-mentioned. */
export function dingtalkPayload(message: Delivery, msgtype: 'markdown' | 'text'): Record<string, unknown> {
  const mobile = mobileOf(message.address);
  const at = { atMobiles: mobile ? [mobile] : [], isAtAll: false };
  const mention = mobile ? `\n\n@${mobile}` : '';
  if (msgtype === 'text') return { msgtype, text: { content: plainText(message, true) + mention }, at };
  const title = titleOf(message);
  const link = message.body.link ? `\n\n[${message.body.link}](${message.body.link})` : '';
  const text = `### ${title}\n\n${message.body.text.replace(/\n/g, '\n\n')}${link}${mention}`;
  return { msgtype, markdown: { title, text: truncateUtf8(text, 18_000) }, at };
}

/**
 * DingTalk group robot: markdown (or text) messages; with a secret, each request carries
 * `timestamp` (ms) and `sign` query parameters.
 */
export function dingtalkChannel(opts: DingtalkOptions): Channel {
  const clock = opts.clock ?? Date.now;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const msgtype = opts.msgtype ?? 'markdown';
  return {
    name: 'dingtalk',
    async send(message, signal) {
      const url = new URL(opts.url);
      if (opts.secret) {
        const timestamp = String(clock());
        url.searchParams.set('timestamp', timestamp);
        url.searchParams.set('sign', dingtalkSign(opts.secret, timestamp));
      }
      const answer = await postJson(url, JSON.stringify(dingtalkPayload(message, msgtype)), {}, { signal, timeoutMs });
      return isAnswer(answer) ? robotResult(answer, DINGTALK_RETRYABLE) : answer;
    },
  };
}

/** -1: system busy; 45009: API frequency limit; 45033: too many concurrent calls. */
const WECOM_RETRYABLE = new Set([-1, 45009, 45033]);
/** WeCom's limit on a markdown message's content, bytes. */
const WECOM_MAX_BYTES = 4_096;

export interface WecomOptions {
  /** The robot's webhook (`https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…`). */
  url: string;
  msgtype?: 'markdown' | 'text';
  timeoutMs?: number;
}

/** The JSON WeCom's robot receives; `text` @-mentions a phone number given as address. */
export function wecomPayload(message: Delivery, msgtype: 'markdown' | 'text'): Record<string, unknown> {
  if (msgtype === 'text') {
    const mobile = mobileOf(message.address);
    return {
      msgtype,
      text: { content: truncateUtf8(plainText(message, true), 2_048), ...(mobile ? { mentioned_mobile_list: [mobile] } : {}) },
    };
  }
  const link = message.body.link ? `\n[${message.body.link}](${message.body.link})` : '';
  const content = `### ${titleOf(message)}\n${message.body.text}${link}`;
  return { msgtype, markdown: { content: truncateUtf8(content, WECOM_MAX_BYTES) } };
}

/** WeCom (企业微信) group robot: markdown (or text) messages to its webhook. */
export function wecomChannel(opts: WecomOptions): Channel {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const msgtype = opts.msgtype ?? 'markdown';
  return {
    name: 'wecom',
    async send(message, signal) {
      const answer = await postJson(opts.url, JSON.stringify(wecomPayload(message, msgtype)), {}, { signal, timeoutMs });
      return isAnswer(answer) ? robotResult(answer, WECOM_RETRYABLE) : answer;
    },
  };
}
