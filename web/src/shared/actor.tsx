import { Typography } from 'antd';
import { useT } from './i18n';
import { usePlan } from './plan-context';

/** Who issued an event, as the API records it: the user and the role they acted in. */
export interface ActorRef {
  user: string;
  role: string | null;
  on_behalf: boolean;
}

/**
 * Who did it, in words: the role by its name (县信访局驻地信访工作人员), the account name on hover;
 * the account name alone when no role was recorded (an administrator).
 */
export function ActorName({ actor }: { actor: ActorRef }) {
  const { t, lang } = useT();
  const { role } = usePlan();
  return (
    <Typography.Text type="secondary" title={actor.user} data-testid="actor">
      {actor.role ? role(actor.role, lang) : actor.user}
      {actor.on_behalf ? ` (${t('incident.onBehalf')})` : ''}
    </Typography.Text>
  );
}
