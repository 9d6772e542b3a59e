import { App, Button, Card, Descriptions, Empty, Image, Input, Modal, Popconfirm, Space, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { errorText, post } from '../../shared/http';
import { ActorName, type ActorRef } from '../../shared/actor';
import { clock, dateTime, MatterText } from '../../shared/incident-bits';
import { useT } from '../../shared/i18n';
import { live, useLiveList } from '../../shared/live';
import { usePlan } from '../../shared/plan-context';
import type { Incident, Measure } from '../../../../src/api';

interface Pending {
  incident: Incident['incident'];
  measure: Measure;
  evidence: Incident['evidence'];
  notes: string[];
  approve_as: string[];
}

/** County leaders decide on major measures (§5.1): the legal basis and the situation on site, approve, or decline with a reason. */
export function ApprovalsPage() {
  const { t, lang } = useT();
  const { venue, role } = usePlan();
  const { message } = App.useApp();
  const [items, load] = useLiveList<Pending>('/api/approvals');
  const [declining, setDeclining] = useState<{ item: Pending; reason: string } | null>(null);

  const decide = async (item: Pending, command: Record<string, unknown>) => {
    try {
      live.put(await post<Incident>(`/api/incidents/${item.incident.id}/commands`, command));
      message.success(t('action.done'));
      await load();
    } catch (err) {
      message.error(`${t('action.rejected')}: ${errorText(err, t)}`, 6);
    }
  };
  if (!items) return null;
  return (
    <div style={{ maxWidth: 900 }}>
      <Typography.Title level={3}>{t('approvals.title')}</Typography.Title>
      <Tabs
        data-testid="approvals-tabs"
        items={[
          {
            key: 'pending',
            label: t('approvals.pending'),
            children: (
              <>
                {items.length === 0 && <Empty description={t('approvals.empty')} />}
                {items.map((item) => {
                  const m = item.measure;
                  const i = item.incident;
                  return (
                    <Card key={`${i.id}-${m.id}`} style={{ marginBottom: 12 }} data-testid={`approval-${m.id}`}
                      title={<Space><Tag color="volcano">{t(`measure.${m.kind}`)}</Tag><Link to={`/incidents/${i.id}`}>{venue(i.venue, lang)}</Link></Space>}
                      extra={`${t('approvals.requested')} ${clock(m.requested_at)}`}
                    >
                      <Typography.Paragraph>
                        <b>{t('action.basis')}:</b> {m.basis}
                      </Typography.Paragraph>
                      <Typography.Paragraph>
                        <b>{t('approvals.evidence')}:</b> {i.headcount} {t('common.people')} · {t('common.tier', { tier: i.tier })} · {t(`stage.${i.stage}`)} · <MatterText matter={i.matter} withheld={i.matter_withheld} />
                        {item.notes.map((b) => (
                          <Tag key={b} color="orange" style={{ marginLeft: 6 }}>
                            {t(`behavior.${b}`)}
                          </Tag>
                        ))}
                        {m.taken_at && <Tag color="red" style={{ marginLeft: 8 }}>{t('label.flagged')}</Tag>}
                      </Typography.Paragraph>
                      {item.evidence.length > 0 && (
                        <Image.PreviewGroup>
                          <Space wrap style={{ marginBottom: 12 }} data-testid="approval-evidence">
                            {item.evidence.map((e) =>
                              e.media_type.startsWith('image/') ? (
                                <Image key={e.attachment} src={`/api/attachments/${e.attachment}`} width={96} alt={e.name} />
                              ) : (
                                <a key={e.attachment} href={`/api/attachments/${e.attachment}`} target="_blank" rel="noreferrer">
                                  {e.name}
                                </a>
                              ),
                            )}
                          </Space>
                        </Image.PreviewGroup>
                      )}
                      <Space wrap>
                        {item.approve_as.map((as) => (
                          <Popconfirm key={as} title={t('action.confirm')} onConfirm={() => void decide(item, { do: 'approve_measure', id: m.id, by: as })} okButtonProps={{ 'data-testid': 'confirm-ok' } as never}>
                            <Button type="primary" data-testid={`approve-${m.id}`}>
                              {t('approvals.approve')} · {role(as, lang)}
                            </Button>
                          </Popconfirm>
                        ))}
                        {item.approve_as.length > 0 && !m.taken_at && (
                          <Button onClick={() => setDeclining({ item, reason: '' })} data-testid={`decline-${m.id}`}>
                            {t('approvals.decline')}
                          </Button>
                        )}
                      </Space>
                    </Card>
                  );
                })}
              </>
            ),
          },
          { key: 'history', label: t('approvals.history'), children: <ApprovalsHistory /> },
        ]}
      />
      <Modal
        open={declining !== null}
        title={t('approvals.declineReason')}
        okButtonProps={{ disabled: !declining?.reason.trim(), 'data-testid': 'decline-ok' } as never}
        onCancel={() => setDeclining(null)}
        onOk={() => {
          if (!declining) return;
          const { item, reason } = declining;
          setDeclining(null);
          void decide(item, { do: 'decline_measure', id: item.measure.id, by: item.approve_as[0], reason: reason.trim() });
        }}
      >
        <Input.TextArea rows={3} value={declining?.reason ?? ''} onChange={(e) => declining && setDeclining({ ...declining, reason: e.target.value })} data-testid="decline-reason" />
      </Modal>
    </div>
  );
}

/** A decided major measure, or one taken without prior approval (`GET /api/approvals?state=decided`). */
interface Decided {
  incident: Incident['incident'];
  measure: Measure;
  requested: { at: string; actor: ActorRef | null } | null;
  decision: { result: 'approved' | 'declined'; at: string; by: string; actor: ActorRef | null; after_the_fact: boolean; reason: string | null } | null;
  taken: { at: string; actor: ActorRef | null; flagged: boolean; reason: string | null } | null;
}

/**
 * The record of decisions (§5.1, safeguards 2): each major measure approved or declined, and each
 * taken without prior approval, the latest first: who asked for it and on what basis, who decided
 * and when (and why, when declined), and whether and how it was taken.
 */
function ApprovalsHistory() {
  const { t, lang } = useT();
  const { venue, role } = usePlan();
  const [items] = useLiveList<Decided>('/api/approvals?state=decided');
  if (!items) return null;
  if (items.length === 0) return <Empty description={t('approvals.historyEmpty')} />;
  return (
    <div data-testid="approvals-history">
      {items.map((item) => {
        const { measure: m, incident: i, decision: d, taken } = item;
        return (
          <Card
            key={`${i.id}-${m.id}`}
            size="small"
            style={{ marginBottom: 12 }}
            data-testid={`history-${m.id}`}
            title={
              <Space wrap>
                <Tag color="volcano">{t(`measure.${m.kind}`)}</Tag>
                <Link to={`/incidents/${i.id}`}>{venue(i.venue, lang)}</Link>
              </Space>
            }
            extra={
              d ? (
                <Tag color={d.result === 'approved' ? 'green' : 'default'}>
                  {t(`approvals.${d.result}`)}
                  {d.after_the_fact ? ` · ${t('approvals.afterTheFact')}` : ''}
                </Tag>
              ) : (
                <Tag color="red">{t('approvals.undecided')}</Tag>
              )
            }
          >
            <Descriptions size="small" column={1}>
              <Descriptions.Item label={t('action.basis')}>{m.basis}</Descriptions.Item>
              <Descriptions.Item label={t('approvals.askedBy')}>
                {item.requested?.actor ? <ActorName actor={item.requested.actor} /> : '—'} · {dateTime(m.requested_at)}
              </Descriptions.Item>
              <Descriptions.Item label={t('approvals.decidedBy')}>
                {d ? (
                  <>
                    {role(d.by, lang)} · {t(`approvals.${d.result}`)} · {dateTime(d.at)}
                    {d.reason ? ` · ${t('approvals.reason')}: ${d.reason}` : ''}
                  </>
                ) : (
                  t('approvals.undecided')
                )}
              </Descriptions.Item>
              <Descriptions.Item label={t('approvals.taken')}>
                {taken ? (
                  <>
                    {taken.actor ? <ActorName actor={taken.actor} /> : '—'} · {dateTime(taken.at)}
                    {taken.reason ? ` · ${t('approvals.reason')}: ${taken.reason}` : ''}
                    {m.taken_without_approval && (
                      <Tag color="red" style={{ marginLeft: 8 }}>
                        {t('label.flagged')}
                      </Tag>
                    )}
                  </>
                ) : (
                  t('approvals.notTaken')
                )}
              </Descriptions.Item>
            </Descriptions>
          </Card>
        );
      })}
    </div>
  );
}
