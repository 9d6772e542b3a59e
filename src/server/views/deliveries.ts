import type { NotificationBody } from '../../notify/channels/channel.js';
import type { DeliveryAttemptRow, OutboxRow } from '../../store/schema.js';

/*
 * Notifications as the API shows them (inbox, an incident's deliveries, the dead letters),
 * built without the request: the web reads these return types through `src/api`.
 */

/**
 * An outbox row as the API shows it; addresses (phones, e-mails) only to administrators.
 * `names` gives recipients' names; `hide` is the visibility policy's withholding of what the
 * reader may not read, applied to the texts (kept out of this module, which the web's types reach).
 */
export function messageView(m: OutboxRow, t: (ms: number) => string, names: ReadonlyMap<string, string>, admin: boolean, hide: (text: string) => string) {
  const body = JSON.parse(m.body) as NotificationBody;
  return {
    id: m.id,
    kind: body.kind,
    channel: m.channel,
    recipient: m.recipient,
    recipient_name: names.get(m.recipient) ?? null,
    ...(admin ? { address: m.address } : {}),
    subject: m.subject === null ? null : hide(m.subject),
    text: hide(body.text),
    role: typeof body.data?.role === 'string' ? body.data.role : null,
    event: typeof body.data?.event === 'string' ? body.data.event : null,
    source: m.source_stream ? { stream: m.source_stream, id: m.source_id, seq: m.source_seq === null ? null : Number(m.source_seq) } : null,
    status: m.status,
    attempts: Number(m.attempts),
    last_error: m.last_error,
    created_at: t(Number(m.created_at)),
    sent_at: m.sent_at === null ? null : t(Number(m.sent_at)),
  };
}

/** A message with every attempt to deliver it, oldest first: whether a summons reached its people. */
export function deliveryView(m: OutboxRow, t: (ms: number) => string, attempts: readonly DeliveryAttemptRow[], names: ReadonlyMap<string, string>, admin: boolean, hide: (text: string) => string) {
  return {
    ...messageView(m, t, names, admin, hide),
    tries: attempts.map((a) => ({ attempt: Number(a.attempt), at: t(Number(a.at)), outcome: a.outcome, detail: a.detail, external_id: a.external_id })),
  };
}

/** One notification and its delivery attempts (`GET /api/incidents/:id/deliveries`, `GET /api/admin/dead-letters`). */
export type Delivery = ReturnType<typeof deliveryView>;
/** One in-app notification of `GET /api/my/inbox`, with the acknowledgement link it carries. */
export type InboxMessage = ReturnType<typeof messageView> & { link?: string };
