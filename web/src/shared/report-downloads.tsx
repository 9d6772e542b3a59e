import { DownloadOutlined, FilePdfOutlined } from '@ant-design/icons';
import { App, Button, Space } from 'antd';
import { useState } from 'react';
import { useT } from './i18n';

/**
 * The incident report (事件处置报告) as DOCX (to edit and file) or PDF: of an incident whose
 * on-site phase is over (`/api/incidents/:id/report`), or of a saved drill, marked 演练
 * (`/api/drills/reports/:id/report`). The PDF is made on the server with LibreOffice and
 * takes a few seconds; when the server cannot make one it says why, and the DOCX is still there.
 */
export function ReportDownloads({ base, testid = 'incident-report', size }: { base: string; testid?: string; size?: 'small' }) {
  const { t, lang } = useT();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);

  const pdf = async () => {
    setBusy(true);
    try {
      const res = await fetch(`${base}.pdf`, { credentials: 'same-origin', headers: { 'accept-language': lang === 'en' ? 'en' : 'zh-CN' } });
      if (!res.ok) {
        const body = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
        message.error(body.error?.message ?? res.statusText);
        return;
      }
      const name = /filename\*=UTF-8''([^;]+)/.exec(res.headers.get('content-disposition') ?? '')?.[1];
      const url = URL.createObjectURL(await res.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = name ? decodeURIComponent(name) : 'report.pdf';
      a.click();
      URL.revokeObjectURL(url);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Space wrap data-testid={testid}>
      <Button size={size} icon={<DownloadOutlined />} href={`${base}.docx`} download data-testid={`${testid}-docx`}>
        {t('incident.reportDocx')}
      </Button>
      <Button size={size} icon={<FilePdfOutlined />} loading={busy} onClick={() => void pdf()} data-testid={`${testid}-pdf`}>
        {t('incident.reportPdf')}
      </Button>
    </Space>
  );
}
