import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readConfig } from '../server/config.js';
import {
  channelsFromConfig,
  dingtalkChannel,
  emailChannel,
  HttpSmsGateway,
  inAppChannel,
  messageIdOf,
  signWebhook,
  smsChannel,
  verifyWebhook,
  webhookChannel,
  wecomChannel,
  type Delivery,
} from './channels/index.js';
import { HttpReceiver, SmtpReceiver, type Reply } from './test-support/receivers.js';

const SECRET = 'webhook-secret-0123456789';
const live = () => new AbortController().signal;

function message(over: Partial<Delivery> = {}): Delivery {
  return {
    id: 'm1',
    idempotencyKey: 'summons:inc-1:3:person-7:x',
    recipient: 'person-7',
    address: '13800138000',
    subject: '到场通知 §5.2',
    body: { kind: 'summons', text: '塘沟镇主要负责人：请于 10:04 前到达省巡视组驻地。', link: 'https://yingji.example/a/tok', data: { incident: 'inc-1' } },
    attempt: 1,
    source: { stream: 'incident', id: 'inc-1', seq: 3 },
    ...over,
  };
}

describe('generic webhook', () => {
  let receiver: HttpReceiver;
  beforeEach(async () => {
    receiver = await HttpReceiver.start();
  });
  afterEach(() => receiver.down());

  it('posts the message as JSON, signed over timestamp.body, with its idempotency key', async () => {
    const channel = webhookChannel({ url: receiver.url(), secret: SECRET });
    expect(await channel.send(message(), live())).toEqual({ ok: true });
    const [req] = receiver.requests;
    expect(req!.method).toBe('POST');
    expect(req!.headers['content-type']).toMatch(/^application\/json/);
    expect(req!.headers['idempotency-key']).toBe('summons:inc-1:3:person-7:x');
    const ts = String(req!.headers['x-yingji-timestamp']);
    const sig = String(req!.headers['x-yingji-signature']);
    // The receiver's own computation, independent of signWebhook.
    expect(sig).toBe(`sha256=${createHmac('sha256', SECRET).update(`${ts}.${req!.body}`).digest('hex')}`);
    expect(verifyWebhook({ secret: SECRET, timestamp: ts, signature: sig, body: req!.body, now: req!.at })).toEqual({ ok: true });
    expect(JSON.parse(req!.body)).toEqual({
      id: 'summons:inc-1:3:person-7:x',
      kind: 'summons',
      recipient: 'person-7',
      address: '13800138000',
      subject: '到场通知 §5.2',
      text: '塘沟镇主要负责人：请于 10:04 前到达省巡视组驻地。',
      link: 'https://yingji.example/a/tok',
      data: { incident: 'inc-1' },
      source: { stream: 'incident', id: 'inc-1', seq: 3 },
    });
  });

  it('lets a receiver refuse a tampered body, another secret, and a replay outside the window', () => {
    const body = '{"id":"k"}';
    const ts = '1772413200000';
    const sig = signWebhook(SECRET, ts, body);
    const now = Number(ts) + 1_000;
    expect(verifyWebhook({ secret: SECRET, timestamp: ts, signature: sig, body, now })).toEqual({ ok: true });
    expect(verifyWebhook({ secret: SECRET, timestamp: ts, signature: sig, body: '{"id":"K"}', now })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyWebhook({ secret: 'another-secret-0123456789', timestamp: ts, signature: sig, body, now })).toEqual({ ok: false, reason: 'bad_signature' });
    // The timestamp is signed: moving it forward breaks the signature, keeping it makes it stale.
    expect(verifyWebhook({ secret: SECRET, timestamp: String(now + 3_600_000), signature: sig, body, now: now + 3_600_000 })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyWebhook({ secret: SECRET, timestamp: ts, signature: sig, body, now: now + 3_600_000 })).toEqual({ ok: false, reason: 'stale' });
    expect(verifyWebhook({ secret: SECRET, timestamp: undefined, signature: sig, body, now })).toEqual({ ok: false, reason: 'missing' });
  });

  it('classifies answers: 4xx final, 408/429/5xx retryable with Retry-After, network errors and timeouts retryable', async () => {
    // A timeout well above a local answer on a busy machine, and a late answer well above it.
    const channel = webhookChannel({ url: receiver.url(), secret: SECRET, timeoutMs: 2_000 });
    const answer = async (reply: Reply) => {
      receiver.reply = () => reply;
      return channel.send(message(), live());
    };
    expect(await answer({ status: 400, body: 'bad payload' })).toEqual({ ok: false, retryable: false, reason: 'HTTP 400: bad payload' });
    expect(await answer({ status: 401 })).toMatchObject({ ok: false, retryable: false });
    expect(await answer({ status: 404 })).toMatchObject({ ok: false, retryable: false });
    expect(await answer({ status: 408 })).toMatchObject({ ok: false, retryable: true });
    expect(await answer({ status: 429, headers: { 'retry-after': '7' } })).toMatchObject({ ok: false, retryable: true, retryAfterMs: 7_000 });
    expect(await answer({ status: 503 })).toMatchObject({ ok: false, retryable: true, reason: expect.stringMatching(/^HTTP 503/) });
    expect(await answer({ status: 302, headers: { location: 'http://elsewhere/' } })).toMatchObject({ ok: false, retryable: false });
    expect(await answer({ status: 200, delayMs: 6_000 })).toEqual({ ok: false, retryable: true, reason: 'timeout after 2000 ms' });
    await receiver.down();
    expect(await channel.send(message(), live())).toMatchObject({ ok: false, retryable: true, reason: expect.stringMatching(/^network: /) });
    // Nobody listening at all.
    expect(await channel.send(message(), live())).toMatchObject({ ok: false, retryable: true, reason: expect.stringMatching(/^network: .*ECONNREFUSED/) });
  });

  it('stops when its signal aborts', async () => {
    receiver.reply = () => ({ status: 200, delayMs: 8_000 });
    const ctl = new AbortController();
    const sending = webhookChannel({ url: receiver.url(), secret: SECRET }).send(message(), ctl.signal);
    setTimeout(() => ctl.abort(), 50);
    expect(await sending).toEqual({ ok: false, retryable: true, reason: 'aborted: the dispatcher is stopping' });
  });
});

describe('DingTalk robot', () => {
  let receiver: HttpReceiver;
  const secret = 'SECa1b2c3d4e5f6';
  beforeEach(async () => {
    receiver = await HttpReceiver.start();
    receiver.reply = () => ({ status: 200, body: { errcode: 0, errmsg: 'ok' } });
  });
  afterEach(() => receiver.down());

  it('signs with timestamp + "\\n" + secret (HmacSHA256, base64, urlencoded) and sends markdown that @-mentions the phone', async () => {
    const channel = dingtalkChannel({ url: `${receiver.url('/robot/send')}?access_token=abc`, secret, clock: () => 1_772_413_200_000 });
    expect(await channel.send(message(), live())).toEqual({ ok: true });
    const [req] = receiver.requests;
    expect(req!.url.pathname).toBe('/robot/send');
    expect(req!.url.searchParams.get('access_token')).toBe('abc');
    expect(req!.url.searchParams.get('timestamp')).toBe('1772413200000');
    const expected = createHmac('sha256', secret).update(`1772413200000\n${secret}`).digest('base64');
    expect(req!.url.searchParams.get('sign')).toBe(expected);
    // On the wire the base64 is urlencoded (+ / = escaped).
    expect(req!.url.search).toContain(`sign=${encodeURIComponent(expected)}`);
    const body = JSON.parse(req!.body);
    expect(body).toMatchObject({ msgtype: 'markdown', markdown: { title: '到场通知 §5.2' }, at: { atMobiles: ['13800138000'], isAtAll: false } });
    expect(body.markdown.text).toContain('### 到场通知 §5.2');
    expect(body.markdown.text).toContain('塘沟镇主要负责人');
    expect(body.markdown.text).toContain('(https://yingji.example/a/tok)');
    expect(body.markdown.text).toContain('@13800138000');
  });

  it('sends text when configured, and needs no signature without a secret', async () => {
    const channel = dingtalkChannel({ url: receiver.url('/robot/send?access_token=abc'), msgtype: 'text' });
    await channel.send(message({ address: '' }), live());
    const [req] = receiver.requests;
    expect(req!.url.searchParams.has('sign')).toBe(false);
    expect(JSON.parse(req!.body)).toEqual({
      msgtype: 'text',
      text: { content: '【到场通知 §5.2】塘沟镇主要负责人：请于 10:04 前到达省巡视组驻地。\nhttps://yingji.example/a/tok' },
      at: { atMobiles: [], isAtAll: false },
    });
  });

  it('reads errcode: a bad signature is final, sending too fast is retried', async () => {
    const channel = dingtalkChannel({ url: receiver.url('/robot/send?access_token=abc'), secret });
    receiver.reply = () => ({ status: 200, body: { errcode: 310000, errmsg: 'sign not match' } });
    expect(await channel.send(message(), live())).toEqual({ ok: false, retryable: false, reason: 'errcode 310000: sign not match' });
    receiver.reply = () => ({ status: 200, body: { errcode: 130101, errmsg: 'send too fast' } });
    expect(await channel.send(message(), live())).toMatchObject({ ok: false, retryable: true });
    receiver.reply = () => ({ status: 502 });
    expect(await channel.send(message(), live())).toMatchObject({ ok: false, retryable: true });
  });
});

describe('WeCom robot', () => {
  let receiver: HttpReceiver;
  beforeEach(async () => {
    receiver = await HttpReceiver.start();
    receiver.reply = () => ({ status: 200, body: { errcode: 0, errmsg: 'ok' } });
  });
  afterEach(() => receiver.down());

  it('sends markdown content to the webhook with its key', async () => {
    const channel = wecomChannel({ url: receiver.url('/cgi-bin/webhook/send?key=k-1') });
    expect(await channel.send(message(), live())).toEqual({ ok: true });
    const [req] = receiver.requests;
    expect(req!.url.searchParams.get('key')).toBe('k-1');
    expect(JSON.parse(req!.body)).toEqual({
      msgtype: 'markdown',
      markdown: { content: '### 到场通知 §5.2\n塘沟镇主要负责人：请于 10:04 前到达省巡视组驻地。\n[https://yingji.example/a/tok](https://yingji.example/a/tok)' },
    });
  });

  it('keeps markdown within 4096 bytes of UTF-8, and mentions the phone in text messages', async () => {
    const long = message({ body: { kind: 'alert', text: '情况'.repeat(2_000) } });
    await wecomChannel({ url: receiver.url() }).send(long, live());
    const content = JSON.parse(receiver.requests[0]!.body).markdown.content as string;
    expect(Buffer.byteLength(content)).toBeLessThanOrEqual(4_096);
    expect(content.endsWith('…')).toBe(true);
    await wecomChannel({ url: receiver.url(), msgtype: 'text' }).send(message(), live());
    expect(JSON.parse(receiver.requests[1]!.body).text.mentioned_mobile_list).toEqual(['13800138000']);
  });

  it('reads errcode: an invalid key is final, the frequency limit is retried', async () => {
    const channel = wecomChannel({ url: receiver.url() });
    receiver.reply = () => ({ status: 200, body: { errcode: 93000, errmsg: 'invalid webhook url' } });
    expect(await channel.send(message(), live())).toMatchObject({ ok: false, retryable: false, reason: 'errcode 93000: invalid webhook url' });
    receiver.reply = () => ({ status: 200, body: { errcode: 45009, errmsg: 'api freq out of limit' } });
    expect(await channel.send(message(), live())).toMatchObject({ ok: false, retryable: true });
  });
});

describe('SMS through the HTTP gateway', () => {
  let receiver: HttpReceiver;
  beforeEach(async () => {
    receiver = await HttpReceiver.start();
    receiver.reply = () => ({ status: 202, body: { id: 'gw-42' } });
  });
  afterEach(() => receiver.down());

  it('posts {to, text, id} with the bearer token and keeps the gateway id', async () => {
    const channel = smsChannel(new HttpSmsGateway({ url: receiver.url('/sms'), token: 'sms-token' }));
    expect(await channel.send(message({ address: '138-0013-8000' }), live())).toEqual({ ok: true, id: 'gw-42' });
    const [req] = receiver.requests;
    expect(req!.headers.authorization).toBe('Bearer sms-token');
    expect(JSON.parse(req!.body)).toEqual({
      to: '13800138000',
      text: '【到场通知 §5.2】塘沟镇主要负责人：请于 10:04 前到达省巡视组驻地。\nhttps://yingji.example/a/tok',
      id: 'summons:inc-1:3:person-7:x',
    });
  });

  it('cuts a long text but keeps its link, refuses non-numbers without a request, and classifies the gateway', async () => {
    const channel = smsChannel(new HttpSmsGateway({ url: receiver.url('/sms'), token: 'sms-token' }));
    await channel.send(message({ body: { kind: 'alert', text: '很长'.repeat(400), link: 'https://y.example/a/t' } }), live());
    const text = JSON.parse(receiver.requests[0]!.body).text as string;
    expect(text.length).toBeLessThanOrEqual(500);
    expect(text.endsWith('\nhttps://y.example/a/t')).toBe(true);
    expect(await channel.send(message({ address: 'nobody@example.org' }), live())).toMatchObject({ ok: false, retryable: false });
    expect(receiver.requests).toHaveLength(1);
    receiver.reply = () => ({ status: 401 });
    expect(await channel.send(message(), live())).toMatchObject({ ok: false, retryable: false, reason: 'HTTP 401' });
    receiver.reply = () => ({ status: 500 });
    expect(await channel.send(message(), live())).toMatchObject({ ok: false, retryable: true });
  });
});

describe('e-mail over SMTP', () => {
  let smtp: SmtpReceiver;
  beforeEach(async () => {
    smtp = await SmtpReceiver.start();
  });
  afterEach(() => smtp.close());

  it('delivers the message with a Message-ID derived from its idempotency key', async () => {
    const channel = emailChannel({ url: smtp.url(), from: '"应急 Yingji" <yingji@county.example>' });
    const result = await channel.send(message({ address: 'principal@tanggou.example' }), live());
    expect(result).toEqual({ ok: true, id: messageIdOf('summons:inc-1:3:person-7:x', 'yingji@county.example') });
    const [mail] = smtp.messages;
    expect(mail!.subject).toBe('到场通知 §5.2');
    expect(mail!.from?.value[0]).toMatchObject({ address: 'yingji@county.example', name: '应急 Yingji' });
    expect(mail!.to && !Array.isArray(mail!.to) ? mail!.to.value[0]!.address : null).toBe('principal@tanggou.example');
    expect(mail!.text?.trim()).toBe('塘沟镇主要负责人：请于 10:04 前到达省巡视组驻地。\nhttps://yingji.example/a/tok');
    expect(mail!.messageId).toBe(messageIdOf('summons:inc-1:3:person-7:x', 'yingji@county.example'));
    expect(mail!.headers.get('x-yingji-idempotency-key')).toBe('summons:inc-1:3:person-7:x');
    await channel.close?.();
  });

  it('treats a permanent refusal as final and a temporary one, or a server that is down, as retryable', async () => {
    const channel = emailChannel({ url: smtp.url(), from: 'yingji@county.example', timeoutMs: 2_000 });
    smtp.refuse = (to) => (to.startsWith('gone') ? { code: 550, text: 'no such user' } : { code: 451, text: 'try again later' });
    expect(await channel.send(message({ address: 'gone@tanggou.example' }), live())).toMatchObject({ ok: false, retryable: false, reason: expect.stringContaining('550') });
    expect(await channel.send(message({ address: 'busy@tanggou.example' }), live())).toMatchObject({ ok: false, retryable: true, reason: expect.stringContaining('451') });
    expect(await channel.send(message({ address: '13800138000' }), live())).toMatchObject({ ok: false, retryable: false });
    await smtp.close();
    expect(await channel.send(message({ address: 'principal@tanggou.example' }), live())).toMatchObject({ ok: false, retryable: true });
    smtp = await SmtpReceiver.start(); // for afterEach
  });
});

describe('channels from the configuration', () => {
  it('always has in-app, and each other channel only when configured', async () => {
    const none = readConfig({}, {});
    if ('errors' in none) throw new Error(none.errors.join('; '));
    expect(Object.keys(channelsFromConfig(none.config.notify))).toEqual(['in_app']);
    expect(none.config.notify.retry).toEqual({ baseMs: 5_000, factor: 2, maxAttempts: 8, maxDelayMs: 1_800_000 });

    const all = readConfig(
      {},
      {
        YINGJI_WEBHOOK_URL: 'https://hooks.example/yingji',
        YINGJI_WEBHOOK_SECRET: SECRET,
        YINGJI_DINGTALK_WEBHOOK: 'https://oapi.dingtalk.com/robot/send?access_token=x',
        YINGJI_DINGTALK_SECRET: 'SECxyz',
        YINGJI_WECOM_WEBHOOK: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=y',
        YINGJI_SMTP_URL: 'smtp://mail.example:587',
        YINGJI_SMTP_FROM: 'yingji@county.example',
        YINGJI_SMS_URL: 'https://sms.example/send',
        YINGJI_SMS_TOKEN: 't',
        YINGJI_LINK_KEY: 'k'.repeat(32),
        YINGJI_NOTIFY_MAX_ATTEMPTS: '5',
        YINGJI_NOTIFY_RETRY_BASE_MS: '1000',
      },
    );
    if ('errors' in all) throw new Error(all.errors.join('; '));
    const channels = channelsFromConfig(all.config.notify);
    expect(Object.keys(channels).sort()).toEqual(['dingtalk', 'email', 'in_app', 'sms', 'webhook', 'wecom']);
    expect(all.config.notify.retry).toMatchObject({ maxAttempts: 5, baseMs: 1_000 });
    await channels.email?.close?.();
  });

  it('reports every half-configured channel at once', () => {
    const read = readConfig(
      {},
      { YINGJI_WEBHOOK_URL: 'https://hooks.example/yingji', YINGJI_SMTP_URL: 'http://not-smtp', YINGJI_SMS_TOKEN: 't', YINGJI_LINK_KEY: 'short' },
    );
    expect('errors' in read && read.errors).toEqual([
      expect.stringMatching(/^notify\.webhook\.secret: /),
      expect.stringMatching(/^notify\.smtp\.url: expected smtp/),
      expect.stringMatching(/^notify\.smtp\.from: /),
      expect.stringMatching(/^notify\.sms\.url: /),
      expect.stringMatching(/^notify\.linkKey: YINGJI_LINK_KEY must have at least 32/),
    ]);
  });

  it('in-app delivers by telling the listener', async () => {
    const seen: string[] = [];
    const channel = inAppChannel((m) => seen.push(m.recipient));
    expect(await channel.send(message(), live())).toEqual({ ok: true });
    expect(seen).toEqual(['person-7']);
  });
});
