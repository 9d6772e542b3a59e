/**
 * The shared API: what the server and the web agree on. The web imports only this module
 * (test/web-imports.test.ts holds it to that); the server's routes take their request schemas
 * from the files beside it, so one definition checks a body on the server and types it in the web.
 *
 * This index carries types only. The zod schemas are exported from the resource files, and the
 * pure helpers the web shows texts with from one small file each (texts, describe, plan-names,
 * duration, personal-data, county-time): a value re-exported here would tie its module to the
 * web's first chunk, and a schema would pull zod into it.
 */

export type { Allowed, Command, Incident, Measure, ReportBody, Summons } from './incidents.js';
export type { BoardCard, BoardMeasure, BoardPage, BoardSummons } from './board.js';
export type { CaseDetail, CasePersonal, CaseSummary, Channel, Opinion, PublicCase, Rating, RegisterBody, ReviewResult } from './cases.js';
export type { Risk, RiskAlert, RiskAlerts, RiskDetail, RiskKind, RiskLevel, RiskStatus } from './risks.js';
export type { CaseApiEvent, EventActor, FeedEvent, IncidentApiEvent, RiskApiEvent } from './events.js';
/** The engine's incident events, as `describeEvent` words them. */
export type { IncidentEvent } from '../engine/incident/events.js';
export type { Login, Me, Screens } from './auth.js';
export type { OrganizationFile, PersonBody, PersonPatch, PositionBody, ShiftBody, UnitBody, UnitPatch, VenueBody, VenuePatch } from './org.js';
export type { Plan, PlanFile, PlanInfo, PlanUpload } from './plans.js';
export type { DrillResult, DrillRunBody, DrillSaveBody, IncidentView, SavedDrillReport, UnitAccountability } from './drills.js';
export type { AccountabilityReport, Assessment, AssessmentRow, CaseFigures, Compliance, MeasureRecord, Notice, PeriodQuery, SummonsRecord, UnitFigures, YearQuery } from './reports.js';
export type { ApprovalsQuery } from './work.js';
export type { Delivery, InboxMessage } from './notifications.js';

export type { Lang } from './texts.js';
