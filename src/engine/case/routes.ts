import type { Plan, RouteRule } from '../../plan/plan.js';
import type { Route } from '../incident/events.js';
import type { IncidentState } from '../incident/state.js';

/** The conditions a plan's follow-up routes may name (§4.2), each a pure predicate. */
/** What a route depends on: the same for an incident and a walk-in visit. */
export type RouteFacts = Pick<IncidentState, 'category' | 'concluded' | 'major' | 'units'>;

export const ROUTE_CONDITIONS: Record<RouteRule['when'], (s: RouteFacts) => boolean> = {
  category_accusation: (s) => s.category === 'accusation',
  marked_concluded: (s) => s.concluded,
  marked_major: (s) => s.major,
  several_units: (s) => s.units.length > 1,
  always: () => true,
};

/**
 * Picks the follow-up route and its handler: the first plan route whose condition holds.
 * A unit never handles a complaint about itself (safeguards 6): if the handler is among the
 * accused units, the case goes to the route's forwarding unit (the inspection team).
 */
export function chooseRoute(plan: Plan, s: RouteFacts): { route: Route; handler: string; clause: string } {
  const rule = plan.routes.find((r) => ROUTE_CONDITIONS[r.when](s)) ?? plan.routes.at(-1)!;
  const first = s.units[0]!;
  let handler: string;
  if (typeof rule.handler === 'object') handler = rule.handler.unit;
  else if (rule.handler === 'leader_in_charge') {
    handler = plan.units.get(first)?.in_charge ?? [...plan.approvers][0]!;
  } else handler = first;
  if (rule.when === 'category_accusation' && s.units.includes(handler)) {
    const spec = plan.file.follow_up.routes.find((r) => r.route === rule.route);
    handler = spec?.may_forward_to?.find((u) => !s.units.includes(u)) ?? handler;
  }
  return { route: rule.route, handler, clause: rule.clause };
}
