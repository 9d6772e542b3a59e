import { CopyOutlined, DownloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, DatePicker, Empty, Input, InputNumber, Row, Space, Statistic, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs, { type Dayjs } from 'dayjs';
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import ReactEChartsCore from 'echarts-for-react/esm/core';
import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router';
import type { AccountabilityReport, Assessment, AssessmentRow, CaseFigures, Compliance, MeasureRecord, Notice, SummonsRecord, UnitFigures } from '../../../../src/api';
import { ApiError, get } from '../../shared/http';
import { dateTime } from '../../shared/incident-bits';
import { useT } from '../../shared/i18n';
import { usePlan } from '../../shared/plan-context';
import { SearchSelect } from '../../shared/search-select';

// Only the parts of ECharts the three bar charts use (the full build is ~200 kB gzipped more).
echarts.use([BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

const GREEN = '#2e7d32';
const RED = '#c62828';
const BLUE = '#1565c0';

const pct = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`);
const num = (x: number | null) => (x === null ? '—' : String(x));

/** `?from=…&to=…&unit=…&lang=…` of the current filters; no period means this month (the server's clock). */
function query(params: Record<string, string | number | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * Accountability (§5.2, safeguards 2–3): for a period and unit, how summons ended, arrival
 * times, late and missed summons with their incidents, measures taken without prior approval,
 * case deadline compliance; the year-end assessment; the draft notice; XLSX and CSV downloads.
 */
export function AccountabilityPage() {
  const { t, lang } = useT();
  const { plan } = usePlan();
  const { message } = App.useApp();
  /** The period picked, as county days; null until picked: this month. */
  const [range, setRange] = useState<[string, string] | null>(null);
  const [unit, setUnit] = useState<string | null>(null);
  const [year, setYear] = useState<number | null>(null);
  const [report, setReport] = useState<AccountabilityReport | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [table, setTable] = useState<Assessment | null>(null);
  const [error, setError] = useState<string | null>(null);

  const period = { from: range?.[0], to: range?.[1] };
  useEffect(() => {
    let live = true;
    const q = query({ ...period, unit });
    Promise.all([get<AccountabilityReport>(`/api/reports/accountability${q}`), get<Notice>(`/api/reports/notice${query(period)}`)])
      .then(([r, n]) => {
        if (!live) return;
        setReport(r);
        setNotice(n);
        setError(null);
        setYear((y) => y ?? Number(r.period.from.slice(0, 4)));
      })
      .catch((err: unknown) => live && setError(err instanceof ApiError && err.status === 403 ? t('forbidden.reports') : (err as Error).message));
    return () => {
      live = false;
    };
  }, [range?.[0], range?.[1], unit]);

  useEffect(() => {
    if (year === null) return;
    let live = true;
    get<Assessment>(`/api/reports/assessment${query({ year })}`)
      .then((a) => live && setTable(a))
      .catch((err: unknown) => live && setError((err as Error).message));
    return () => {
      live = false;
    };
  }, [year]);

  const unitOptions = useMemo(() => [...plan.units.values()].map((u) => ({ value: u.id, label: u.name[lang] })), [plan, lang]);

  if (error) return <Alert type="error" showIcon message={error} data-testid="acc-error" />;
  if (!report) return null;
  const q = query({ ...period, unit, lang });
  // Until a period is picked, the picker shows the one the server chose (this month in the county).
  const shown = range ?? [report.period.from.slice(0, 10), dayjs(report.period.to.slice(0, 10)).subtract(1, 'day').format('YYYY-MM-DD')];
  const copy = async () => {
    await navigator.clipboard.writeText(notice?.text ?? '');
    message.success(t('acc.copied'));
  };

  return (
    <div data-testid="accountability">
      <Space align="center" wrap style={{ marginBottom: 12 }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('acc.title')}
        </Typography.Title>
        <DatePicker.RangePicker
          data-testid="acc-period"
          allowClear={false}
          value={[dayjs(shown[0]), dayjs(shown[1])]}
          onChange={(v) => v?.[0] && v[1] && setRange([(v[0] as Dayjs).format('YYYY-MM-DD'), (v[1] as Dayjs).format('YYYY-MM-DD')])}
        />
        <SearchSelect
          data-testid="acc-unit"
          allowClear
          placeholder={t('acc.allUnits')}
          style={{ minWidth: 220 }}
          value={unit}
          onChange={(v: string | undefined) => setUnit(v ?? null)}
          options={unitOptions}
        />
      </Space>
      <Typography.Paragraph type="secondary">{t('acc.note')}</Typography.Paragraph>

      <Totals r={report} />

      <Card
        title={t('acc.units')}
        style={{ marginTop: 12 }}
        extra={<Downloads testid="accountability" xlsx={`/api/reports/accountability.xlsx${q}`} csv={`/api/reports/accountability.csv${q}`} />}
      >
        <UnitTable rows={report.units} />
      </Card>

      <Row gutter={12} style={{ marginTop: 12 }}>
        <Col xs={24} lg={8}>
          <Card title={t('acc.chart.onTime')} size="small">
            <OnTimeChart units={report.units} />
          </Card>
        </Col>
        <Col xs={24} lg={8}>
          <Card title={t('acc.chart.arrival')} size="small">
            <ArrivalChart r={report} />
          </Card>
        </Col>
        <Col xs={24} lg={8}>
          <Card title={t('acc.chart.cases')} size="small">
            <CaseChart cases={report.cases} />
          </Card>
        </Col>
      </Row>

      <Card title={t('acc.late')} style={{ marginTop: 12 }}>
        <LateTable rows={report.late} />
      </Card>
      <Card title={t('acc.measures')} style={{ marginTop: 12 }}>
        <MeasureTable rows={report.measures} />
      </Card>
      <Card title={t('acc.cases')} style={{ marginTop: 12 }}>
        <CaseTable rows={report.cases} />
      </Card>

      <Card
        title={t('acc.assessment', { year: year ?? '' })}
        style={{ marginTop: 12 }}
        extra={
          <Space wrap>
            <InputNumber data-testid="acc-year" min={2000} max={2100} value={year} onChange={(v) => v && setYear(v)} />
            <Downloads testid="assessment" xlsx={`/api/reports/assessment.xlsx${query({ year, lang })}`} csv={`/api/reports/assessment.csv${query({ year, lang })}`} docx={`/api/reports/assessment.docx${query({ year })}`} />
          </Space>
        }
      >
        <AssessmentTable rows={table?.rows ?? []} />
      </Card>

      <Card
        title={t('acc.notice')}
        style={{ marginTop: 12 }}
        extra={
          <Space>
            <Button icon={<CopyOutlined />} onClick={() => void copy()} data-testid="acc-notice-copy">
              {t('acc.copy')}
            </Button>
            <Button icon={<DownloadOutlined />} href={`/api/reports/notice.docx${query(period)}`} download data-testid="download-notice-docx" title={t('acc.officialDocx')}>
              DOCX
            </Button>
          </Space>
        }
      >
        <Input.TextArea data-testid="acc-notice" readOnly value={notice?.text ?? ''} autoSize={{ minRows: 8, maxRows: 30 }} style={{ fontFamily: 'inherit' }} />
      </Card>
    </div>
  );
}

/** File downloads of a table; `docx` is the official document (公文) layout, to edit and issue. */
function Downloads({ testid, xlsx, csv, docx }: { testid: string; xlsx: string; csv: string; docx?: string }) {
  const { t } = useT();
  return (
    <Space>
      <Button icon={<DownloadOutlined />} href={xlsx} download data-testid={`download-${testid}-xlsx`}>
        XLSX
      </Button>
      <Button icon={<DownloadOutlined />} href={csv} download data-testid={`download-${testid}-csv`}>
        CSV
      </Button>
      {docx && (
        <Button icon={<DownloadOutlined />} href={docx} download data-testid={`download-${testid}-docx`} title={t('acc.officialDocx')}>
          DOCX
        </Button>
      )}
    </Space>
  );
}

function Totals({ r }: { r: AccountabilityReport }) {
  const { t } = useT();
  const x = r.totals;
  const items: [string, string | number, string?][] = [
    [t('acc.summoned'), x.summoned],
    [t('acc.onTimeRate'), pct(x.on_time_rate), x.on_time_rate !== null && x.on_time_rate < 1 ? RED : GREEN],
    [t('summons.late'), x.late, x.late ? RED : undefined],
    [t('summons.missed'), x.missed, x.missed ? RED : undefined],
    [t('acc.median'), num(x.median_minutes)],
    [t('acc.p90'), num(x.p90_minutes)],
    [t('acc.unapproved'), x.unapproved_measures, x.unapproved_measures ? RED : undefined],
  ];
  return (
    <Row gutter={[12, 12]} data-testid="acc-totals">
      {items.map(([title, value, color]) => (
        <Col key={title} xs={12} sm={8} md={6} lg={3}>
          <Card size="small">
            <Statistic title={title} value={value} styles={{ content: color ? { color } : {} }} />
          </Card>
        </Col>
      ))}
    </Row>
  );
}

function UnitTable({ rows }: { rows: UnitFigures[] }) {
  const { t, lang } = useT();
  const columns: ColumnsType<UnitFigures> = [
    { title: t('col.unit'), key: 'unit', render: (_, r) => r.name[lang] },
    { title: t('acc.summoned'), dataIndex: 'summoned', align: 'right' },
    { title: t('summons.on_time'), dataIndex: 'on_time', align: 'right' },
    { title: t('summons.late'), dataIndex: 'late', align: 'right', render: (v: number) => (v ? <Tag color="orange">{v}</Tag> : v) },
    { title: t('summons.missed'), dataIndex: 'missed', align: 'right', render: (v: number) => (v ? <Tag color="red">{v}</Tag> : v) },
    { title: t('summons.stood_down'), dataIndex: 'stood_down', align: 'right' },
    { title: t('summons.pending'), dataIndex: 'pending', align: 'right' },
    { title: t('acc.onTimeRate'), dataIndex: 'on_time_rate', align: 'right', render: pct },
    { title: t('acc.median'), dataIndex: 'median_minutes', align: 'right', render: num },
    { title: t('acc.p90'), dataIndex: 'p90_minutes', align: 'right', render: num },
    { title: t('acc.unapproved'), dataIndex: 'unapproved_measures', align: 'right', render: (v: number) => (v ? <Tag color="red">{v}</Tag> : v) },
  ];
  return <Table data-testid="acc-units" size="small" rowKey="unit" pagination={false} columns={columns} dataSource={rows} locale={{ emptyText: <Empty description={t('acc.empty')} /> }} scroll={{ x: true }} />;
}

function LateTable({ rows }: { rows: SummonsRecord[] }) {
  const { t, lang } = useT();
  const columns: ColumnsType<SummonsRecord> = [
    { title: t('col.unit'), key: 'unit', render: (_, r) => r.unit_name[lang] },
    { title: t('col.role'), key: 'role', render: (_, r) => r.role_name[lang] },
    { title: t('label.venue'), key: 'venue', render: (_, r) => r.venue_name[lang] },
    { title: t('col.issued'), dataIndex: 'issued_at', render: dateTime },
    { title: t('col.deadline'), dataIndex: 'deadline', render: dateTime },
    { title: t('col.arrived'), dataIndex: 'arrived_at', render: dateTime },
    { title: t('col.status'), dataIndex: 'status', render: (s: string) => <Tag color={s === 'missed' ? 'red' : 'orange'}>{t(`summons.${s}`)}</Tag> },
    { title: t('acc.minutesOver'), dataIndex: 'minutes_over', align: 'right', render: num },
    { title: t('heading.incident'), key: 'incident', render: (_, r) => <Link to={`/incidents/${r.incident}`} data-testid="acc-late-link" title={r.incident}>{t('acc.viewIncident')}</Link> },
  ];
  return <Table data-testid="acc-late" size="small" rowKey={(r) => `${r.incident}/${r.role}`} pagination={{ pageSize: 20, hideOnSinglePage: true }} columns={columns} dataSource={rows} locale={{ emptyText: <Empty description={t('acc.noLate')} /> }} scroll={{ x: true }} />;
}

function MeasureTable({ rows }: { rows: MeasureRecord[] }) {
  const { t, lang } = useT();
  const columns: ColumnsType<MeasureRecord> = [
    { title: t('col.unit'), key: 'unit', render: (_, r) => r.unit_name?.[lang] ?? '—' },
    { title: t('action.kind'), key: 'kind', render: (_, r) => r.kind_name[lang] },
    { title: t('label.basis'), dataIndex: 'basis' },
    { title: t('label.taken'), dataIndex: 'taken_at', render: dateTime },
    { title: t('acc.approvedAfter'), key: 'approved', render: (_, r) => (r.flagged ? <Tag color="red">{t('label.flagged')}</Tag> : `${r.approved_by ?? ''} ${dateTime(r.approved_at)}`) },
    { title: t('heading.incident'), key: 'incident', render: (_, r) => <Link to={`/incidents/${r.incident}`} title={r.incident}>{t('acc.viewIncident')}</Link> },
  ];
  return <Table data-testid="acc-measures" size="small" rowKey={(r) => `${r.incident}/${r.measure}`} pagination={false} columns={columns} dataSource={rows} locale={{ emptyText: <Empty description={t('acc.noMeasures')} /> }} scroll={{ x: true }} />;
}

function complianceColumns<R extends { acceptance: Compliance; handling: Compliance }>(t: (k: string) => string): ColumnsType<R> {
  return [
    { title: t('acc.acceptedInTime'), key: 'a_on', align: 'right', render: (_, r) => r.acceptance.on_time },
    { title: t('acc.acceptOverdue'), key: 'a_over', align: 'right', render: (_, r) => r.acceptance.late + r.acceptance.overdue || 0 },
    { title: t('acc.acceptRate'), key: 'a_rate', align: 'right', render: (_, r) => pct(r.acceptance.rate) },
    { title: t('acc.handledInTime'), key: 'h_on', align: 'right', render: (_, r) => r.handling.on_time },
    { title: t('acc.handleOverdue'), key: 'h_over', align: 'right', render: (_, r) => r.handling.late + r.handling.overdue || 0 },
    { title: t('acc.handleRate'), key: 'h_rate', align: 'right', render: (_, r) => pct(r.handling.rate) },
  ];
}

function CaseTable({ rows }: { rows: CaseFigures[] }) {
  const { t, lang } = useT();
  const columns: ColumnsType<CaseFigures> = [
    { title: t('acc.handler'), key: 'unit', render: (_, r) => r.name[lang] },
    { title: t('acc.caseCount'), dataIndex: 'cases', align: 'right' },
    ...complianceColumns<CaseFigures>(t),
  ];
  return <Table data-testid="acc-cases" size="small" rowKey="unit" pagination={false} columns={columns} dataSource={rows} locale={{ emptyText: <Empty description={t('acc.noCases')} /> }} scroll={{ x: true }} />;
}

function AssessmentTable({ rows }: { rows: AssessmentRow[] }) {
  const { t, lang } = useT();
  const columns: ColumnsType<AssessmentRow> = [
    { title: t('col.unit'), key: 'unit', fixed: 'left', render: (_, r) => r.name[lang] },
    { title: t('acc.summoned'), dataIndex: 'summoned', align: 'right' },
    { title: t('summons.on_time'), dataIndex: 'on_time', align: 'right' },
    { title: t('summons.late'), dataIndex: 'late', align: 'right' },
    { title: t('summons.missed'), dataIndex: 'missed', align: 'right' },
    { title: t('acc.onTimeRate'), dataIndex: 'on_time_rate', align: 'right', render: pct },
    { title: t('acc.median'), dataIndex: 'median_minutes', align: 'right', render: num },
    { title: t('acc.p90'), dataIndex: 'p90_minutes', align: 'right', render: num },
    { title: t('acc.unapproved'), dataIndex: 'unapproved_measures', align: 'right' },
    { title: t('acc.caseCount'), dataIndex: 'cases', align: 'right' },
    ...complianceColumns<AssessmentRow>(t),
  ];
  return <Table data-testid="acc-assessment" size="small" rowKey="unit" pagination={false} columns={columns} dataSource={rows} scroll={{ x: true }} />;
}

/**
 * A bar chart that marks itself `data-finished` once ECharts has drawn it (animation
 * included), so tests and screenshots can wait for the picture rather than a fixed delay.
 */
function Chart({ testid, option, empty }: { testid: string; option: Record<string, unknown>; empty: boolean }) {
  const { t } = useT();
  const [finished, setFinished] = useState(false);
  if (empty) {
    return (
      <div data-testid={testid} data-finished="empty">
        <Empty description={t('acc.empty')} />
      </div>
    );
  }
  return (
    <div data-testid={testid} data-finished={finished ? 'true' : 'false'}>
      <ReactEChartsCore echarts={echarts} option={option} notMerge style={{ height: 280 }} onEvents={{ finished: () => setFinished(true) }} />
    </div>
  );
}

const shortName = (name: string) => (name.length > 10 ? `${name.slice(0, 9)}…` : name);

function OnTimeChart({ units }: { units: UnitFigures[] }) {
  const { t, lang } = useT();
  const rows = units.filter((u) => u.on_time_rate !== null);
  const option = {
    grid: { left: 40, right: 10, top: 20, bottom: 70 },
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => `${v}%` },
    xAxis: { type: 'category', data: rows.map((u) => shortName(u.name[lang])), axisLabel: { rotate: 35, interval: 0 } },
    yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
    series: [
      {
        name: t('acc.onTimeRate'),
        type: 'bar',
        data: rows.map((u) => ({ value: Math.round(u.on_time_rate! * 1000) / 10, itemStyle: { color: u.on_time_rate! < 1 ? RED : GREEN } })),
        label: { show: true, position: 'top', formatter: '{c}%' },
      },
    ],
  };
  return <Chart testid="chart-on-time" option={option} empty={rows.length === 0} />;
}

function ArrivalChart({ r }: { r: AccountabilityReport }) {
  const { t } = useT();
  const labels = r.distribution.map((b) => (b.max === null ? `>${b.min}` : b.min === 0 ? `≤${b.max}` : `${b.min}–${b.max}`));
  const option = {
    grid: { left: 40, right: 10, top: 30, bottom: 40 },
    legend: { top: 0 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: labels, name: t('acc.minutes'), nameLocation: 'middle', nameGap: 26 },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: t('summons.on_time'), type: 'bar', stack: 'arrivals', data: r.distribution.map((b) => b.on_time), itemStyle: { color: GREEN } },
      { name: t('summons.late'), type: 'bar', stack: 'arrivals', data: r.distribution.map((b) => b.late), itemStyle: { color: RED } },
    ],
  };
  return <Chart testid="chart-arrival" option={option} empty={r.distribution.every((b) => b.on_time + b.late === 0)} />;
}

function CaseChart({ cases }: { cases: CaseFigures[] }) {
  const { t, lang } = useT();
  const rate = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 10);
  const option = {
    grid: { left: 40, right: 10, top: 30, bottom: 70 },
    legend: { top: 0 },
    tooltip: { trigger: 'axis', valueFormatter: (v: number | null) => (v === null ? '—' : `${v}%`) },
    xAxis: { type: 'category', data: cases.map((c) => shortName(c.name[lang])), axisLabel: { rotate: 35, interval: 0 } },
    yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
    series: [
      { name: t('acc.acceptRate'), type: 'bar', data: cases.map((c) => rate(c.acceptance.rate)), itemStyle: { color: BLUE } },
      { name: t('acc.handleRate'), type: 'bar', data: cases.map((c) => rate(c.handling.rate)), itemStyle: { color: GREEN } },
    ],
  };
  return <Chart testid="chart-cases" option={option} empty={cases.length === 0} />;
}
