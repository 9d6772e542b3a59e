import { Modal, Space, Typography } from 'antd';
import { useT } from '../../shared/i18n';
import { clock } from '../../shared/incident-bits';
import { Map, useImage, useVenuePlan, type Marks } from './site-common';

/** The board's plan of one incident, in a dialog: loaded when a card's button asks for it. */
export default function BoardPlan({ title, venue, marks, headcount, onClose }: { title: string; venue: string; marks: Marks; headcount: number; onClose: () => void }) {
  const { t } = useT();
  const image = useImage(marks.site_plan, useVenuePlan(venue));
  return (
    <Modal open title={title} footer={null} onCancel={onClose} width={860} destroyOnHidden>
      <Space direction="vertical" style={{ width: '100%' }} data-testid="board-site-plan">
        <Map image={image} marks={marks.marks} crowdText={t('site.crowdSize', { n: headcount })} height="60vh" />
        <Typography.Text type="secondary">{t('site.markedAt', { at: clock(marks.at) })}</Typography.Text>
      </Space>
    </Modal>
  );
}
