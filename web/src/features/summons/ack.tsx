import { Alert, Button, Descriptions, Result, Spin, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { ApiError, errorText, get, post } from '../../shared/http';
import { clock, MatterText } from '../../shared/incident-bits';
import { setLang, useT } from '../../shared/i18n';

/** What `GET /api/ack/:token` says a link is for. */
interface AckLink {
  action: 'ack' | 'arrive';
  person: { id: string; name: string | null };
  role: string;
  role_name: { zh: string; en: string };
  incident: { id: string; venue: string; venue_name: { zh: string; en: string }; matter: string; matter_withheld: boolean; headcount: number; status: string };
  summons: { deadline: string; acked_at: string | null; arrived_at: string | null; status: string; stood_down_at: string | null } | null;
  expires_at: string;
}

interface AckDone {
  done: 'ack' | 'arrive';
  summons: AckLink['summons'];
  next?: { action: 'arrive'; token: string };
}

/** Why a link does not work: not a link, already used, or expired. */
function refusalOf(err: unknown): string | null {
  const reason = err instanceof ApiError && (err.code === 'not_found' || err.code === 'conflict') ? err.body.reason : null;
  return reason === 'invalid' || reason === 'used' || reason === 'expired' ? reason : null;
}

/**
 * The page a summons message links to (no sign-in: the signed, single-use link is the
 * credential): who is summoned where and by when, and one big button that acknowledges, or,
 * after that, checks in on arrival, recorded as the person the message was sent to.
 */
export function AckPage() {
  const { token = '' } = useParams();
  const { t, lang } = useT();
  const navigate = useNavigate();
  const [link, setLink] = useState<AckLink | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [done, setDone] = useState<AckDone | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    setLink(null);
    setFailure(null);
    setDone(null);
    get<AckLink>(`/api/ack/${encodeURIComponent(token)}`).then(setLink, (err) => {
      const reason = refusalOf(err);
      setFailure(reason ? t(`link.${reason}`) : errorText(err, t));
    });
  }, [token, t]);

  const press = async () => {
    setBusy(true);
    try {
      setDone(await post<AckDone>(`/api/ack/${encodeURIComponent(token)}`));
    } catch (err) {
      const reason = refusalOf(err);
      setFailure(reason ? t(`link.${reason}`) : errorText(err, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="track-page">
      <header className="yj-header">
        <span className="yj-brand">{t('app.name')}</span>
        <span style={{ flex: 1 }} />
        <Button size="small" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')} data-testid="lang-switch">
          {t('nav.language')}
        </Button>
      </header>
      <main className="yj-content phone-form">
        {!link && !failure && <Spin style={{ display: 'block', marginTop: 80 }} />}
        {failure && <Alert type="warning" showIcon message={failure} data-testid="ack-failure" />}
        {link && (
          <>
            <Typography.Title level={3}>{t(`ack.title.${link.action}`)}</Typography.Title>
            <Descriptions column={1} size="small" bordered style={{ marginBottom: 16 }}>
              <Descriptions.Item label={t('ack.person')}>{link.person.name ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('ack.role')}>{link.role_name[lang]}</Descriptions.Item>
              <Descriptions.Item label={t('ack.venue')}>{link.incident.venue_name[lang]}</Descriptions.Item>
              <Descriptions.Item label={t('ack.matter')}>
                <MatterText matter={link.incident.matter} withheld={link.incident.matter_withheld} /> · {link.incident.headcount} {t('common.people')}
              </Descriptions.Item>
              {link.summons && <Descriptions.Item label={t('ack.deadline')}>{clock(link.summons.deadline)}</Descriptions.Item>}
            </Descriptions>
            {link.summons?.status === 'stood_down' && !done ? (
              <Result status="info" title={t('ack.stoodDown')} subTitle={t('ack.stoodDownNote')} data-testid="ack-stood-down" />
            ) : done ? (
              <Result
                status="success"
                title={t(`ack.done.${done.done}`)}
                data-testid="ack-done"
                extra={
                  done.next ? (
                    <Button type="primary" block className="big-button" onClick={() => navigate(`/a/${done.next!.token}`)} data-testid="ack-next">
                      {t('ack.next')}
                    </Button>
                  ) : null
                }
              />
            ) : (
              !failure && (
                <Button type="primary" block className="big-button" loading={busy} onClick={() => void press()} data-testid="ack-button">
                  {t(`ack.button.${link.action}`)}
                </Button>
              )
            )}
            <Typography.Paragraph type="secondary" style={{ marginTop: 16, fontSize: 12 }}>
              {t('ack.note')}
            </Typography.Paragraph>
          </>
        )}
      </main>
    </div>
  );
}
