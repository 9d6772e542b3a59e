import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { PersonalData } from '../api/cases.js';

/** The petitioner's personal data, whose shape the API defines; sealed here. */
export type { PersonalData };

export const isEmptyPersonal = (p: PersonalData | undefined): boolean => !p || (!p.name && !p.phone && !p.representatives?.length);

/**
 * Seals personal data with AES-256-GCM under the deployment's key. The text is
 * base64(iv | tag | ciphertext); a fresh 12-byte IV per seal; the case id is bound as
 * associated data, so sealed data moved to another case does not open.
 */
export class Sealer {
  private readonly key: Buffer;

  constructor(key: string | Buffer) {
    this.key = typeof key === 'string' ? parseKey(key) : key;
    if (this.key.length !== 32) throw new Error('the personal data key must be 32 bytes');
  }

  seal(caseId: string, data: PersonalData): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(caseId));
    const body = Buffer.concat([cipher.update(JSON.stringify(data), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  open(caseId: string, sealed: string): PersonalData {
    const raw = Buffer.from(sealed, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(caseId));
    decipher.setAuthTag(raw.subarray(12, 28));
    const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    return PersonalData.parse(JSON.parse(text));
  }

  /** A fingerprint of the key, to show which key a deployment runs with without revealing it. */
  get fingerprint(): string {
    return createHash('sha256').update(this.key).digest('hex').slice(0, 12);
  }
}

/** A key as 64 hex characters or base64 of 32 bytes. */
export function parseKey(text: string): Buffer {
  const t = text.trim();
  return /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
}

export const newKey = (): string => randomBytes(32).toString('base64');
