import { Typography } from 'antd';
import { useT } from '../i18n';
import { usePlan } from '../plan-context';

/** The active plan, readably (the same content as `yingji plan explain`). */
export function PlanPage() {
  const { t, lang } = useT();
  const { info } = usePlan();
  return (
    <div>
      <Typography.Title level={3}>{t('plan.title')}</Typography.Title>
      <pre className="plan-explain" data-testid="plan-explain">{info.explain[lang]}</pre>
    </div>
  );
}
