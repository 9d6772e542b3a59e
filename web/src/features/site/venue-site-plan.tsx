import { App, Button, Popconfirm, Space, Typography, Upload } from 'antd';
import { useState } from 'react';
import { csrfToken } from '../../shared/http';
import { useT } from '../../shared/i18n';
import { usePlan } from '../../shared/plan-context';

interface SitePlanRef {
  sha256: string;
  media_type: string;
  width: number;
  height: number;
  name: string;
}

/**
 * A venue's site plan in the organization's venues table: a thumbnail (always as an image, never
 * inlined, so nothing in an SVG runs), and for administrators upload, replace and remove.
 */
export function VenueSitePlan({ venue, initial, admin, onChanged }: { venue: string; initial: SitePlanRef | undefined; admin: boolean; onChanged?: () => Promise<void> }) {
  const { t, lang } = useT();
  const { message } = App.useApp();
  const { reload } = usePlan();
  const [plan, setPlan] = useState<SitePlanRef | null>(initial ?? null);
  const [busy, setBusy] = useState(false);

  const send = async (method: 'PUT' | 'DELETE', file?: File) => {
    setBusy(true);
    try {
      const res = await fetch(`/api/org/venues/${venue}/site-plan${file ? `?name=${encodeURIComponent(file.name)}` : ''}`, {
        method,
        credentials: 'same-origin',
        headers: { ...(file ? { 'content-type': file.type || 'application/octet-stream' } : {}), 'x-csrf-token': csrfToken() ?? '', 'accept-language': lang === 'en' ? 'en' : 'zh-CN' },
        body: file,
      });
      const data = (await res.json().catch(() => ({}))) as { venue?: { site_plan?: SitePlanRef }; error?: { message?: string } };
      if (!res.ok) throw new Error(data.error?.message ?? res.statusText);
      setPlan(data.venue?.site_plan ?? null);
      message.success(t(file ? 'site.uploaded' : 'site.removed'));
      // The report form and the incident pages read venues from the active plan's organization.
      // The upload made a new revision of the organization: its number and the venues read again.
      await Promise.all([reload(), onChanged?.()]);
    } catch (err) {
      message.error((err as Error).message, 6);
    } finally {
      setBusy(false);
    }
  };

  const upload = (
    <Upload
      accept=".png,.jpg,.jpeg,.svg,image/png,image/jpeg,image/svg+xml"
      showUploadList={false}
      beforeUpload={(f) => {
        void send('PUT', f);
        return false;
      }}
    >
      <Button size="small" loading={busy} data-testid={`site-plan-upload-${venue}`}>
        {plan ? t('site.replace') : t('site.upload')}
      </Button>
    </Upload>
  );

  return (
    <Space size={8} wrap data-testid={`venue-site-plan-${venue}`}>
      {plan ? (
        <a href={`/api/site-plans/${plan.sha256}`} target="_blank" rel="noreferrer" title={plan.name}>
          <img src={`/api/site-plans/${plan.sha256}`} alt={plan.name} style={{ height: 40, maxWidth: 80, objectFit: 'contain', border: '1px solid #eee', borderRadius: 4, verticalAlign: 'middle' }} data-testid="site-plan-thumb" />
        </a>
      ) : (
        <Typography.Text type="secondary">—</Typography.Text>
      )}
      {plan && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {plan.width}×{plan.height}
        </Typography.Text>
      )}
      {admin && upload}
      {admin && plan && (
        <Popconfirm title={t('action.confirm')} onConfirm={() => void send('DELETE')}>
          <Button size="small" danger disabled={busy}>
            {t('site.remove')}
          </Button>
        </Popconfirm>
      )}
      {admin && !plan && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('site.uploadHint')}</Typography.Text>}
    </Space>
  );
}
