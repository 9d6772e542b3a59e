import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import type { Lang, Plan, PlanInfo } from '../../../src/api';
import { roleName, unitName } from '../../../src/api/plan-names';
import { get } from './http';
import { orLastKnown } from './last-known';

export type { PlanInfo };

/** The parts of a compiled plan the shared describe/roleName helpers need, built in the browser. */
export type PlanLike = Plan;

const PlanContext = createContext<{ info: PlanInfo; plan: PlanLike; reload: () => Promise<void> } | null>(null);

export function toPlanLike(info: PlanInfo): PlanLike {
  const units = new Map(info.organization.units.map((u) => [u.id, u]));
  return {
    id: info.id,
    version: info.version,
    digest: info.digest,
    file: info.plan,
    org: info.organization,
    units,
    venues: new Set(info.organization.venues.map((v) => v.id)),
    roles: new Set(info.organization.units.flatMap((u) => (u.positions ?? info.organization.default_positions).map((p) => `${u.id}/${p}`))),
    approvers: new Set(info.plan.discipline.measures.approvers),
  } as unknown as PlanLike;
}

/** Loads the active plan and organization once; names of units, roles and venues come from it. */
export function PlanProvider({ children }: { children: ReactNode }) {
  const [value, setValue] = useState<{ info: PlanInfo; plan: PlanLike } | null>(null);
  const reload = useCallback(async () => {
    // Without a connection, the plan this phone last had (last-known.ts): the app opens in a dead zone.
    const info = await orLastKnown('plan', get<PlanInfo>('/api/plan'));
    setValue({ info, plan: toPlanLike(info) });
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);
  if (!value) return null;
  return <PlanContext.Provider value={{ ...value, reload }}>{children}</PlanContext.Provider>;
}

export function usePlan() {
  const v = useContext(PlanContext);
  if (!v) throw new Error('usePlan outside PlanProvider');
  const { plan, info, reload } = v;
  return {
    info,
    plan,
    /** Reads the active plan and organization again (after an activation or an organization change). */
    reload,
    unit: (id: string, lang: Lang) => unitName(plan, id, lang),
    role: (r: string, lang: Lang) => roleName(plan, r, lang),
    venue: (id: string, lang: Lang) => info.organization.venues.find((x) => x.id === id)?.name[lang] ?? id,
  };
}

/**
 * The units a report or a walk-in case may name as responsible for the matter: every unit of
 * the organization but the county leadership and outside bodies (the inspection team). By
 * kind only, so a county with its own unit ids gets the same choice.
 */
export function responsibleUnits<U extends { kind: string }>(units: readonly U[]): U[] {
  return units.filter((u) => u.kind !== 'leadership' && u.kind !== 'external');
}
