import { App, Button, Card, Col, Descriptions, Popconfirm, Row, Space, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { wallClockText } from '../../../../src/api/county-time';
import { get, post } from '../../shared/http';
import { useT } from '../../shared/i18n';
import { usePlan, type PlanInfo } from '../../shared/plan-context';
import { uploadFailure, type UploadFailure } from '../../shared/yaml-upload';
import { useSession } from '../auth/session';
import { CandidateCard, lineDiff, type Candidate } from './plan-diff';
import { PlanStructure } from './plan-structure';
import { PlanUploadCard } from './plan-upload';

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

/** The active plan, readably and as tables; stored versions; for administrators, upload, compare and activate. */
export function PlanPage() {
  const { t, lang } = useT();
  const { message } = App.useApp();
  const { info: initial, reload: reloadPlan } = usePlan();
  const admin = useSession().me?.admin ?? false;
  const [info, setInfo] = useState<PlanInfo>(initial);
  const [versions, setVersions] = useState<PlanVersion[] | null>(null);
  const [candidate, setCandidate] = useState<Candidate | null>(null);
  const [failure, setFailure] = useState<UploadFailure | null>(null);
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
      setFailure(uploadFailure(err, true));
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
      // A stored version that no longer fits: its errors point into that version, not the editor.
      setFailure(uploadFailure(err, false));
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
            <PlanUploadCard busy={busy} onSubmit={upload} failure={failure} onDismiss={() => setFailure(null)} />
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

/** Epoch milliseconds (a number, or a string from PostgreSQL) as `yyyy-mm-dd hh:mm` in the county's zone. */
function instant(ms: number | string | null, tz: string): string {
  if (ms === null || ms === '') return '—';
  return wallClockText(Number(ms), tz);
}
