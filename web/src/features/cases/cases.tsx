import { Alert, App, Button, Card, Divider, Empty, Form, Input, InputNumber, Modal, Radio, Segmented, Select, Space, Spin, Switch, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { errorText, get, post } from '../../shared/http';
import { CaseStatusTag, DeadlineLine } from './case-bits';
import { dateTime } from '../../shared/incident-bits';
import { useT } from '../../shared/i18n';
import { responsibleUnits, usePlan } from '../../shared/plan-context';
import { useSession } from '../auth/session';
import type { CasePersonal, CaseSummary } from '../../../../src/api';
import { SearchSelect } from '../../shared/search-select';

type Scope = 'mine' | 'all';
type Openness = 'open' | 'closed';

/**
 * The handler's work list of follow-up cases (§4.2): the cases they handle or may see, open or
 * closed, nearest deadline first, each with its countdown. Intake staff register walk-in visits here.
 */
export function CasesPage() {
  const { t } = useT();
  const { me } = useSession();
  const [scope, setScope] = useState<Scope>('mine');
  const [openness, setOpenness] = useState<Openness>('open');
  const [cases, setCases] = useState<CaseSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [registering, setRegistering] = useState(false);

  const load = useCallback(async () => {
    setError(null);
    try {
      const list = await get<CaseSummary[]>(`/api/cases?scope=${scope}&open=${openness === 'open' ? 1 : 0}`);
      // `open=0` lists every case; the closed tab keeps the closed ones (the server's order is kept).
      setCases(openness === 'open' ? list : list.filter((c) => c.status === 'closed'));
    } catch (err) {
      setError((err as Error).message);
      setCases([]);
    }
  }, [scope, openness]);

  useEffect(() => {
    setCases(null);
    void load();
  }, [load]);

  // The plan's intake units (the petition bureau and the joint office) register walk-in visits.
  const intake = !!me && (me.admin || me.designations.includes('intake'));
  return (
    <div className="phone-form cases-page">
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 8 }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('cases.title')}
        </Typography.Title>
        {intake && (
          <Button type="primary" onClick={() => setRegistering(true)} data-testid="register-case">
            {t('cases.register')}
          </Button>
        )}
      </Space>
      <Space wrap style={{ marginBottom: 12 }}>
        <Segmented<Scope> value={scope} onChange={setScope} options={[{ value: 'mine', label: t('cases.mine') }, { value: 'all', label: t('cases.all') }]} data-testid="cases-scope" />
        <Segmented<Openness> value={openness} onChange={setOpenness} options={[{ value: 'open', label: t('cases.open') }, { value: 'closed', label: t('cases.closed') }]} data-testid="cases-open" />
      </Space>
      {error && <Alert type="error" title={error} style={{ marginBottom: 12 }} />}
      {cases === null ? <Spin /> : cases.length === 0 ? <Empty description={t('cases.empty')} /> : cases.map((c) => <CaseCard key={c.id} c={c} />)}
      <RegisterCase open={registering} onClose={() => setRegistering(false)} onRegistered={() => void load()} />
    </div>
  );
}

/** One case in the work list: matter, route, status, handler and the deadline it runs against. */
function CaseCard({ c }: { c: CaseSummary }) {
  const { t, lang } = useT();
  return (
    <Card
      size="small"
      className="case-card"
      style={{ marginBottom: 12 }}
      data-testid="case-item"
      data-case={c.id}
      title={
        <Link to={`/cases/${c.id}`} data-testid="case-link">
          {c.matter}
        </Link>
      }
      extra={<CaseStatusTag status={c.status} />}
    >
      <Space orientation="vertical" size={4} style={{ width: '100%' }}>
        <Space wrap size={4}>
          <Tag color="volcano">{t(`route.${c.route}`)}</Tag>
          <Tag>{t(`category.${c.category}`)}</Tag>
          {c.incident === null && <Tag>{t('cases.walkIn')}</Tag>}
        </Space>
        <div>
          {t('label.handler')}: <b data-testid="case-handler">{c.handler_name[lang]}</b>
        </div>
        {c.deadline ? (
          <DeadlineLine deadline={c.deadline} />
        ) : c.closed_at ? (
          <Typography.Text type="secondary">
            {t('case.closedAt')} {dateTime(c.closed_at)} · {c.closed_by ? t(`case.closedBy.${c.closed_by}`) : ''}
          </Typography.Text>
        ) : (
          <Typography.Text type="secondary">{t('case.noDeadline')}</Typography.Text>
        )}
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('case.registeredAt')} {dateTime(c.registered_at)}
        </Typography.Text>
      </Space>
    </Card>
  );
}

interface RegisterForm {
  matter: string;
  units: string[];
  category: 'claim' | 'suggestion' | 'accusation';
  headcount: number;
  representatives: number;
  major: boolean;
  concluded: boolean;
  name?: string;
  phone?: string;
  representativeNames?: string[];
}

/** The registration form for a walk-in visit; afterwards, the tracking code to hand to the petitioner. */
function RegisterCase({ open, onClose, onRegistered }: { open: boolean; onClose: () => void; onRegistered: () => void }) {
  const { t, lang } = useT();
  const { info } = usePlan();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [form] = Form.useForm<RegisterForm>();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<CaseSummary | null>(null);
  const max = info.plan.follow_up.representatives_max;
  const units = responsibleUnits(info.organization.units);

  const close = () => {
    setDone(null);
    form.resetFields();
    onClose();
  };
  const submit = async (v: RegisterForm) => {
    setBusy(true);
    try {
      const personal: CasePersonal = {};
      if (v.name?.trim()) personal.name = v.name.trim();
      if (v.phone?.trim()) personal.phone = v.phone.trim();
      if (v.representativeNames?.length) personal.representatives = v.representativeNames.map((n) => n.trim()).filter(Boolean);
      const body = {
        matter: v.matter.trim(),
        units: v.units,
        category: v.category,
        headcount: v.headcount,
        representatives: v.representatives,
        major: v.major,
        concluded: v.concluded,
        ...(Object.keys(personal).length ? { personal } : {}),
      };
      const created = await post<CaseSummary>('/api/cases', body);
      setDone(created);
      onRegistered();
    } catch (err) {
      message.error(`${t('action.rejected')}: ${errorText(err, t, 'case.rejection')}`, 6);
    } finally {
      setBusy(false);
    }
  };

  if (done) {
    return (
      <Modal open={open} onCancel={close} title={t('cases.registered')} destroyOnHidden
        footer={[
          done.category !== 'accusation' && (
            <Button key="open" type="primary" onClick={() => { close(); navigate(`/cases/${done.id}`); }} data-testid="registered-open">
              {t('cases.openCase')}
            </Button>
          ),
          <Button key="close" onClick={close} data-testid="registered-close">
            {t('common.close')}
          </Button>,
        ]}
      >
        <Typography.Paragraph>{t('cases.giveCode')}</Typography.Paragraph>
        <Typography.Title level={3} copyable code data-testid="registered-code" style={{ textAlign: 'center' }}>
          {done.tracking_code}
        </Typography.Title>
        <Typography.Paragraph type="secondary">
          {t(`route.${done.route}`)} · {t('label.handler')} {done.handler_name[lang]} · {t('label.accept_by')} {dateTime(done.accept_by)}
        </Typography.Paragraph>
      </Modal>
    );
  }
  return (
    <Modal open={open} onCancel={close} title={t('cases.register')} destroyOnHidden okText={t('cases.registerSubmit')} confirmLoading={busy}
      onOk={() => form.submit()} okButtonProps={{ 'data-testid': 'register-submit' } as never}
    >
      <Form<RegisterForm> form={form} layout="vertical" onFinish={(v) => void submit(v)}
        initialValues={{ units: [], category: 'claim', headcount: 1, representatives: 0, major: false, concluded: false, representativeNames: [] }}
      >
        <Form.Item name="matter" label={t('report.matter')} rules={[{ required: true, whitespace: true }]}>
          <Input.TextArea rows={3} maxLength={4000} data-testid="case-matter" />
        </Form.Item>
        <Form.Item name="units" label={t('report.units')} rules={[{ required: true, type: 'array', min: 1 }]}>
          <SearchSelect mode="multiple" placeholder={t('report.unitsSearch')} data-testid="case-units" options={units.map((u) => ({ value: u.id, label: u.name[lang] }))} />
        </Form.Item>
        <Form.Item name="category" label={t('report.category')}>
          <Radio.Group options={(['claim', 'suggestion', 'accusation'] as const).map((c) => ({ value: c, label: t(`category.${c}`) }))} />
        </Form.Item>
        <Space wrap size="large">
          <Form.Item name="headcount" label={t('cases.headcount')} rules={[{ required: true }]}>
            <InputNumber min={1} max={100000} inputMode="numeric" data-testid="case-headcount" />
          </Form.Item>
          <Form.Item name="representatives" label={t('cases.representatives', { max })} tooltip={t('cases.representativesHint', { max })}
            rules={[{ required: true }, { type: 'number', min: 0, max, message: t('cases.tooManyRepresentatives', { max }) }]}
          >
            <InputNumber min={0} max={max} inputMode="numeric" data-testid="case-representatives" />
          </Form.Item>
        </Space>
        <Space wrap size="large">
          <Form.Item name="major" label={t('action.mark_major')} valuePropName="checked">
            <Switch />
          </Form.Item>
          <Form.Item name="concluded" label={t('action.mark_concluded')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Space>
        <Divider titlePlacement="start" plain>
          {t('cases.personalTitle')}
        </Divider>
        <Alert type="info" showIcon title={t('cases.personalNote')} style={{ marginBottom: 12 }} data-testid="personal-note" />
        <Form.Item name="name" label={t('cases.personalName')}>
          <Input maxLength={100} autoComplete="off" data-testid="personal-name" />
        </Form.Item>
        <Form.Item name="phone" label={t('cases.personalPhone')}>
          <Input maxLength={40} inputMode="tel" autoComplete="off" data-testid="personal-phone" />
        </Form.Item>
        <Form.Item name="representativeNames" label={t('cases.personalRepresentatives')} dependencies={['representatives']}
          rules={[
            ({ getFieldValue }) => ({
              validator: (_, names: string[] | undefined) => {
                const count = Number(getFieldValue('representatives') ?? 0);
                return (names?.length ?? 0) <= count ? Promise.resolve() : Promise.reject(new Error(t('cases.namesOverCount', { n: count })));
              },
            }),
          ]}
        >
          <Select mode="tags" maxCount={max} open={false} suffixIcon={null} placeholder={t('cases.namesHint')} tokenSeparators={[',', ',', '、']} data-testid="personal-representatives" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
