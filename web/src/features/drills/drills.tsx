import { DownloadOutlined, InboxOutlined, PlayCircleOutlined, SaveOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Descriptions, Empty, Input, Row, Space, Statistic, Table, Tabs, Tag, Timeline, Typography, Upload } from 'antd';
import type { TextAreaRef } from 'antd/es/input/TextArea';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { IncidentView, UnitAccountability } from '../../../src/engine/incident.view';
import { ApiError, get, post } from '../api';
import { clock, SUMMONS_COLOR, TierTag } from '../components/incident-bits';
import { useT } from '../i18n';
import { usePlan } from '../plan-context';
import { SearchSelect } from '../components/search-select';

type Bilingual = { zh: string; en: string };

/** A bundled scenario as GET /api/drills/scenarios lists it: its name and description in both languages. */
interface BundledScenario {
  file: string;
  name: string;
  title: Bilingual;
  description: Bilingual | null;
  steps: number;
  valid: boolean;
}

/** What POST /api/drills answers (and a saved report keeps): the contract JSON, the timeline, the compliance summary. */
interface DrillResult {
  scenario: { file: string; origin: 'bundled' | 'uploaded'; name: string; title?: Bilingual; start: string; until: string; steps: number };
  drill: Pick<IncidentView, 'summons' | 'tiers' | 'alerts' | 'measures' | 'rejected' | 'cases'> & {
    scenario: string;
    plan: { id: string; version: string; digest: string };
    incident: IncidentView['incident'] | null;
    accountability: UnitAccountability[];
  };
  timeline: { seq: number; at: string; since: string; type: string; clause: string | null; alert: boolean; text: Bilingual }[];
  summary: {
    units: (UnitAccountability & { name: Bilingual })[];
    totals: Omit<UnitAccountability, 'unit'>;
    alerts: { deadline_missed: number; unapproved_measure: number; update_due: number };
    unapproved_measures: { id: string; kind: string; taken_at: string; approved_after: string | null }[];
    rejections: { at: string; do: string; code: string; reason: Bilingual }[];
    compliant: boolean;
  };
}

/** A saved drill report as GET /api/drills/reports lists it. */
interface SavedReport {
  id: string;
  scenario: { name: string; title?: Bilingual; file: string; origin: 'bundled' | 'uploaded' };
  plan: { id: string; version: string; digest: string };
  virtual_start: string;
  created_at: string;
  created_by: string | null;
  summary: DrillResult['summary'];
}

/** A located problem in a scenario (the CLI prints it as FILE:LINE:COL: message). */
interface ScenarioError {
  file: string;
  line: number;
  column: number;
  message: string;
}

/** What a drill was run from: a bundled file, or uploaded text. Saving sends the same. */
type DrillInput = { scenario: string } | { source: string; name: string };

/** What the result card shows: a fresh run (which can be saved) or a saved report. */
interface Shown {
  result: DrillResult;
  input: DrillInput | null;
  savedId: string | null;
}

/**
 * Drills (issue 5 §6): pick a bundled scenario or upload one, run it against the active plan on
 * a virtual clock, read the timeline and the compliance summary, save the report. A drill never
 * touches real incidents.
 */
export function DrillsPage() {
  const { t, lang } = useT();
  const { message } = App.useApp();
  const [scenarios, setScenarios] = useState<BundledScenario[] | null>(null);
  const [picked, setPicked] = useState<string | undefined>();
  const [tab, setTab] = useState<'bundled' | 'upload'>('bundled');
  const [source, setSource] = useState('');
  const [name, setName] = useState('scenario.yaml');
  /** The last run's errors; `editable` when they point into the editor's text. */
  const [errors, setErrors] = useState<{ message: string; list: ScenarioError[]; editable: boolean } | null>(null);
  const [shown, setShown] = useState<Shown | null>(null);
  const [reports, setReports] = useState<SavedReport[] | null>(null);
  const [busy, setBusy] = useState(false);
  const editor = useRef<TextAreaRef>(null);
  const resultRef = useRef<HTMLDivElement>(null);

  const loadReports = useCallback(async () => setReports(await get<SavedReport[]>('/api/drills/reports')), []);
  useEffect(() => {
    void get<BundledScenario[]>('/api/drills/scenarios').then((list) => {
      setScenarios(list);
      setPicked((p) => p ?? list.find((s) => s.valid)?.file);
    });
    void loadReports();
  }, [loadReports]);

  useEffect(() => {
    if (shown) resultRef.current?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  }, [shown]);

  const run = async (input: DrillInput) => {
    setBusy(true);
    setErrors(null);
    try {
      const result = await post<DrillResult>('/api/drills', input);
      setShown({ result, input, savedId: null });
    } catch (err) {
      const list = err instanceof ApiError && Array.isArray(err.body.errors) ? (err.body.errors as ScenarioError[]) : [];
      setErrors({ message: (err as Error).message, list, editable: 'source' in input });
      setShown(null);
    } finally {
      setBusy(false);
    }
  };

  const save = async () => {
    if (!shown?.input) return;
    setBusy(true);
    try {
      const saved = await post<SavedReport>('/api/drills/reports', { ...shown.input, plan_digest: shown.result.drill.plan.digest });
      setShown({ ...shown, savedId: saved.id });
      message.success(t('drill.saved'));
      await loadReports();
    } catch (err) {
      message.error((err as Error).message, 6);
    } finally {
      setBusy(false);
    }
  };

  const open = async (id: string) => {
    try {
      const saved = await get<{ id: string; report: DrillResult }>(`/api/drills/reports/${id}`);
      setErrors(null);
      setShown({ result: saved.report, input: null, savedId: saved.id });
    } catch (err) {
      message.error((err as Error).message);
    }
  };

  /** Copies a bundled scenario into the editor, to change it and run it as an upload. */
  const edit = async (file: string) => {
    const res = await fetch(`/api/drills/scenarios/${encodeURIComponent(file)}`, { credentials: 'same-origin' });
    if (!res.ok) return;
    setSource(await res.text());
    setName(file);
    setTab('upload');
  };

  /** Puts the editor's cursor at a located error. */
  const jump = (e: ScenarioError) => {
    const area = editor.current?.resizableTextArea?.textArea;
    if (!area) return;
    const lines = source.split('\n');
    const at = lines.slice(0, e.line - 1).reduce((n, l) => n + l.length + 1, 0) + Math.max(0, e.column - 1);
    const end = at + Math.max(1, (lines[e.line - 1]?.length ?? 0) - (e.column - 1));
    area.focus();
    area.setSelectionRange(at, end);
  };

  const current = scenarios?.find((s) => s.file === picked);
  return (
    <div>
      <Space wrap align="center" style={{ marginBottom: 12 }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('drill.title')}
        </Typography.Title>
        <Tag color="purple">{t('drill.rehearsal')}</Tag>
      </Space>
      <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('drill.notice')} data-testid="drill-notice" />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <Card size="small">
            <Tabs
              activeKey={tab}
              onChange={(k) => setTab(k as 'bundled' | 'upload')}
              items={[
                {
                  key: 'bundled',
                  label: t('drill.bundled'),
                  children: (
                    <Space orientation="vertical" style={{ width: '100%' }}>
                      <SearchSelect
                        style={{ width: '100%' }}
                        loading={!scenarios}
                        value={picked}
                        onChange={setPicked}
                        placeholder={t('drill.pick')}
                        data-testid="drill-scenario"
                        options={(scenarios ?? []).map((s) => ({ value: s.file, label: `${s.title[lang]} · ${t('drill.steps', { n: s.steps })}`, disabled: !s.valid }))}
                      />
                      {current && (
                        <Typography.Paragraph type="secondary" style={{ margin: 0 }} data-testid="drill-description">
                          <Typography.Text code>{current.file}</Typography.Text> {current.description?.[lang]}
                        </Typography.Paragraph>
                      )}
                      <Space wrap>
                        <Button type="primary" icon={<PlayCircleOutlined />} loading={busy} disabled={!picked} onClick={() => picked && void run({ scenario: picked })} data-testid="drill-run">
                          {t('drill.run')}
                        </Button>
                        <Button disabled={!picked} onClick={() => picked && void edit(picked)} data-testid="drill-edit">
                          {t('drill.edit')}
                        </Button>
                      </Space>
                    </Space>
                  ),
                },
                {
                  key: 'upload',
                  label: t('drill.upload'),
                  children: (
                    <div>
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
                        data-testid="drill-upload-file"
                      >
                        <p className="ant-upload-drag-icon">
                          <InboxOutlined />
                        </p>
                        <p className="ant-upload-text">{t('drill.dropHint')}</p>
                      </Upload.Dragger>
                      <Typography.Text type="secondary" style={{ display: 'block', margin: '8px 0 4px' }}>
                        {t('drill.pasteHint')}
                      </Typography.Text>
                      <Input.TextArea
                        ref={editor}
                        value={source}
                        onChange={(e) => setSource(e.target.value)}
                        rows={12}
                        spellCheck={false}
                        placeholder={t('drill.source')}
                        style={{ fontFamily: 'monospace', fontSize: 12 }}
                        data-testid="drill-upload-text"
                      />
                      <Space style={{ marginTop: 8 }} wrap>
                        <Space.Compact>
                          <Button disabled>{t('drill.fileName')}</Button>
                          <Input value={name} onChange={(e) => setName(e.target.value)} style={{ width: 240 }} data-testid="drill-upload-name" />
                        </Space.Compact>
                        <Button type="primary" icon={<PlayCircleOutlined />} loading={busy} disabled={!source.trim()} onClick={() => void run({ source, name: name.trim() || 'scenario.yaml' })} data-testid="drill-upload-run">
                          {t('drill.run')}
                        </Button>
                      </Space>
                    </div>
                  ),
                },
              ]}
            />
            {errors && (
              <Alert
                type="error"
                showIcon
                style={{ marginTop: 12 }}
                closable={{ onClose: () => setErrors(null) }}
                data-testid="drill-errors"
                title={errors.list.length ? t('drill.errorsCount', { n: errors.list.length }) : t('drill.errors')}
                description={
                  errors.list.length ? (
                    <ul style={{ margin: 0, paddingLeft: 20 }}>
                      {errors.list.map((e, i) => (
                        <li key={i} data-testid="drill-error">
                          {errors.editable ? (
                            <Typography.Link onClick={() => jump(e)}>
                              <Typography.Text code>{`${e.file}:${e.line}:${e.column}`}</Typography.Text>
                            </Typography.Link>
                          ) : (
                            <Typography.Text code>{`${e.file}:${e.line}:${e.column}`}</Typography.Text>
                          )}{' '}
                          {e.message}
                        </li>
                      ))}
                    </ul>
                  ) : (
                    errors.message
                  )
                }
              />
            )}
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <ReportsCard reports={reports} onOpen={(id) => void open(id)} openId={shown?.savedId ?? null} />
        </Col>
        {shown && (
          <Col span={24}>
            <div ref={resultRef}>
              <ResultView shown={shown} busy={busy} onSave={() => void save()} />
            </div>
          </Col>
        )}
      </Row>
    </div>
  );
}

/** Saved reports, newest first: who saved which drill, how it went, and downloads. */
function ReportsCard({ reports, onOpen, openId }: { reports: SavedReport[] | null; onOpen: (id: string) => void; openId: string | null }) {
  const { t, lang } = useT();
  return (
    <Card size="small" title={t('drill.reports')}>
      <div data-testid="drill-reports">
        <Table<SavedReport>
          size="small"
          rowKey="id"
          loading={!reports}
          dataSource={reports ?? []}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('drill.reportsEmpty')} /> }}
          pagination={{ pageSize: 8, hideOnSinglePage: true }}
          rowClassName={(r) => (r.id === openId ? 'ant-table-row-selected' : '')}
          onRow={() => ({ 'data-testid': 'drill-report' }) as never}
          columns={[
            {
              title: t('drill.scenario'),
              render: (_, r) => (
                <span>
                  {r.scenario.title?.[lang] ?? r.scenario.name} <Tag>{t(`drill.origin.${r.scenario.origin}`)}</Tag>
                </span>
              ),
            },
            { title: t('drill.savedAt'), render: (_, r) => `${r.created_at.slice(0, 10)} ${r.created_at.slice(11, 16)}` },
            { title: t('drill.savedBy'), render: (_, r) => r.created_by ?? '—' },
            {
              title: t('drill.outcome'),
              render: (_, r) => <ComplianceTag summary={r.summary} />,
            },
            {
              title: '',
              render: (_, r) => (
                <Space size="small" wrap>
                  <Button size="small" onClick={() => onOpen(r.id)} data-testid={`drill-report-open-${r.id}`}>
                    {t('drill.view')}
                  </Button>
                  <a href={`/api/drills/reports/${r.id}/download?format=json`} download data-testid="drill-download-json">
                    <DownloadOutlined /> JSON
                  </a>
                  <a href={`/api/drills/reports/${r.id}/download?format=text&lang=${lang}`} download data-testid="drill-download-text">
                    <DownloadOutlined /> {t('drill.downloadText')}
                  </a>
                </Space>
              ),
            },
          ]}
        />
      </div>
    </Card>
  );
}

/** Green when the plan's discipline was kept; otherwise how many were late or missed. */
function ComplianceTag({ summary }: { summary: DrillResult['summary'] }) {
  const { t } = useT();
  const { totals } = summary;
  return summary.compliant ? (
    <Tag color="green" data-testid="drill-compliant">{t('drill.compliant')}</Tag>
  ) : (
    <Tag color="red" data-testid="drill-compliant">
      {t('drill.issues', { late: totals.late, missed: totals.missed, unapproved: summary.unapproved_measures.length })}
    </Tag>
  );
}

/** One drill's outcome: what ran, the compliance summary with a chart, and the timeline on the virtual clock. */
function ResultView({ shown, busy, onSave }: { shown: Shown; busy: boolean; onSave: () => void }) {
  const { t, lang } = useT();
  const { venue, role } = usePlan();
  const { result, savedId } = shown;
  const { scenario, drill, summary, timeline } = result;
  const i = drill.incident;
  return (
    <Card
      size="small"
      data-testid="drill-result"
      title={
        <Space wrap>
          <span>{t('drill.result')}</span>
          <b data-testid="drill-result-name">{scenario.title?.[lang] ?? scenario.name}</b>
          <ComplianceTag summary={summary} />
        </Space>
      }
      extra={
        savedId ? (
          <Tag color="blue" data-testid="drill-saved">{t('drill.savedReport')}</Tag>
        ) : (
          <Button type="primary" icon={<SaveOutlined />} loading={busy} onClick={onSave} data-testid="drill-save">
            {t('drill.save')}
          </Button>
        )
      }
    >
      <Descriptions
        size="small"
        column={{ xs: 1, md: 2, xl: 4 }}
        items={[
          { key: 'time', label: t('drill.virtualTime'), children: `${scenario.start.slice(0, 10)} ${clock(scenario.start)} → ${clock(scenario.until)} (${scenario.start.slice(19)})` },
          { key: 'plan', label: t('drill.plan'), children: `${drill.plan.id} ${drill.plan.version}` },
          { key: 'venue', label: t('label.venue'), children: i ? venue(i.venue, lang) : '—' },
          { key: 'status', label: t('col.status'), children: i ? t(`status.${i.status}`) : '—' },
          { key: 'max', label: t('label.max_headcount'), children: i?.max_headcount ?? '—' },
          { key: 'tier', label: t('label.tier'), children: i ? <TierTag tier={i.tier} /> : '—' },
          { key: 'activated', label: t('label.activated'), children: clock(i?.activated_at ?? null) },
          { key: 'cleared', label: t('label.cleared'), children: clock(i?.cleared_at ?? null) },
        ]}
      />
      <Row gutter={[16, 16]} style={{ marginTop: 8 }}>
        <Col xs={24} xl={12}>
          <Card size="small" title={t('drill.summary')} data-testid="drill-summary">
            <Row gutter={16} style={{ marginBottom: 12 }}>
              <Col span={6}>
                <Statistic title={t('col.summoned')} value={summary.totals.summoned} />
              </Col>
              <Col span={6}>
                <Statistic title={t('col.on_time')} value={summary.totals.on_time} styles={{ content: { color: '#389e0d' } }} />
              </Col>
              <Col span={6}>
                <Statistic title={t('col.late')} value={summary.totals.late} styles={{ content: { color: summary.totals.late ? '#d46b08' : undefined } }} />
              </Col>
              <Col span={6}>
                <Statistic title={t('col.missed')} value={summary.totals.missed} styles={{ content: { color: summary.totals.missed ? '#cf1322' : undefined } }} />
              </Col>
            </Row>
            <Table
              size="small"
              rowKey="unit"
              pagination={false}
              dataSource={summary.units}
              locale={{ emptyText: t('drill.noSummons') }}
              onRow={(u) => ({ 'data-testid': `drill-unit-${u.unit}` }) as never}
              columns={[
                { title: t('col.unit'), render: (_, u) => u.name[lang] },
                { title: t('col.summoned'), dataIndex: 'summoned', align: 'right' },
                { title: t('col.on_time'), dataIndex: 'on_time', align: 'right' },
                { title: t('col.late'), align: 'right', render: (_, u) => (u.late ? <Tag color="orange">{u.late}</Tag> : 0) },
                { title: t('col.missed'), align: 'right', render: (_, u) => (u.missed ? <Tag color="red">{u.missed}</Tag> : 0) },
                { title: t('col.pending'), dataIndex: 'pending', align: 'right' },
              ]}
            />
            {summary.units.length > 0 && <UnitBars units={summary.units} />}
            <Descriptions
              size="small"
              column={1}
              style={{ marginTop: 12 }}
              items={[
                {
                  key: 'alerts',
                  label: t('drill.alertsCount'),
                  children: (
                    <Space size={4} wrap>
                      {(['deadline_missed', 'unapproved_measure', 'update_due'] as const).map((k) => (
                        <Tag key={k} color={summary.alerts[k] ? (k === 'update_due' ? 'gold' : 'red') : 'default'}>
                          {t(`alert.${k}`)} {summary.alerts[k]}
                        </Tag>
                      ))}
                    </Space>
                  ),
                },
                {
                  key: 'unapproved',
                  label: t('drill.unapproved'),
                  children: summary.unapproved_measures.length ? (
                    <Space orientation="vertical" size={2} data-testid="drill-unapproved">
                      {summary.unapproved_measures.map((m) => (
                        <span key={m.id}>
                          <Tag>{m.id}</Tag>
                          {t(`measure.${m.kind}`)} · {t('label.taken')} {clock(m.taken_at)}
                          {m.approved_after && <Tag color="gold" style={{ marginLeft: 6 }}>{t('drill.approvedAfter', { time: clock(m.approved_after) })}</Tag>}
                        </span>
                      ))}
                    </Space>
                  ) : (
                    t('label.none')
                  ),
                },
                {
                  key: 'rejections',
                  label: t('drill.rejections'),
                  children: summary.rejections.length ? (
                    <Space orientation="vertical" size={2} data-testid="drill-rejections">
                      {summary.rejections.map((r, k) => (
                        <span key={k}>
                          {clock(r.at)} <Tag>{t(`command.${r.do}`)}</Tag> {r.reason[lang]}
                        </span>
                      ))}
                    </Space>
                  ) : (
                    t('label.none')
                  ),
                },
              ]}
            />
          </Card>
          {drill.summons.length > 0 && (
            <Card size="small" title={t('heading.summons')} style={{ marginTop: 16 }}>
              <Table
                size="small"
                rowKey="role"
                pagination={false}
                dataSource={drill.summons}
                scroll={{ x: true }}
                columns={[
                  { title: t('col.role'), render: (_, s) => role(s.role, lang) },
                  { title: t('col.reason'), render: (_, s) => t(`reason.${s.reason}`) },
                  { title: t('col.issued'), render: (_, s) => clock(s.issued_at) },
                  { title: t('col.deadline'), render: (_, s) => clock(s.deadline) },
                  { title: t('col.arrived'), render: (_, s) => clock(s.arrived_at) },
                  { title: t('col.status'), render: (_, s) => <Tag color={SUMMONS_COLOR[s.status]}>{t(`summons.${s.status}`)}</Tag> },
                ]}
              />
            </Card>
          )}
        </Col>
        <Col xs={24} xl={12}>
          <Card size="small" title={`${t('heading.timeline')} (${t('drill.virtualTime')})`}>
            <Timeline
              data-testid="drill-timeline"
              items={timeline.map((e) => ({
                color: e.alert ? 'red' : e.type === 'command_rejected' ? 'gray' : 'green',
                content: (
                  <div data-testid={`drill-event-${e.type}`}>
                    <Typography.Text type="secondary" style={{ fontFamily: 'monospace' }}>
                      {clock(e.at)} <small>{e.since}</small>
                    </Typography.Text>{' '}
                    {e.text[lang]}
                    {e.clause ? <Tag style={{ marginLeft: 6 }}>{e.clause}</Tag> : null}
                  </div>
                ),
              }))}
            />
          </Card>
        </Col>
      </Row>
    </Card>
  );
}

/** A stacked bar per unit: on time, late, missed, pending. */
function UnitBars({ units }: { units: DrillResult['summary']['units'] }) {
  const { t, lang } = useT();
  const parts = [
    ['on_time', '#52c41a'],
    ['late', '#fa8c16'],
    ['missed', '#f5222d'],
    ['pending', '#1677ff'],
  ] as const;
  const most = Math.max(1, ...units.map((u) => u.summoned));
  return (
    <div style={{ marginTop: 12 }} data-testid="drill-chart" aria-label={t('drill.chart')}>
      <Typography.Text type="secondary">{t('drill.chart')}</Typography.Text>
      {units.map((u) => (
        <div key={u.unit} style={{ display: 'flex', alignItems: 'center', gap: 8, marginTop: 4 }}>
          <span style={{ width: 140, fontSize: 12, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }} title={u.name[lang]}>
            {u.name[lang]}
          </span>
          <div style={{ flex: 1, display: 'flex', height: 14, background: '#f5f5f5', borderRadius: 2 }}>
            {parts.map(([k, color]) =>
              u[k] ? <div key={k} title={`${t(`summons.${k}`)}: ${u[k]}`} style={{ width: `${(u[k] / most) * 100}%`, background: color }} /> : null,
            )}
          </div>
        </div>
      ))}
      <Space size={12} style={{ marginTop: 6, fontSize: 12 }}>
        {parts.map(([k, color]) => (
          <span key={k}>
            <span style={{ display: 'inline-block', width: 10, height: 10, background: color, marginRight: 4 }} />
            {t(`summons.${k}`)}
          </span>
        ))}
      </Space>
    </div>
  );
}
