import { InboxOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Descriptions, Empty, Input, Popconfirm, Row, Space, Table, Tag, Typography, Upload } from 'antd';
import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, get, post } from '../api';
import { TierTag } from '../components/incident-bits';
import { useT } from '../i18n';
import { usePlan, type PlanInfo } from '../plan-context';
import { useSession } from '../session';

dayjs.extend(utc);
dayjs.extend(timezone);

/** A stored plan version as GET /api/plans lists it; times are epoch milliseconds. */
interface PlanVersion {
  id: string;
  plan_id: string;
  version: string;
  created_at: number | string;
  created_by: string | null;
  active: boolean;
  activated_at: number | string | null;
}

/** One version with its YAML source (GET /api/plans/:id). */
interface PlanVersionFull extends PlanVersion {
  source: string;
}

/** What POST /api/plans answers with on success. */
interface StoredPlan {
  id: string;
  plan_id: string;
  version: string;
  digest?: string;
  active: boolean;
}

/** A located problem in an uploaded plan (the same shape the CLI prints as FILE:LINE:COL: message). */
interface PlanError {
  file: string;
  line: number;
  col: number;
  message: string;
}

/** A version shown against the active one: its metadata, its source and the active source. */
interface Candidate {
  id: string;
  plan_id: string;
  version: string;
  digest?: string;
  active: boolean;
  uploaded: boolean;
  diff: DiffLine[];
}

interface Failure {
  message: string;
  errors: PlanError[];
}

/** The active plan, readably and as tables; stored versions; for administrators, upload, compare and activate. */
export function PlanPage() {
  const { t, lang } = useT();
  const { message } = App.useApp();
  const { info: initial, reload: reloadPlan } = usePlan();
  const admin = useSession().me?.admin ?? false;
  const [info, setInfo] = useState<PlanInfo>(initial);
  const [versions, setVersions] = useState<PlanVersion[] | null>(null);
  const [candidate, setCandidate] = useState<Candidate | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);
  const tz = info.organization.timezone;

  const loadVersions = useCallback(async () => setVersions(await get<PlanVersion[]>('/api/plans')), []);
  useEffect(() => {
    void loadVersions();
  }, [loadVersions]);

  /** The source of the active stored version, for diffs; empty when none is stored. */
  const activeSource = useCallback(async (): Promise<string> => {
    if (!info.version_id) return '';
    return (await get<PlanVersionFull>(`/api/plans/${info.version_id}`)).source;
  }, [info.version_id]);

  const showFailure = (err: unknown) => {
    const errors = err instanceof ApiError && Array.isArray(err.body.errors) ? (err.body.errors as PlanError[]) : [];
    setFailure({ message: (err as Error).message, errors });
  };

  /** Validates and stores; true when stored. */
  const upload = async (source: string, name: string): Promise<boolean> => {
    setBusy(true);
    setFailure(null);
    setCandidate(null);
    try {
      const stored = await post<StoredPlan>('/api/plans', { source, name: name.trim() || 'plan.yaml' });
      setCandidate({ ...stored, uploaded: true, diff: lineDiff(await activeSource(), source) });
      message.success(t('plan.saved'));
      await loadVersions();
      return true;
    } catch (err) {
      showFailure(err);
      return false;
    } finally {
      setBusy(false);
    }
  };

  const compare = async (v: PlanVersion) => {
    setFailure(null);
    try {
      const [full, base] = await Promise.all([get<PlanVersionFull>(`/api/plans/${v.id}`), activeSource()]);
      setCandidate({ id: v.id, plan_id: v.plan_id, version: v.version, active: v.active, uploaded: false, diff: lineDiff(base, full.source) });
    } catch (err) {
      message.error((err as Error).message);
    }
  };

  const activate = async (id: string) => {
    setBusy(true);
    setFailure(null);
    try {
      await post(`/api/plans/${id}/activate`);
      const [fresh] = await Promise.all([get<PlanInfo>('/api/plan'), loadVersions(), reloadPlan()]);
      setInfo(fresh);
      setCandidate(null);
      message.success(t('plan.activated'));
    } catch (err) {
      showFailure(err);
    } finally {
      setBusy(false);
    }
  };

  const plan = info.plan;
  return (
    <div>
      <Space wrap align="center" style={{ marginBottom: 12 }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('plan.title')}
        </Typography.Title>
        <Tag color="red" data-testid="plan-version" title={info.id}>
          {t('plan.version')} {info.version}
        </Tag>
      </Space>
      <Descriptions size="small" column={{ xs: 1, md: 2, xl: 4 }} style={{ marginBottom: 16 }}
        items={[
          { key: 'title', label: t('plan.name'), children: plan.title[lang] },
          { key: 'issued', label: t('plan.issued'), children: `${plan.issued_on}` },
          { key: 'org', label: t('org.title'), children: `${info.organization.name[lang]} (${tz})` },
          { key: 'digest', label: t('plan.digest'), children: <Typography.Text code copyable={{ text: info.digest }}>{info.digest.slice(0, 19)}…</Typography.Text> },
        ]}
      />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <PlanStructure info={info} />
        </Col>
        <Col xs={24} xl={10}>
          <Card size="small" title={t('plan.readable')}>
            <pre className="plan-explain" data-testid="plan-explain" style={{ margin: 0, padding: 0, maxHeight: 880, overflow: 'auto', fontFamily: 'ui-monospace, "WenQuanYi Zen Hei Mono", "Noto Sans Mono CJK SC", monospace', fontSize: 12.5 }}>
              {info.explain[lang]}
            </pre>
          </Card>
        </Col>
        <Col xs={24} xl={admin ? 12 : 24}>
          <Card size="small" title={t('plan.versions')}>
            <div data-testid="plan-versions">
            <Table<PlanVersion>
              size="small"
              rowKey="id"
              loading={!versions}
              dataSource={versions ?? []}
              pagination={{ pageSize: 8, hideOnSinglePage: true }}
              columns={[
                { title: t('plan.version'), render: (_, v) => <span>{v.plan_id} <b>{v.version}</b></span> },
                { title: t('plan.uploadedAt'), render: (_, v) => instant(v.created_at, tz) },
                { title: t('plan.uploadedBy'), render: (_, v) => v.created_by ?? '—' },
                {
                  title: t('plan.status'),
                  render: (_, v) => (v.active ? <Tag color="green">{t('plan.active')}</Tag> : v.activated_at ? <Tag>{t('plan.formerlyActive')}</Tag> : <Tag color="blue">{t('plan.stored')}</Tag>),
                },
                {
                  title: '',
                  render: (_, v) => (
                    <Space size="small">
                      {!v.active && (
                        <Button size="small" onClick={() => void compare(v)} data-testid={`plan-compare-${v.id}`}>
                          {t('plan.compare')}
                        </Button>
                      )}
                      {admin && !v.active && (
                        <Popconfirm title={t('plan.activateConfirm', { version: v.version })} onConfirm={() => activate(v.id)} okButtonProps={{ 'data-testid': 'confirm-ok' } as never}>
                          <Button size="small" type="link" disabled={busy} data-testid={`plan-activate-${v.id}`}>
                            {t('plan.activate')}
                          </Button>
                        </Popconfirm>
                      )}
                    </Space>
                  ),
                },
              ]}
            />
            </div>
          </Card>
        </Col>
        {admin && (
          <Col xs={24} xl={12}>
            <UploadCard busy={busy} onSubmit={upload} failure={failure} onDismiss={() => setFailure(null)} />
          </Col>
        )}
        {candidate && (
          <Col span={24}>
            <CandidateCard candidate={candidate} activeVersion={info.version} admin={admin} busy={busy} onActivate={() => activate(candidate.id)} onClose={() => setCandidate(null)} />
          </Col>
        )}
      </Row>
    </div>
  );
}

/** Tiers, arrival limits and follow-up routes of the plan, each with its clause. */
function PlanStructure({ info }: { info: PlanInfo }) {
  const { t, lang } = useT();
  const { role, unit } = usePlan();
  const plan = info.plan;
  const tiers = plan.on_site.tiers;
  const arrival = plan.discipline.arrival;
  const measures = plan.discipline.measures;
  const roles = (list: readonly string[]) =>
    list.length ? (
      <Space size={[4, 4]} wrap>
        {list.map((r) => (
          <Tag key={r} title={r} style={{ marginInlineEnd: 0 }}>
            {role(r, lang)}
          </Tag>
        ))}
      </Space>
    ) : (
      '—'
    );
  const clause = (c: string) => <Tag color="default" style={{ fontFamily: 'monospace' }}>{c}</Tag>;
  const handler = (h: PlanInfo['plan']['follow_up']['routes'][number]['handler']) => (typeof h === 'object' ? unit(h.unit, lang) : t(`plan.handler.${h}`));
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card size="small" title={<Space>{clause(tiers.clause)}{t('heading.tiers')}</Space>} data-testid="plan-tiers">
        <Table
          size="small"
          rowKey="tier"
          pagination={false}
          dataSource={tiers.levels}
          columns={[
            { title: t('plan.tierCol'), width: 90, render: (_, l) => <TierTag tier={l.tier} /> },
            { title: t('plan.headcount'), width: 90, render: (_, l) => (l.max === null ? `≥ ${l.min}` : `${l.min}–${l.max}`) },
            { title: t('plan.commands'), render: (_, l) => roles(l.command) },
            { title: t('plan.assists'), render: (_, l) => roles(l.assist) },
          ]}
        />
        <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0' }}>
          {tiers.note[lang]} {t('plan.neverStepDown')}
        </Typography.Paragraph>
      </Card>
      <Card size="small" title={<Space>{clause(arrival.clause)}{t('plan.arrival')}</Space>} data-testid="plan-arrival">
        <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 3 }} bordered
          items={[
            { key: 'police', label: <Space size={4}>{t('plan.kind.police')}{clause(arrival.police.clause)}</Space>, children: duration(arrival.police.limit, t) },
            ...Object.entries(arrival.limits).map(([kind, limit]) => ({ key: kind, label: t(`plan.kind.${kind}`), children: duration(limit, t) })),
          ]}
        />
        <Typography.Paragraph style={{ margin: '8px 0 0' }}>
          {clause(measures.clause)} {t('plan.majorMeasures')}: {measures.major.map((k) => measures.labels[k]?.[lang] ?? k).join(t('plan.listSep'))} · {t('plan.approvers')}: {measures.approvers.map((r) => role(r, lang)).join(t('plan.listSep'))}
        </Typography.Paragraph>
      </Card>
      <Card size="small" title={<Space>{clause(plan.follow_up.clause)}{t('plan.routes')}</Space>} data-testid="plan-routes">
        <Table
          size="small"
          rowKey="route"
          pagination={false}
          dataSource={plan.follow_up.routes}
          columns={[
            { title: '#', width: 36, render: (_, _r, i) => i + 1 },
            { title: t('plan.when'), render: (_, r) => t(`plan.when.${r.when}`) },
            { title: t('plan.route'), render: (_, r) => r.label[lang] },
            { title: t('plan.handlerCol'), render: (_, r) => handler(r.handler) },
            { title: t('plan.clause'), width: 70, render: (_, r) => clause(r.clause) },
            { title: t('plan.basisCol'), render: (_, r) => r.basis ?? '—' },
          ]}
        />
      </Card>
    </Space>
  );
}

/** The administrator's upload: a YAML file dropped or picked (read as text), or pasted. */
function UploadCard(props: { busy: boolean; onSubmit: (source: string, name: string) => Promise<boolean>; failure: Failure | null; onDismiss: () => void }) {
  const { busy, failure } = props;
  const { t } = useT();
  const [source, setSource] = useState('');
  const [name, setName] = useState('plan.yaml');
  return (
    <Card size="small" title={t('plan.upload')}>
      <Upload.Dragger
        accept=".yaml,.yml"
        showUploadList={false}
        beforeUpload={(file) => {
          void file.text().then((text) => {
            setSource(text);
            setName(file.name);
          });
          return Upload.LIST_IGNORE;
        }}
        data-testid="plan-upload-file"
      >
        <p className="ant-upload-drag-icon">
          <InboxOutlined />
        </p>
        <p className="ant-upload-text">{t('plan.dropHint')}</p>
      </Upload.Dragger>
      <Typography.Text type="secondary" style={{ display: 'block', margin: '8px 0 4px' }}>
        {t('plan.pasteHint')}
      </Typography.Text>
      <Input.TextArea
        value={source}
        onChange={(e) => setSource(e.target.value)}
        rows={10}
        spellCheck={false}
        placeholder={t('plan.source')}
        style={{ fontFamily: 'monospace', fontSize: 12 }}
        data-testid="plan-upload-text"
      />
      <Space style={{ marginTop: 8 }} wrap>
        <Input value={name} onChange={(e) => setName(e.target.value)} addonBefore={t('plan.fileName')} style={{ width: 280 }} data-testid="plan-upload-name" />
        <Button type="primary" loading={busy} disabled={!source.trim()} onClick={() => void props.onSubmit(source, name).then((stored) => stored && setSource(''))} data-testid="plan-upload-submit">
          {t('plan.validate')}
        </Button>
      </Space>
      {failure && (
        <Alert
          type="error"
          showIcon
          style={{ marginTop: 12 }}
          closable={{ onClose: props.onDismiss }}
          data-testid="plan-errors"
          title={failure.errors.length ? t('plan.errorsCount', { n: failure.errors.length }) : t('plan.errors')}
          description={
            failure.errors.length ? (
              <ul style={{ margin: 0, paddingLeft: 20 }}>
                {failure.errors.map((e, i) => (
                  <li key={i} data-testid="plan-error">
                    <Typography.Text code>{`${e.line}:${e.col}`}</Typography.Text> {e.message}
                  </li>
                ))}
              </ul>
            ) : (
              failure.message
            )
          }
        />
      )}
    </Card>
  );
}

/** A stored version against the active one: line diff, and for administrators the Activate button. */
function CandidateCard(props: { candidate: Candidate; activeVersion: string; admin: boolean; busy: boolean; onActivate: () => Promise<void>; onClose: () => void }) {
  const { t } = useT();
  const { candidate: c } = props;
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  }, [c]);
  const added = c.diff.filter((d) => d.kind === '+').length;
  const removed = c.diff.filter((d) => d.kind === '-').length;
  return (
    <Card
      ref={ref}
      size="small"
      data-testid="plan-candidate"
      title={
        <Space wrap>
          {c.uploaded ? <Tag color="blue">{t('plan.saved')}</Tag> : <Tag>{t('plan.stored')}</Tag>}
          <span>
            {c.plan_id} <b>{c.version}</b>
          </span>
          <Typography.Text type="secondary">{t('plan.diffAgainst', { version: props.activeVersion })}</Typography.Text>
          <Tag color="green">+{added}</Tag>
          <Tag color="red">−{removed}</Tag>
        </Space>
      }
      extra={
        <Space>
          {props.admin && !c.active && (
            <Popconfirm title={t('plan.activateConfirm', { version: c.version })} onConfirm={props.onActivate} okButtonProps={{ 'data-testid': 'confirm-ok' } as never}>
              <Button type="primary" danger loading={props.busy} data-testid="plan-activate">
                {t('plan.activate')}
              </Button>
            </Popconfirm>
          )}
          <Button onClick={props.onClose}>{t('common.close')}</Button>
        </Space>
      }
    >
      {added + removed === 0 ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('plan.noChanges')} data-testid="plan-diff" /> : <DiffView lines={c.diff} />}
    </Card>
  );
}

/** + and - lines with three lines of context; longer unchanged runs fold into one line. */
function DiffView({ lines }: { lines: DiffLine[] }) {
  const { t } = useT();
  const CONTEXT = 3;
  const rows: { key: string; cls: string; text: string }[] = [];
  const changed = lines.map((l) => l.kind !== ' ');
  const near = (i: number) => changed.slice(Math.max(0, i - CONTEXT), i + CONTEXT + 1).some(Boolean);
  let skipped = 0;
  lines.forEach((l, i) => {
    if (l.kind === ' ' && !near(i)) {
      skipped++;
      return;
    }
    if (skipped) rows.push({ key: `s${i}`, cls: 'skip', text: `  ⋯ ${t('plan.unchanged', { n: skipped })}` });
    skipped = 0;
    rows.push({ key: `l${i}`, cls: l.kind === '+' ? 'add' : l.kind === '-' ? 'del' : '', text: `${l.kind === ' ' ? ' ' : l.kind} ${l.text}` });
  });
  if (skipped) rows.push({ key: 'end', cls: 'skip', text: `  ⋯ ${t('plan.unchanged', { n: skipped })}` });
  return (
    <pre className="diff" data-testid="plan-diff" style={{ margin: 0 }}>
      {rows.map((r) => (
        <span key={r.key} className={r.cls} style={r.cls === 'skip' ? { display: 'block', color: '#999' } : r.cls ? undefined : { display: 'block' }}>
          {r.text}
        </span>
      ))}
    </pre>
  );
}

interface DiffLine {
  kind: ' ' | '+' | '-';
  text: string;
}

/**
 * A line diff of two texts by longest common subsequence: `-` lines only in `a`, `+` lines
 * only in `b`. Common head and tail are trimmed first; a middle too large for the table
 * (over 4 million cells) shows as all removed, then all added.
 */
function lineDiff(a: string, b: string): DiffLine[] {
  const x = a === '' ? [] : a.replace(/\n$/, '').split('\n');
  const y = b === '' ? [] : b.replace(/\n$/, '').split('\n');
  let head = 0;
  while (head < x.length && head < y.length && x[head] === y[head]) head++;
  let tail = 0;
  while (tail < x.length - head && tail < y.length - head && x[x.length - 1 - tail] === y[y.length - 1 - tail]) tail++;
  const xs = x.slice(head, x.length - tail);
  const ys = y.slice(head, y.length - tail);
  const same = (text: string): DiffLine => ({ kind: ' ', text });
  const out: DiffLine[] = x.slice(0, head).map(same);
  const n = xs.length;
  const m = ys.length;
  if (n * m > 4_000_000) {
    out.push(...xs.map((text): DiffLine => ({ kind: '-', text })), ...ys.map((text): DiffLine => ({ kind: '+', text })));
  } else {
    // lcs[i * w + j]: length of the longest common subsequence of xs[i..] and ys[j..].
    const w = m + 1;
    const lcs = new Uint32Array((n + 1) * w);
    const at = (i: number, j: number) => lcs[i * w + j] ?? 0;
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) lcs[i * w + j] = xs[i] === ys[j] ? at(i + 1, j + 1) + 1 : Math.max(at(i + 1, j), at(i, j + 1));
    }
    let i = 0;
    let j = 0;
    while (i < n && j < m) {
      if (xs[i] === ys[j]) {
        out.push(same(xs[i++]!));
        j++;
      } else if (at(i + 1, j) >= at(i, j + 1)) out.push({ kind: '-', text: xs[i++]! });
      else out.push({ kind: '+', text: ys[j++]! });
    }
    while (i < n) out.push({ kind: '-', text: xs[i++]! });
    while (j < m) out.push({ kind: '+', text: ys[j++]! });
  }
  out.push(...x.slice(x.length - tail).map(same));
  return out;
}

/** Epoch milliseconds (a number, or a string from PostgreSQL) as `yyyy-mm-dd hh:mm` in the county's zone. */
function instant(ms: number | string | null, tz: string): string {
  if (ms === null || ms === '') return '—';
  return dayjs(Number(ms)).tz(tz).format('YYYY-MM-DD HH:mm');
}

/** A plan duration (`15m`, `1h`, `1h30m`, `15d`) in words. */
function duration(text: string, t: (key: string, vars?: Record<string, unknown>) => string): string {
  const m = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text.trim());
  if (!m) return text;
  const parts = (['d', 'h', 'm', 's'] as const).flatMap((unit, k) => (m[k + 1] ? [t(`plan.dur.${unit}`, { n: Number(m[k + 1]) })] : []));
  return parts.join(' ') || text;
}
