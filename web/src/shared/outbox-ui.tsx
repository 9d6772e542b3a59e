import { Alert, App, Button, Drawer, List, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { errorText } from './http';
import { useT } from './i18n';
import { live } from './live';
import { OUTBOX_LIMIT, OutboxFull, outbox, useOutbox, type Queued } from './outbox';
import { usePlan } from './plan-context';
import type { Incident } from '../../../src/api';

/** The phone's clock time of a queued command, HH:mm:ss in the county's zone as the phone shows it. */
const madeClock = (iso: string) => new Date(iso).toLocaleTimeString('zh-CN', { hour12: false });

/** A queued command in words: what, and its value or text. */
export function QueuedLabel({ item }: { item: Queued }) {
  const { t, lang } = useT();
  const { venue, role } = usePlan();
  const b = item.body;
  const what = t(`command.${String(b.do ?? 'report')}`);
  const detail =
    b.do === undefined || b.do === 'report'
      ? `${venue(String(b.venue), lang)} · ${String(b.headcount)}${t('common.people')}`
      : b.do === 'headcount'
        ? `${String(b.value)}${t('common.people')}`
        : b.do === 'note'
          ? String(b.text)
          : typeof b.role === 'string'
            ? role(b.role, lang)
            : '';
  return (
    <span>
      <Tag>{what}</Tag>
      {detail}
    </span>
  );
}

/** Queued commands (all of the user's, or one incident's), each with its state; a rejected one says why until dismissed. */
export function OutboxList({ incident, testid = 'outbox-list' }: { incident?: string; testid?: string }) {
  const { t } = useT();
  const { items } = useOutbox();
  const shown = incident === undefined ? items : items.filter((x) => x.incident === incident);
  if (!shown.length) return null;
  return (
    <List
      size="small"
      data-testid={testid}
      dataSource={shown}
      renderItem={(item) => (
        <List.Item
          data-testid={item.state === 'rejected' ? 'outbox-rejected' : 'outbox-waiting'}
          actions={item.state === 'rejected' ? [<Button key="ok" size="small" onClick={() => void outbox.dismiss(item.seq!)} data-testid="outbox-dismiss">{t('outbox.dismiss')}</Button>] : []}
        >
          <Space direction="vertical" size={0}>
            <span>
              {item.state === 'rejected' ? <Tag color="red">{t('outbox.rejected')}</Tag> : <Tag color="orange">{t('outbox.waiting')}</Tag>}
              <QueuedLabel item={item} />
            </span>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('outbox.madeOn', { time: madeClock(item.made_at) })}
            </Typography.Text>
            {item.state === 'rejected' && (
              <Typography.Text type="danger" style={{ fontSize: 12 }}>
                {item.code === 'report_rejected' ? t('outbox.report_rejected') : item.code && t(`rejection.${item.code}`) !== `rejection.${item.code}` ? t(`rejection.${item.code}`) : item.error}
              </Typography.Text>
            )}
          </Space>
        </List.Item>
      )}
    />
  );
}

/**
 * A bar under the header while anything waits on this phone: how many wait to be sent (and
 * how many were rejected), opening the list. Under the header, not in it: on a phone the
 * header is full, and this must be seen.
 */
export function OutboxBadge() {
  const { t } = useT();
  const { items } = useOutbox();
  const [open, setOpen] = useState(false);
  if (!items.length) return null;
  const rejected = items.filter((x) => x.state === 'rejected').length;
  return (
    <>
      <button type="button" className={`outbox-bar${rejected ? ' outbox-bar-rejected' : ''}`} onClick={() => setOpen(true)} data-testid="outbox-bar">
        <span data-testid="outbox-count">{t('outbox.count', { n: items.length - rejected })}</span>
        {rejected > 0 && <span data-testid="outbox-rejected-count"> · {t('outbox.rejected')} {rejected}</span>}
      </button>
      <Drawer open={open} onClose={() => setOpen(false)} title={t('outbox.title')} placement="bottom" height="70%" data-testid="outbox-drawer">
        <Typography.Paragraph type="secondary">{t('outbox.explain', { n: OUTBOX_LIMIT })}</Typography.Paragraph>
        <Button size="small" onClick={() => void outbox.flush()} style={{ marginBottom: 8 }}>
          {t('outbox.sendNow')}
        </Button>
        <OutboxList />
      </Drawer>
    </>
  );
}

/** The session expired with commands waiting: they stay; signing in again sends them. */
export function OutboxSignIn({ onSignIn }: { onSignIn: () => void }) {
  const { t } = useT();
  const { signIn } = useOutbox();
  if (!signIn) return null;
  return (
    <Alert
      banner
      type="error"
      message={t('outbox.signIn')}
      action={
        <Button size="small" onClick={onSignIn} data-testid="outbox-sign-in">
          {t('outbox.signInButton')}
        </Button>
      }
      data-testid="outbox-session"
    />
  );
}

/**
 * Sending a command through the phone's queue, for the screens: a view that went through goes
 * on the board; a queued one is said to wait; a refusal or a full queue is said as an error.
 * Resolves to the view or the queued command, or null when refused.
 */
export function useSendCommand() {
  const { t } = useT();
  const { message } = App.useApp();
  return async (incident: string | null, body: Record<string, unknown>): Promise<{ view: Incident } | { queued: Queued } | null> => {
    try {
      const r = await outbox.submit(incident, body);
      if ('queued' in r) {
        message.info(t('outbox.queued'));
        return r;
      }
      live.put(r.sent);
      return { view: r.sent };
    } catch (err) {
      message.error(err instanceof OutboxFull ? t('outbox.full', { n: OUTBOX_LIMIT }) : `${t('action.rejected')}: ${errorText(err, t)}`, 6);
      return null;
    }
  };
}

/** Incidents reported on this phone without a connection, on the board until their reports are through. */
export function PendingReports() {
  const { t, lang } = useT();
  const { venue } = usePlan();
  const { items } = useOutbox();
  const reports = items.filter((x) => x.incident === null);
  if (!reports.length) return null;
  return (
    <Space direction="vertical" style={{ width: '100%', marginBottom: 8 }} data-testid="pending-reports">
      {reports.map((r) => (
        <Alert
          key={r.key}
          type={r.state === 'rejected' ? 'error' : 'warning'}
          showIcon
          message={
            <Link to={`/pending/${r.key}`} data-testid="pending-report">
              {venue(String(r.body.venue), lang)} · {String(r.body.headcount)}
              {t('common.people')} · {r.state === 'rejected' ? t('outbox.rejected') : t('outbox.waiting')}
            </Link>
          }
          description={t('outbox.madeOn', { time: madeClock(r.made_at) })}
        />
      ))}
    </Space>
  );
}
