import { Alert, App, Button, Card, Descriptions, Form, Input, Radio, Space, Tag, Typography, type DescriptionsProps } from 'antd';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import type { PublicCase, Rating } from '../../../../src/api';
import { ApiError, errorText, get, post } from '../../shared/http';
import { Article, CaseStatusTag, CaseSteps, normalizeCode } from '../cases/case-bits';
import { dateTime } from '../../shared/incident-bits';
import { setLang, useT } from '../../shared/i18n';

const RATINGS = ['satisfied', 'basically_satisfied', 'not_satisfied'] as const satisfies readonly Rating[];

/** Why a lookup failed, in words that reveal nothing about any case. */
type Failure = { kind: 'not_found' } | { kind: 'wait'; until: number } | { kind: 'error'; message: string };

function failureOf(err: unknown): Failure {
  if (err instanceof ApiError && err.status === 404) return { kind: 'not_found' };
  if (err instanceof ApiError && err.status === 429) {
    const seconds = Number(err.body.retry_after ?? 60);
    return { kind: 'wait', until: Date.now() + (Number.isFinite(seconds) ? seconds : 60) * 1000 };
  }
  return { kind: 'error', message: (err as Error).message };
}

/**
 * The petitioner's page (Art. 18, 21): no sign-in, the tracking code in, the case's progress out:
 * status, dates, the handling unit, the extension and its reason, the opinion once replied, the
 * review window; then a rating, once per answer. Nothing about the person or the matter's text.
 */
export function TrackPage() {
  const { t, lang } = useT();
  const { code: param } = useParams();
  const navigate = useNavigate();
  const [input, setInput] = useState(param ?? '');
  const [result, setResult] = useState<PublicCase | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);

  const lookup = useCallback(async (code: string) => {
    setBusy(true);
    setFailure(null);
    setResult(null);
    try {
      setResult(await get<PublicCase>(`/api/track/${encodeURIComponent(code)}`));
    } catch (err) {
      setFailure(failureOf(err));
    } finally {
      setBusy(false);
    }
  }, []);

  useEffect(() => {
    if (!param) {
      setResult(null);
      return;
    }
    setInput(param);
    void lookup(normalizeCode(param));
  }, [param, lookup]);

  const submit = () => {
    const code = normalizeCode(input);
    if (!code) return;
    if (code === param) void lookup(code);
    else navigate(`/track/${code}`);
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
        <Typography.Title level={3}>{t('track.title')}</Typography.Title>
        <Typography.Paragraph type="secondary">{t('track.intro')}</Typography.Paragraph>
        <Form layout="vertical" onFinish={submit}>
          <Form.Item label={t('label.tracking_code')}>
            <Input
              size="large"
              value={input}
              onChange={(e) => setInput(e.target.value)}
              placeholder="YJ-XXXX-XXXX-XXXX-XXXX"
              autoCapitalize="characters"
              autoComplete="off"
              autoCorrect="off"
              spellCheck={false}
              data-testid="track-code"
            />
          </Form.Item>
          <Button type="primary" htmlType="submit" block className="big-button" loading={busy} disabled={!input.trim() || failure?.kind === 'wait'} data-testid="track-submit">
            {t('track.submit')}
          </Button>
        </Form>
        {failure && <FailureNotice failure={failure} onOver={() => setFailure(null)} />}
        {result && <TrackResult c={result} onRated={setResult} />}
        <Typography.Paragraph type="secondary" style={{ marginTop: 24, fontSize: 12 }}>
          {t('track.privacy')}
        </Typography.Paragraph>
        <Link to="/">{t('track.staffLogin')}</Link>
      </main>
    </div>
  );
}

/** A wrong code, or the pause after too many wrong codes with its countdown. */
function FailureNotice({ failure, onOver }: { failure: Failure; onOver: () => void }) {
  const { t } = useT();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (failure.kind !== 'wait') return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [failure]);
  const left = failure.kind === 'wait' ? Math.ceil((failure.until - now) / 1000) : 0;
  useEffect(() => {
    if (failure.kind === 'wait' && left <= 0) onOver();
  }, [failure, left, onOver]);
  const text = failure.kind === 'not_found' ? t('track.not_found') : failure.kind === 'wait' ? t('track.tooMany', { n: Math.max(left, 0) }) : `${t('common.error')}: ${failure.message}`;
  return <Alert type={failure.kind === 'wait' ? 'warning' : 'error'} showIcon title={text} style={{ marginTop: 16 }} data-testid={`track-${failure.kind}`} />;
}

/** The case's public progress and, after an answer, the rating form. */
function TrackResult({ c, onRated }: { c: PublicCase; onRated: (c: PublicCase) => void }) {
  const { t, lang } = useT();
  const items: NonNullable<DescriptionsProps['items']> = [];
  const add = (key: string, label: string, children: ReactNode, article?: number) =>
    items.push({ key, label, children: <span data-testid={`track-${key}`}>{children}{article !== undefined && <> <Article n={article} /></>}</span> });

  add('handler', t('track.handler'), c.handler_name[lang]);
  add('route', t('label.route'), t(`route.${c.route}`));
  add('registered', t('case.registeredAt'), dateTime(c.registered_at));
  if (!c.accepted_at && !c.not_accepted && !c.handed_over_at) add('accept_by', t('label.accept_by'), dateTime(c.accept_by), 22);
  if (c.accepted_at) add('accepted', t('case.acceptedAt'), dateTime(c.accepted_at), 22);
  if (c.not_accepted) {
    add('not_accepted', t('case.notAccepted'), `${dateTime(c.not_accepted.at)} · ${c.not_accepted.reason}${c.not_accepted.channel ? ` · ${t(`case.channel.${c.not_accepted.channel}`)}` : ''}`, c.not_accepted.channel ? 31 : 22);
  }
  if (c.forwarded_at) add('forwarded', t('case.forwarded'), dateTime(c.forwarded_at), 23);
  if (c.due) add('due', t('label.due'), dateTime(c.due), 34);
  if (c.extension) add('extension', t('case.extension'), t('track.extensionText', { days: c.extension.days, reason: c.extension.reason, at: dateTime(c.extension.at) }), 34);
  if (c.reception) add('reception', t('case.reception'), `${c.reception.on} · ${c.reception.place} · ${c.reception.held ? t('track.receptionHeld') : t('track.receptionPlanned')}`);
  if (c.opinion) {
    add(
      'opinion',
      t('case.opinionKind'),
      <>
        <Tag color="blue">{t(`case.opinion.${c.opinion.kind}`)}</Tag>
        {c.opinion.channel && <Tag>{t(`case.channel.${c.opinion.channel}`)}</Tag>}
        <div style={{ whiteSpace: 'pre-wrap', marginTop: 4 }}>{c.opinion.text}</div>
      </>,
      c.opinion.kind === 'refer_channel' ? 31 : 32,
    );
  }
  if (c.replied_at) add('replied', t('case.repliedAt'), dateTime(c.replied_at), 32);
  if (c.review_by) {
    add(
      'review_by',
      t(c.reviews.length ? 'case.secondReviewBy' : 'case.reviewBy'),
      <>
        {dateTime(c.review_by)}
        <div style={{ fontSize: 12, color: '#888' }}>{t(c.reviews.length ? 'track.secondReviewHint' : 'track.reviewHint')}</div>
      </>,
      c.reviews.length ? 36 : 35,
    );
  }
  c.reviews.forEach((r, i) =>
    add(
      `review-${i}`,
      t(`case.reviewLevel.${r.level}`),
      `${t('case.requestedAt')} ${dateTime(r.requested_at)} · ${r.decided_at ? `${dateTime(r.decided_at)} ${t(`case.reviewResult.${r.result}`)}` : `${t('case.decideBy')} ${dateTime(r.decide_by)}`}`,
      r.level === 2 ? 36 : 35,
    ),
  );
  if (c.handed_over_at) add('handed_over', t('case.handedOver'), dateTime(c.handed_over_at));
  if (c.closed_at) add('closed', t('case.closedAt'), `${dateTime(c.closed_at)}${c.closed_by ? ` · ${t(`case.closedBy.${c.closed_by}`)}` : ''}`);

  return (
    <Card style={{ marginTop: 16 }} data-testid="track-result"
      title={<Typography.Text code>{c.tracking_code}</Typography.Text>}
      extra={<CaseStatusTag status={c.status} />}
    >
      <CaseSteps status={c.status} notAccepted={c.not_accepted !== null} />
      <Descriptions size="small" column={1} items={items} style={{ marginTop: 12 }} />
      {c.can_rate ? (
        <RatingForm code={c.tracking_code} onRated={onRated} />
      ) : (
        c.rating && (
          <Alert type="success" showIcon style={{ marginTop: 12 }} data-testid="track-rated" title={t('track.rated', { value: t(`case.rating.${c.rating}`) })} />
        )
      )}
    </Card>
  );
}

/** Three choices and an optional comment; sent once per answer. */
function RatingForm({ code, onRated }: { code: string; onRated: (c: PublicCase) => void }) {
  const { t } = useT();
  const { message } = App.useApp();
  const [value, setValue] = useState<Rating | null>(null);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const send = async () => {
    if (!value) return;
    setBusy(true);
    setError(null);
    try {
      const updated = await post<PublicCase>(`/api/track/${encodeURIComponent(code)}/rating`, { value, ...(comment.trim() ? { comment: comment.trim() } : {}) });
      message.success(t('track.thanks'));
      onRated(updated);
    } catch (err) {
      setError(err instanceof ApiError && err.status === 429 ? t('track.tooMany', { n: Number(err.body.retry_after ?? 60) }) : errorText(err, t, 'case.rejection'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="track-rating" data-testid="rating-form">
      <Typography.Title level={5}>{t('track.rateTitle')}</Typography.Title>
      <Radio.Group value={value} onChange={(e) => setValue(e.target.value as Rating)} style={{ width: '100%' }}>
        <Space orientation="vertical" style={{ width: '100%' }}>
          {RATINGS.map((r) => (
            <Radio key={r} value={r} data-testid={`rate-${r}`}>
              {t(`case.rating.${r}`)}
            </Radio>
          ))}
        </Space>
      </Radio.Group>
      <Input.TextArea value={comment} onChange={(e) => setComment(e.target.value)} maxLength={500} showCount rows={3} placeholder={t('track.commentHint')} style={{ marginTop: 12 }} data-testid="rate-comment" />
      {error && <Alert type="error" title={error} style={{ marginTop: 8 }} />}
      <Button type="primary" block className="big-button" style={{ marginTop: 12 }} disabled={!value} loading={busy} onClick={() => void send()} data-testid="rate-submit">
        {t('track.rateSubmit')}
      </Button>
    </div>
  );
}
