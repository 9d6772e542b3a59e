import { Alert, Button, Card, Descriptions, Empty, Input, InputNumber, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Navigate, useParams } from 'react-router';
import { useT } from '../../shared/i18n';
import { outbox, pendingId, useOutbox } from '../../shared/outbox';
import { OutboxList, useSendCommand } from '../../shared/outbox-ui';
import { usePlan } from '../../shared/plan-context';

/**
 * An incident reported without a connection: the report as made on the phone, marked 待发送,
 * and what staff may add meanwhile (head count, on-site notes), queued after the report. Once
 * the report is through, the page becomes the incident's own.
 */
export function PendingIncidentPage() {
  const { key = '' } = useParams();
  const { t, lang } = useT();
  const { venue, unit } = usePlan();
  const { items } = useOutbox();
  const send = useSendCommand();
  const [headcount, setHeadcount] = useState<number | null>(null);
  const [note, setNote] = useState('');
  const id = pendingId(key);
  const sent = outbox.resolved(id);
  if (sent) return <Navigate to={`/incidents/${sent}`} replace />;
  const report = items.find((x) => x.key === key);
  if (!report) return <Empty description={t('incident.notFound')} />;
  const b = report.body as { venue: string; headcount: number; units: string[]; matter: string; category?: string };
  return (
    <div className="phone-form">
      <Space wrap style={{ marginBottom: 8 }}>
        <Typography.Title level={3} style={{ margin: 0 }} data-testid="incident-title">
          {venue(b.venue, lang)}
        </Typography.Title>
        <Tag color={report.state === 'rejected' ? 'red' : 'orange'} data-testid="pending-status">
          {report.state === 'rejected' ? t('outbox.rejected') : t('outbox.waiting')}
        </Tag>
      </Space>
      <Alert type="warning" showIcon message={t('outbox.pendingIncident')} description={t('outbox.pendingExplain')} style={{ marginBottom: 12 }} />
      <Card size="small" title={t('heading.incident')}>
        <Descriptions size="small" column={1}>
          <Descriptions.Item label={t('report.headcount')}>{b.headcount}</Descriptions.Item>
          <Descriptions.Item label={t('label.matter')}>{b.matter}</Descriptions.Item>
          <Descriptions.Item label={t('label.units')}>{b.units.map((u) => unit(u, lang)).join('、')}</Descriptions.Item>
        </Descriptions>
      </Card>
      {report.state === 'waiting' && (
        <Card size="small" title={t('incident.actions')} style={{ marginTop: 12 }}>
          <Space direction="vertical" style={{ width: '100%' }}>
            <Space.Compact>
              <InputNumber min={0} value={headcount} onChange={setHeadcount} data-testid="headcount-input" />
              <Button onClick={() => headcount !== null && void send(id, { do: 'headcount', value: headcount })} data-testid="headcount-submit">
                {t('action.headcount')}
              </Button>
            </Space.Compact>
            <Space.Compact style={{ width: '100%' }}>
              <Input value={note} onChange={(e) => setNote(e.target.value)} placeholder={t('action.note')} maxLength={2000} data-testid="note-input" />
              <Button disabled={!note.trim()} onClick={() => void send(id, { do: 'note', text: note.trim() }).then((r) => r && setNote(''))} data-testid="note-submit">
                {t('action.submit')}
              </Button>
            </Space.Compact>
          </Space>
        </Card>
      )}
      <Card size="small" title={t('outbox.title')} style={{ marginTop: 12 }}>
        <OutboxList incident={id} testid="pending-queue" />
      </Card>
    </div>
  );
}
