import { App, Button, Checkbox, Form, Input, InputNumber, Radio, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useT } from '../../shared/i18n';
import { useSendCommand } from '../../shared/outbox-ui';
import { responsibleUnits, usePlan } from '../../shared/plan-context';
import { SearchSelect } from '../../shared/search-select';
import { ReportSitePlanField, withSiteMarks, type ReportSite } from '../site/report-site';

interface ReportForm {
  venue: string;
  headcount: number;
  units: string[];
  matter: string;
  category: 'claim' | 'suggestion' | 'accusation';
  behaviors: string[];
  site?: ReportSite;
}

/** A short form for venue staff on a phone: venue, head count, units (searchable), matter, category, behaviours. */
export function ReportPage() {
  const { t, lang } = useT();
  const { info } = usePlan();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  const send = useSendCommand();
  const org = info.organization;
  const responsible = responsibleUnits(org.units);
  return (
    <div className="phone-form">
      <Typography.Title level={3}>{t('report.title')}</Typography.Title>
      <Form<ReportForm>
        layout="vertical"
        initialValues={{ venue: org.venues[0]?.id, headcount: 5, units: [], category: 'claim', behaviors: [] }}
        onFinish={async (v) => {
          setBusy(true);
          try {
            // Without a connection the report waits on the phone (待发送) and shows as a pending incident.
            const sent = await send(null, withSiteMarks(v, org.venues) as unknown as Record<string, unknown>);
            if (sent && 'queued' in sent) navigate(`/pending/${sent.queued.key}`);
            else if (sent) {
              message.success(t('report.done'));
              navigate(`/incidents/${sent.view.id}`);
            }
          } finally {
            setBusy(false);
          }
        }}
      >
        <Form.Item name="venue" label={t('report.venue')} rules={[{ required: true }]}>
          <Radio.Group optionType="button" buttonStyle="solid" data-testid="venue" options={org.venues.map((v) => ({ value: v.id, label: v.name[lang] }))} />
        </Form.Item>
        <Form.Item name="headcount" label={t('report.headcount')} rules={[{ required: true }]}>
          <InputNumber min={1} max={100000} size="large" style={{ width: '100%' }} inputMode="numeric" data-testid="headcount" />
        </Form.Item>
        <ReportSitePlanField />
        <Form.Item name="units" label={t('report.units')} rules={[{ required: true, type: 'array', min: 1 }]}>
          <SearchSelect
            mode="multiple"
            size="large"
            placeholder={t('report.unitsSearch')}
            data-testid="units"
            options={responsible.map((u) => ({ value: u.id, label: `${u.name[lang]}` }))}
          />
        </Form.Item>
        <Form.Item name="matter" label={t('report.matter')} rules={[{ required: true, whitespace: true }]}>
          <Input.TextArea rows={3} maxLength={2000} data-testid="matter" />
        </Form.Item>
        <Form.Item name="category" label={t('report.category')}>
          <Radio.Group options={(['claim', 'suggestion', 'accusation'] as const).map((c) => ({ value: c, label: t(`category.${c}`) }))} />
        </Form.Item>
        <Form.Item name="behaviors" label={t('report.behaviors')}>
          <Checkbox.Group options={(['lingering', 'charging', 'banner', 'sit_in'] as const).map((b) => ({ value: b, label: t(`behavior.${b}`) }))} />
        </Form.Item>
        <Button type="primary" htmlType="submit" block className="big-button" loading={busy} data-testid="report-submit">
          {t('report.submit')}
        </Button>
      </Form>
    </div>
  );
}
