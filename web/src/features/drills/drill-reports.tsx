import { DownloadOutlined } from '@ant-design/icons';
import { Button, Card, Empty, Space, Table, Tag } from 'antd';
import type { SavedDrillReport } from '../../../../src/api';
import { useT } from '../../shared/i18n';
import { ReportDownloads } from '../../shared/report-downloads';
import { ComplianceTag } from './drill-result';

/** Saved reports, newest first: who saved which drill, how it went, and downloads. */
export function ReportsCard({ reports, onOpen, openId }: { reports: SavedDrillReport[] | null; onOpen: (id: string) => void; openId: string | null }) {
  const { t, lang } = useT();
  return (
    <Card size="small" title={t('drill.reports')}>
      <div data-testid="drill-reports">
        <Table<SavedDrillReport>
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
                  <ReportDownloads base={`/api/drills/reports/${encodeURIComponent(r.id)}/report`} testid="drill-report-document" size="small" />
                </Space>
              ),
            },
          ]}
        />
      </div>
    </Card>
  );
}
