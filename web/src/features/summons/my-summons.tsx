import { Alert, App, Button, Card, Empty, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { errorText } from '../../shared/http';
import { OUTBOX_LIMIT, OutboxFull, outbox, useOutbox } from '../../shared/outbox';
import { OutboxList } from '../../shared/outbox-ui';
import { Countdown } from '../../shared/countdown';
import { Inbox } from '../../shared/deliveries';
import { clock, MatterText, SummonsStatus } from '../../shared/incident-bits';
import { useT } from '../../shared/i18n';
import { live, useLiveList } from '../../shared/live';
import { usePlan } from '../../shared/plan-context';
import type { Incident, Summons } from '../../../../src/api';

interface MySummons {
  incident: Incident['incident'];
  summons: Summons;
  lingering: boolean;
  responsible: boolean;
}

/** For a summoned principal or commander on a phone: what, where, the countdown, one tap to acknowledge, check in, check out. */
export function MySummonsPage() {
  const { t, lang } = useT();
  const { venue, role } = usePlan();
  const { message } = App.useApp();
  const [items, load] = useLiveList<MySummons>('/api/my/summons');
  const [refusal, setRefusal] = useState<string | null>(null);
  const { items: queue } = useOutbox();

  const act = async (item: MySummons, kind: 'ack' | 'arrive' | 'leave') => {
    setRefusal(null);
    try {
      // Through the phone's queue: a check-in made without a connection waits (待发送) and is sent
      // once it returns; it counts from when it arrives, as the plan's deadlines do.
      const r = await outbox.submit(item.incident.id, { do: kind, role: item.summons.role });
      if ('queued' in r) {
        message.info(t('outbox.queued'));
        return;
      }
      live.put(r.sent);
      message.success(t('action.done'));
      await load();
    } catch (err) {
      setRefusal(err instanceof OutboxFull ? t('outbox.full', { n: OUTBOX_LIMIT }) : errorText(err, t));
    }
  };
  if (!items) return null;
  return (
    <div className="phone-form">
      <Typography.Title level={3}>{t('my.title')}</Typography.Title>
      {refusal && <Alert type="error" showIcon message={t('action.rejected')} description={refusal} closable onClose={() => setRefusal(null)} style={{ marginBottom: 12 }} data-testid="refusal" />}
      {items.length === 0 && <Empty description={t('my.empty')} />}
      {items.map((item) => {
        const s = item.summons;
        const waiting = queue.filter((x) => x.incident === item.incident.id && x.body.role === s.role);
        // What waits on the phone counts as done here: a second tap would only be refused later.
        const queued = new Set(waiting.filter((x) => x.state === 'waiting').map((x) => String(x.body.do)));
        const arrived = s.arrived_at !== null || queued.has('arrive');
        return (
          <Card key={`${item.incident.id}-${s.role}`} style={{ marginBottom: 12 }} data-testid={`my-${s.role}`}
            title={<Link to={`/incidents/${item.incident.id}`}>{venue(item.incident.venue, lang)}</Link>}
            extra={<SummonsStatus s={s} />}
          >
            <Typography.Paragraph>
              <MatterText matter={item.incident.matter} withheld={item.incident.matter_withheld} />
            </Typography.Paragraph>
            {s.status === 'stood_down' && <Alert type="info" showIcon message={t('my.stoodDown')} style={{ marginBottom: 8 }} data-testid="my-stood-down" />}
            <Space direction="vertical" style={{ width: '100%' }}>
              <div>
                {role(s.role, lang)} · {t(`reason.${s.reason}`)}
              </div>
              <div>
                {t('my.deadline')} {clock(s.deadline)} <Countdown issued={s.issued_at} deadline={s.deadline} done={s.arrived_at !== null || s.status === 'stood_down'} />
              </div>
              {waiting.length > 0 && <OutboxList incident={item.incident.id} testid="my-queued" />}
              {item.lingering && item.responsible && s.arrived_at && !s.left_at && <Tag color="orange">{t('behavior.lingering')} §4.1.1</Tag>}
              {!s.acked_at && !arrived && !queued.has('ack') && s.status !== 'stood_down' && (
                <Button block className="big-button" onClick={() => void act(item, 'ack')} data-testid="my-ack">
                  {t('action.ack')}
                </Button>
              )}
              {!arrived && (
                <Button block type={s.status === 'stood_down' ? 'default' : 'primary'} className="big-button" onClick={() => void act(item, 'arrive')} data-testid="my-arrive">
                  {t('action.arrive')}
                </Button>
              )}
              {s.arrived_at && !s.left_at && !queued.has('leave') && (
                <Button block className="big-button" onClick={() => void act(item, 'leave')} data-testid="my-leave">
                  {t('action.leave')}
                </Button>
              )}
              {s.arrived_at && (
                <Typography.Text type="secondary">
                  {t('col.arrived')} {clock(s.arrived_at)}
                  {s.left_at ? ` · ${t('col.left')} ${clock(s.left_at)}` : ''}
                </Typography.Text>
              )}
            </Space>
          </Card>
        );
      })}
      <Inbox />
    </div>
  );
}
