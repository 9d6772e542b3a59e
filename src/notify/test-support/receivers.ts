import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';

/** One request a receiver got. */
export interface ReceivedRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: string;
  /** The receiver's clock when it arrived. */
  at: number;
}

/** What a receiver answers; `delayMs` holds the answer back (to make the sender time out). */
export interface Reply {
  status: number;
  body?: string | object;
  headers?: Record<string, string>;
  delayMs?: number;
}

/**
 * A local HTTP server standing in for a webhook, robot or SMS gateway. `reply` decides each
 * answer; `accepted` counts, per idempotency key, the requests answered 2xx, which is what a
 * receiver acts on. `down()` stops listening (connections are refused) and `up()` listens
 * again on the same port.
 */
export class HttpReceiver {
  readonly requests: ReceivedRequest[] = [];
  readonly accepted = new Map<string, number>();
  reply: (req: ReceivedRequest) => Reply = () => ({ status: 200, body: { ok: true } });
  /** Which request header names the message's key (the robots have none: the body is used). */
  keyOf: (req: ReceivedRequest) => string = (req) => String(req.headers['idempotency-key'] ?? req.body);
  private server: Server;
  private readonly sockets = new Set<Socket>();
  private port = 0;

  private constructor() {
    this.server = this.makeServer();
  }

  static async start(): Promise<HttpReceiver> {
    const r = new HttpReceiver();
    await r.up();
    return r;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Keys received more than once with a 2xx answer. */
  duplicates(): string[] {
    return [...this.accepted].filter(([, n]) => n > 1).map(([k]) => k);
  }

  async up(): Promise<void> {
    if (this.server.listening) return;
    this.server = this.makeServer();
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
  }

  async down(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await closed;
  }

  private makeServer(): Server {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const received: ReceivedRequest = {
          method: req.method ?? '',
          url: new URL(req.url ?? '/', 'http://127.0.0.1'),
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          at: Date.now(),
        };
        this.requests.push(received);
        const reply = this.reply(received);
        const send = () => {
          if (res.destroyed) return;
          if (reply.status >= 200 && reply.status < 300) {
            const key = this.keyOf(received);
            this.accepted.set(key, (this.accepted.get(key) ?? 0) + 1);
          }
          const body = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
          res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
          res.end(body);
        };
        if (reply.delayMs) setTimeout(send, reply.delayMs);
        else send();
      });
    });
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    return server;
  }
}

/** A local SMTP server (smtp-server) that keeps every message, parsed (mailparser). */
export class SmtpReceiver {
  readonly messages: ParsedMail[] = [];
  /** Answers RCPT TO: null accepts, or an SMTP code and text refuses. */
  refuse: (to: string) => { code: number; text: string } | null = () => null;
  private constructor(private readonly server: SMTPServer, readonly port: number) {}

  static async start(): Promise<SmtpReceiver> {
    let self: SmtpReceiver | null = null;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo(address, _session, callback) {
        const refused = self?.refuse(address.address);
        if (!refused) return callback();
        const err = Object.assign(new Error(refused.text), { responseCode: refused.code });
        callback(err);
      },
      onData(stream: SMTPServerDataStream, _session, callback) {
        simpleParser(stream).then(
          (mail) => {
            self?.messages.push(mail);
            callback();
          },
          (err: Error) => callback(err),
        );
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const port = (server.server.address() as AddressInfo).port;
    self = new SmtpReceiver(server, port);
    return self;
  }

  url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
