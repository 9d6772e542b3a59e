import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The cookie by which a browser that signed in before is recognised at sign-in. */
export const DEVICE_COOKIE = 'yingji_device';
/** How long a device stays known after its last sign-in, ms. */
export const DEVICE_TTL = 90 * 24 * 60 * 60_000;

/**
 * Device cookies ("this browser signed in as this user before"): `id.mac`, the MAC binding a
 * random id to the user name under a key of this process. A valid one lets the sign-in limits
 * judge the device by its own failures only, so an attacker guessing the same name, even from
 * the same address, cannot keep the real person out. The cookie proves nothing else: it is no
 * session and no password. Another process (or a restart) does not know the key; the browser
 * then counts as unknown until its next sign-in.
 */
export class DeviceTokens {
  constructor(private readonly key: Buffer = randomBytes(32)) {}

  private mac(id: string, username: string): Buffer {
    return createHmac('sha256', this.key).update(`${id}\u0000${username}`).digest();
  }

  /** A new token for the user name. */
  issue(username: string): string {
    const id = randomBytes(16).toString('base64url');
    return `${id}.${this.mac(id, username).toString('base64url')}`;
  }

  /** The device id when the token is valid for this user name, else null. */
  verify(token: string | undefined, username: string): string | null {
    if (!token || token.length > 200) return null;
    const [id, mac, extra] = token.split('.');
    if (!id || !mac || extra !== undefined) return null;
    const given = Buffer.from(mac, 'base64url');
    const expected = this.mac(id, username);
    return given.length === expected.length && timingSafeEqual(given, expected) ? id : null;
  }
}
