import { PlayCircleOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Row, Space, Tabs, Tag, Typography } from 'antd';
import type { TextAreaRef } from 'antd/es/input/TextArea';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { DrillResult, SavedDrillReport } from '../../../../src/api';
import { get, post } from '../../shared/http';
import { useT } from '../../shared/i18n';
import { SearchSelect } from '../../shared/search-select';
import { jumpTo, LocatedErrors, uploadFailure, YamlUpload, type UploadFailure } from '../../shared/yaml-upload';
import { ReportsCard } from './drill-reports';
import { ResultView, type Bilingual, type DrillInput, type Shown } from './drill-result';

/** A bundled scenario as GET /api/drills/scenarios lists it: its name and description in both languages. */
interface BundledScenario {
  file: string;
  name: string;
  title: Bilingual;
  description: Bilingual | null;
  steps: number;
  valid: boolean;
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
  const [errors, setErrors] = useState<UploadFailure | null>(null);
  const [shown, setShown] = useState<Shown | null>(null);
  const [reports, setReports] = useState<SavedDrillReport[] | null>(null);
  const [busy, setBusy] = useState(false);
  const editor = useRef<TextAreaRef>(null);
  const resultRef = useRef<HTMLDivElement>(null);

  const loadReports = useCallback(async () => setReports(await get<SavedDrillReport[]>('/api/drills/reports')), []);
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
      setErrors(uploadFailure(err, 'source' in input));
      setShown(null);
    } finally {
      setBusy(false);
    }
  };

  const save = async () => {
    if (!shown?.input) return;
    setBusy(true);
    try {
      const saved = await post<SavedDrillReport>('/api/drills/reports', { ...shown.input, plan_digest: shown.result.drill.plan.digest });
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
                    <YamlUpload
                      kind="drill"
                      editor={editor}
                      source={source}
                      onSource={setSource}
                      name={name}
                      onName={setName}
                      rows={12}
                      action={
                        <Button type="primary" icon={<PlayCircleOutlined />} loading={busy} disabled={!source.trim()} onClick={() => void run({ source, name: name.trim() || 'scenario.yaml' })} data-testid="drill-upload-run">
                          {t('drill.run')}
                        </Button>
                      }
                    />
                  ),
                },
              ]}
            />
            {errors && <LocatedErrors kind="drill" failure={errors} onDismiss={() => setErrors(null)} onJump={(e) => jumpTo(editor, source, e)} />}
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
