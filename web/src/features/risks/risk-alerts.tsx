import { Alert, App, Button, Input, Modal, Space, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import type { RiskAlert, RiskAlerts } from '../../../../src/api';
import { personalDataIn } from '../../../../src/api/personal-data';
import { errorText, get, post } from '../../shared/http';
import { useT } from '../../shared/i18n';
import { live } from '../../shared/live';
import { usePlan } from '../../shared/plan-context';
import { dateTime } from '../../shared/incident-bits';

export const LEVEL_COLOR: Record<string, string> = { high: 'red', medium: 'orange', low: 'blue' };

/**
 * The board's early-warning panel (§6): open signs of a coming petition (上访苗头) and overdue
 * reviews, live from the register's events, until the working group handles them. It keeps its
 * own state, so a register event re-renders this panel and no incident card.
 */
export function RiskAlertsPanel() {
  const { t, lang } = useT();
  const { unit } = usePlan();
  const [data, setData] = useState<RiskAlerts | null>(null);
  const [handling, setHandling] = useState<RiskAlert | null>(null);

  const load = useCallback(async () => {
    try {
      setData(await get<RiskAlerts>('/api/risks/alerts'));
    } catch {
      // Without access to the register the board shows no panel; the incidents go on.
    }
  }, []);
  useEffect(() => {
    void load();
    // Bursts (a sign is two events) become one reload.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const offRisk = live.onRisk(() => {
      clearTimeout(timer);
      timer = setTimeout(() => void load(), 50);
    });
    // After a lost connection, read the alerts again.
    const offStatus = live.subscribeStatus(() => {
      if (live.online) void load();
    });
    return () => {
      clearTimeout(timer);
      offRisk();
      offStatus();
    };
  }, [load]);

  if (!data || (!data.signs.length && !data.overdue.length)) return null;
  const line = (a: RiskAlert) => (
    <Space wrap size={4}>
      <Tag color={LEVEL_COLOR[a.level]}>{t(`risk.level.${a.level}`)}</Tag>
      <b>{unit(a.unit, lang)}</b>
      <span>{a.place}</span>
      <Tag>{t('risk.affectedN', { n: a.affected })}</Tag>
      <Link to={`/risks?id=${a.risk}`}>{a.matter}</Link>
    </Space>
  );
  return (
    <div style={{ marginBottom: 12 }} data-testid="risk-alerts">
      {data.signs.length > 0 && (
        <Alert
          type="error"
          showIcon
          title={t('risk.board.signs', { n: data.signs.length })}
          style={{ marginBottom: 8 }}
          data-testid="risk-signs"
          description={data.signs.map((a) => (
            <div key={a.risk} className="risk-alert-row" data-testid={`risk-sign-${a.risk}`}>
              {line(a)}
              <div>
                {/* A sign reported as such says it in the matter itself; a later sign adds its own text. */}
                {a.detail !== a.matter && <Typography.Text strong>{a.detail} </Typography.Text>}
                <Typography.Text type="secondary">{dateTime(a.since)}</Typography.Text>
                {data.can_handle && (
                  <Button size="small" type="primary" danger style={{ marginLeft: 8 }} onClick={() => setHandling(a)} data-testid={`risk-handle-${a.risk}`}>
                    {t('risk.cmd.handle_sign')}
                  </Button>
                )}
              </div>
            </div>
          ))}
        />
      )}
      {data.overdue.length > 0 && (
        <Alert
          type="warning"
          showIcon
          title={t('risk.board.overdue', { n: data.overdue.length })}
          data-testid="risk-overdue"
          description={data.overdue.map((a) => (
            <div key={a.risk} className="risk-alert-row" data-testid={`risk-overdue-${a.risk}`}>
              {line(a)} <Typography.Text type="danger">{t('risk.reviewWas', { day: a.detail })}</Typography.Text>
            </div>
          ))}
        />
      )}
      {handling && <HandleSign alert={handling} onClose={() => setHandling(null)} onDone={() => void load()} />}
    </div>
  );
}

/** The working group records what it did about a sign; the sign then leaves the board. */
export function HandleSign({ alert, onClose, onDone }: { alert: Pick<RiskAlert, 'risk' | 'detail'>; onClose: () => void; onDone: () => void }) {
  const { t } = useT();
  const { message } = App.useApp();
  const [done, setDone] = useState('');
  const [busy, setBusy] = useState(false);
  const problem = personalDataIn(done);
  const submit = async () => {
    setBusy(true);
    try {
      await post(`/api/risks/${alert.risk}/commands`, { do: 'handle_sign', done: done.trim() });
      message.success(t('risk.handled'));
      onDone();
      onClose();
    } catch (err) {
      message.error(errorText(err, t, 'risk.rejection'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title={t('risk.cmd.handle_sign')} onCancel={onClose} onOk={() => void submit()} confirmLoading={busy} okText={t('action.submit')}
      okButtonProps={{ disabled: !done.trim() || problem !== null, 'data-testid': 'risk-handle-submit' } as never} destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{alert.detail}</Typography.Paragraph>
      <Input.TextArea rows={3} maxLength={2000} value={done} onChange={(e) => setDone(e.target.value)} placeholder={t('risk.field.done')} data-testid="risk-handle-done" />
      {problem && <Typography.Text type="danger">{t('risk.personal')}</Typography.Text>}
    </Modal>
  );
}
