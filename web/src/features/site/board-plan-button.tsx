import { Button } from 'antd';
import { lazy, Suspense, useState } from 'react';
import type { BoardCard } from '../../../../src/api';
import { useT } from '../../shared/i18n';
import type { Marks } from './site-common';

const BoardPlan = lazy(() => import('./board-plan'));

/** A board card's button that opens the plan with the crowd marked: one map on demand, never one per card. */
export function SitePlanButton({ card, venueName }: { card: Pick<BoardCard, 'id' | 'incident' | 'marks'>; venueName: string }) {
  const { t } = useT();
  const [open, setOpen] = useState(false);
  const marks = card.marks as Marks | undefined;
  if (!marks) return null;
  return (
    <>
      <Button size="small" onClick={() => setOpen(true)} data-testid="site-plan-open">
        {t('site.open')}
      </Button>
      {open && (
        <Suspense fallback={null}>
          <BoardPlan title={`${venueName} · ${t('site.title')}`} venue={card.incident.venue} marks={marks} headcount={card.incident.headcount} onClose={() => setOpen(false)} />
        </Suspense>
      )}
    </>
  );
}
