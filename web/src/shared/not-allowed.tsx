import { Button, Result } from 'antd';
import type { ReactNode } from 'react';
import { useNavigate } from 'react-router';
import { useT } from './i18n';

/**
 * A screen for those who may use it (`me.can`, decided by the server's own rules); for anyone
 * else, who typed its address or followed an old link, a plain page saying it is not for their
 * role, instead of a form the server would refuse on submit.
 */
export function Only({ when, screen, children }: { when: boolean; screen: string; children: ReactNode }) {
  const { t } = useT();
  const navigate = useNavigate();
  if (when) return <>{children}</>;
  return (
    <Result
      status="403"
      title={t('guard.title')}
      subTitle={t('guard.detail', { screen: t(screen) })}
      extra={
        <Button type="primary" onClick={() => navigate('/')} data-testid="guard-back">
          {t('guard.back')}
        </Button>
      }
      data-testid="not-allowed"
    />
  );
}
