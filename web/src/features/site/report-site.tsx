import { Form } from 'antd';
import { useT } from '../../shared/i18n';
import { Map, useVenuePlan, type PlanImage, type SiteMarkValue } from './site-common';

/** The report form's value of its site plan field. */
export interface ReportSite {
  site_plan: string;
  marks: SiteMarkValue[];
}

/**
 * The report form's optional field: the chosen venue's plan, where a tap puts the crowd. Shows
 * nothing for a venue without a plan. Lives inside the report's `Form`.
 */
export function ReportSitePlanField() {
  const { t } = useT();
  const form = Form.useFormInstance();
  const venue = Form.useWatch('venue', form) as string | undefined;
  const headcount = Form.useWatch('headcount', form) as number | undefined;
  const plan = useVenuePlan(venue);
  if (!plan) return null;
  return (
    <Form.Item name="site" label={t('site.title')} extra={t('site.reportHint')}>
      <CrowdInput plan={plan} crowdText={headcount ? t('site.crowdSize', { n: headcount }) : undefined} />
    </Form.Item>
  );
}

function CrowdInput({ plan, crowdText, value, onChange }: { plan: PlanImage; crowdText?: string; value?: ReportSite; onChange?: (v: ReportSite) => void }) {
  const marks = value && value.site_plan === plan.sha256 ? value.marks : [];
  return (
    <div data-testid="report-site-plan">
      <Map image={plan} marks={marks} crowdText={crowdText} editKind="crowd" single onChange={(m) => onChange?.({ site_plan: plan.sha256, marks: m })} height={280} />
    </div>
  );
}

/** The report body from the form's values: the crowd's mark only when placed on the chosen venue's plan. */
export function withSiteMarks<V extends { venue: string; site?: ReportSite }>(values: V, venues: readonly { id: string; site_plan?: { sha256: string } }[]) {
  const { site, ...rest } = values;
  const sha = venues.find((v) => v.id === values.venue)?.site_plan?.sha256;
  return site && sha && site.site_plan === sha && site.marks.length ? { ...rest, site_plan: sha, marks: site.marks } : rest;
}
