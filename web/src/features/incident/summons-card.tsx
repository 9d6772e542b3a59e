import type { ReactNode } from 'react';
import { useT } from '../../shared/i18n';
import { usePlan } from '../../shared/plan-context';
import type { BoardSummons, Summons } from '../../../../src/api';
import { Countdown } from '../../shared/countdown';
import { clock, SummonsStatus } from '../../shared/incident-bits';

/** A summons whose countdown has stopped: the person arrived, or the incident was cleared before (stood down). */
export const summonsDone = (s: Pick<Summons, 'arrived_at' | 'status'>) => s.arrived_at !== null || s.status === 'stood_down';

/** The summons still running with the earliest deadline: the one the room watches. */
export function nearestSummons<S extends BoardSummons>(list: readonly S[]): S | null {
  let best: S | null = null;
  for (const s of list) if (s.status === 'pending' && !summonsDone(s) && (!best || Date.parse(s.deadline) < Date.parse(best.deadline))) best = s;
  return best;
}

/**
 * One summons on one line: who (the people reached in the tooltip), the live countdown, the
 * status (pending, on time, late, missed, stood down). The board's cards list these, and the
 * incident page's summons cards on a phone start with one.
 */
export function SummonsLine({ s, testid }: { s: BoardSummons; testid?: string }) {
  const { lang } = useT();
  const { role } = usePlan();
  return (
    <div className="summons-row" data-testid={testid}>
      <span className="summons-role" title={s.persons.map((p) => p.name).join(', ')}>
        {role(s.role, lang)}
      </span>
      <span className="summons-state">
        <Countdown issued={s.issued_at} deadline={s.deadline} done={summonsDone(s)} />
        <SummonsStatus s={s} />
      </span>
    </div>
  );
}

/**
 * A summons as a card, for a phone, where the incident page's table would squeeze each column
 * to a character a line: role, countdown and status, then reason, deadline, acknowledged,
 * arrived, left, and `extra` (what reached whom).
 */
export function SummonsCard({ s, extra }: { s: Summons; extra?: ReactNode }) {
  const { t } = useT();
  const fields: [string, ReactNode, boolean?][] = [
    [t('col.reason'), t(`reason.${s.reason}`)],
    [t('col.deadline'), clock(s.deadline)],
    [t('col.acked'), clock(s.acked_at)],
    [t('col.arrived'), clock(s.arrived_at)],
  ];
  if (s.left_at) fields.push([t('col.left'), clock(s.left_at)]);
  if (s.stood_down_at) fields.push([t('summons.stood_down'), clock(s.stood_down_at)]);
  if (extra) fields.push([t('notify.deliveries'), extra, true]);
  return (
    <div className="summons-card" data-testid={`summons-${s.role}`}>
      <SummonsLine s={s} />
      <dl>
        {fields.map(([label, value, wide]) => (
          <div key={label} className={wide ? 'wide' : undefined}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
