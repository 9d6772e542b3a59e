import { Steps, Tag, Typography } from 'antd';
import { useT } from './i18n';
import type { BoardMeasure, Summons } from '../../../src/api';

const STAGES = ['guiding', 'summoned', 'activated', 'cleared'] as const;

/** guiding → units summoned → plan activated → cleared (§4.1). */
export function StageSteps({ stage, size = 'small' }: { stage: string; size?: 'small' | 'default' }) {
  const { t } = useT();
  const index = stage === 'closed' ? 3 : Math.max(0, STAGES.indexOf(stage as (typeof STAGES)[number]));
  return <Steps size={size} current={index} items={STAGES.map((s) => ({ title: t(`stage.${s}`) }))} />;
}

export function TierTag({ tier }: { tier: number }) {
  const { t } = useT();
  const color = ['green', 'gold', 'orange', 'red'][tier - 1] ?? 'red';
  return <Tag color={color} data-testid="tier">{t('common.tier', { tier })}</Tag>;
}

/** Tag colours of summons statuses: stood down is grey, neither late nor missed (contract §2). */
export const SUMMONS_COLOR: Record<Summons['status'], string> = { pending: 'blue', on_time: 'green', late: 'orange', missed: 'red', stood_down: 'default' };

export function SummonsStatus({ s }: { s: Pick<Summons, 'role' | 'status'> }) {
  const { t } = useT();
  const color = SUMMONS_COLOR[s.status];
  return <Tag color={color} data-testid={`status-${s.role}`}>{t(`summons.${s.status}`)}</Tag>;
}

/** Time of day from an ISO instant already in the county's offset: `hh:mm:ss`. */
export const clock = (iso: string | null) => (iso ? iso.slice(11, 19) : '—');
/** Date and time from an ISO instant: `yyyy-mm-dd hh:mm`. */
export const dateTime = (iso: string | null) => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : '—');

/** Alerts that still matter: missed deadlines not yet followed by arrival, unapproved measures, update requests. */
export function openAlerts<S extends Pick<Summons, 'status'>, M extends BoardMeasure>(i: { summons: readonly S[]; measures: readonly M[] }) {
  const missed = i.summons.filter((s) => s.status === 'missed');
  const unapproved = i.measures.filter((m) => m.flagged || (m.major && !m.approved_at && !m.declined_at && !m.taken_at));
  return { missed, unapproved, total: missed.length + unapproved.length };
}

/**
 * The matter raised, or, for an accusation whose text is for the discipline organs only, the
 * notice that it is withheld (in the reader's language).
 */
export function MatterText({ matter, withheld }: { matter: string; withheld?: boolean }) {
  const { t } = useT();
  if (!withheld) return <>{matter}</>;
  return (
    <Typography.Text type="secondary" data-testid="matter-withheld">
      {t('matter.withheld')}
    </Typography.Text>
  );
}
