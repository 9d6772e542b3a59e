import { App, Button, Card, Empty, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import type { Delivery, InboxMessage } from '../../../src/api';
import { errorText, get, post } from './http';
import { useT } from './i18n';
import { clock, dateTime } from './incident-bits';


const COLOR: Record<Delivery['status'], string> = { sent: 'green', pending: 'blue', dead: 'red' };

/**
 * The notifications an incident caused; fetched again whenever `version` changes, and every
 * few seconds while any is still being sent (delivery records no event of its own).
 */
export function useDeliveries(incidentId: string, version: number): Delivery[] {
  const [list, setList] = useState<Delivery[]>([]);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let gone = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    get<Delivery[]>(`/api/incidents/${incidentId}/deliveries`).then(
      (x) => {
        if (gone) return;
        setList(x);
        if (x.some((m) => m.status === 'pending')) timer = setTimeout(() => setTick((n) => n + 1), 3_000);
      },
      () => !gone && setList([]),
    );
    return () => {
      gone = true;
      clearTimeout(timer);
    };
  }, [incidentId, version, tick]);
  return list;
}

/** Whether a summons reached its people: one tag per person and channel, every attempt in the tooltip. */
export function DeliveryTags({ messages }: { messages: readonly Delivery[] }) {
  const { t } = useT();
  if (!messages.length) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <Space size={2} wrap data-testid="deliveries">
      {messages.map((m) => (
        <Tooltip
          key={m.id}
          title={
            <div>
              <div>{m.recipient_name ?? m.recipient} · {t(`notify.channel.${m.channel}`)}</div>
              {m.tries.length === 0 && <div>{t('notify.noAttempt')}</div>}
              {m.tries.map((a) => (
                <div key={`${a.attempt}-${a.at}`}>
                  {clock(a.at)} #{a.attempt} {t(`notify.outcome.${a.outcome}`)}
                  {a.detail ? `: ${a.detail}` : ''}
                </div>
              ))}
            </div>
          }
        >
          <Tag color={COLOR[m.status]} data-testid={`delivery-${m.channel}-${m.status}`}>
            {m.kind === 'summons' ? '' : `${t(`notify.kind.${m.kind}`)} · `}
            {m.recipient === 'group' ? '' : `${m.recipient_name ?? ''} `}
            {t(`notify.channel.${m.channel}`)} {t(`notify.status.${m.status}`)}
          </Tag>
        </Tooltip>
      ))}
    </Space>
  );
}

/** The notifications of a summons: the summons itself, then its escalation when nobody acknowledged it. */
export function summonsDeliveries(all: readonly Delivery[], role: string): Delivery[] {
  return all.filter((m) => m.role === role && (m.event === 'summons_issued' || m.event === 'acknowledgement_overdue'));
}

/** The incident's other notifications (alerts, approval requests), one line per event. */
export function OtherDeliveries({ messages }: { messages: readonly Delivery[] }) {
  const { t } = useT();
  const others = messages.filter((m) => m.event !== 'summons_issued' && m.event !== 'acknowledgement_overdue');
  if (!others.length) return null;
  const byEvent = new Map<string, Delivery[]>();
  for (const m of others) {
    const key = `${m.source?.seq ?? ''}:${m.event}`;
    byEvent.set(key, [...(byEvent.get(key) ?? []), m]);
  }
  return (
    <Card size="small" title={t('notify.other')} style={{ marginTop: 16 }} data-testid="other-deliveries">
      {[...byEvent].map(([key, list]) => (
        <div key={key} style={{ marginBottom: 8 }}>
          <Typography.Text type="secondary">{clock(list[0]!.created_at)}</Typography.Text> {list[0]!.text}
          <div>
            <DeliveryTags messages={list} />
          </div>
        </div>
      ))}
    </Card>
  );
}

/** The dead-letter list for administrators: what was given up, why, every attempt, and a retry. */
export function DeadLetters() {
  const { t } = useT();
  const { message } = App.useApp();
  const [list, setList] = useState<Delivery[] | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      setList(await get<Delivery[]>('/api/admin/dead-letters'));
    } catch (err) {
      setList([]);
      void message.error(errorText(err, t));
    }
  }, [message, t]);
  useEffect(() => {
    void load();
  }, [load]);

  const retry = async (id: string) => {
    setBusy(id);
    try {
      await post(`/api/admin/dead-letters/${id}/retry`);
      void message.success(t('notify.retried'));
      await load();
    } catch (err) {
      void message.error(errorText(err, t));
    } finally {
      setBusy(null);
    }
  };

  if (list && !list.length) return <Empty description={t('notify.noDead')} data-testid="dead-letters-empty" />;
  return (
    <Table
      size="small"
      rowKey="id"
      loading={!list}
      dataSource={list ?? []}
      pagination={false}
      scroll={{ x: true }}
      data-testid="dead-letters"
      expandable={{
        expandedRowRender: (m) => (
          <div>
            <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>{m.text}</Typography.Paragraph>
            {m.tries.map((a) => (
              <div key={`${a.attempt}-${a.at}`}>
                {clock(a.at)} #{a.attempt} {t(`notify.outcome.${a.outcome}`)}
                {a.detail ? `: ${a.detail}` : ''}
              </div>
            ))}
          </div>
        ),
      }}
      columns={[
        { title: t('notify.created'), render: (_, m) => dateTime(m.created_at) },
        { title: t('notify.kind'), render: (_, m) => t(`notify.kind.${m.kind}`) },
        { title: t('notify.channel'), render: (_, m) => t(`notify.channel.${m.channel}`) },
        { title: t('notify.recipient'), render: (_, m) => [m.recipient === 'group' ? t('notify.group') : (m.recipient_name ?? m.recipient), m.address].filter(Boolean).join(' · ') },
        { title: t('notify.lastError'), render: (_, m) => <Typography.Text type="danger">{m.last_error}</Typography.Text> },
        {
          title: '',
          render: (_, m) => (
            <Button size="small" loading={busy === m.id} onClick={() => void retry(m.id)} data-testid={`retry-${m.id}`}>
              {t('notify.retry')}
            </Button>
          ),
        },
      ]}
    />
  );
}

const KIND_COLOR: Record<string, string> = { summons: 'red', alert: 'orange', approval_request: 'gold', case_deadline: 'blue', escalation: 'volcano' };

/** My in-app notifications, newest first: summons, alerts, approval requests, case deadlines. */
export function Inbox() {
  const { t } = useT();
  const [items, setItems] = useState<InboxMessage[] | null>(null);
  useEffect(() => {
    get<InboxMessage[]>('/api/my/inbox').then(setItems, () => setItems([]));
  }, []);
  if (!items?.length) return null;
  return (
    <Card size="small" title={t('notify.inbox')} style={{ marginTop: 16 }} data-testid="inbox">
      {items.map((m) => {
        const page = m.source?.id ? `/${m.source.stream === 'case' ? 'cases' : 'incidents'}/${m.source.id}` : null;
        return (
          <div key={m.id} style={{ marginBottom: 10 }} data-testid={`inbox-${m.kind}`}>
            <Tag color={KIND_COLOR[m.kind] ?? 'default'}>{t(`notify.kind.${m.kind}`)}</Tag>
            <Typography.Text type="secondary">{dateTime(m.created_at)}</Typography.Text>
            <div>{page ? <Link to={page}>{m.text}</Link> : m.text}</div>
          </div>
        );
      })}
    </Card>
  );
}
