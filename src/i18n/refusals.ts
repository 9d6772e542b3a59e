import type { CaseCommandName } from '../engine/case/commands.js';
import type { CaseRejectionCode } from '../engine/case/events.js';
import type { CommandName } from '../engine/incident/commands.js';
import type { RejectionCode } from '../engine/incident/events.js';
import type { RiskRejectionCode } from '../engine/risk/events.js';

/**
 * Every text that says no, in Chinese and in English, in one place: the engine's rejections
 * (409; `rejection.*`, `case.rejection.*`, `risk.rejection.*`), permission refusals (403;
 * `forbidden.*`), sign-in and session errors, input errors (400) and the API's other errors.
 * The server answers in the language the client asks for (`Accept-Language`, Chinese by
 * default); the web UI and the CLI read the same words (through `MESSAGES`). The types make
 * sure every rejection code and every command has its text in both languages.
 *
 * `{{name}}` in a text is filled from the refusal's `vars` (the web's i18next uses the same syntax).
 */

type Lang = 'zh' | 'en';

/** A text in both languages. */
export interface Bilingual {
  zh: string;
  en: string;
}

/** A refusal to be put into words: its key and the values its text names. */
export interface Refusal {
  key: RefusalKey;
  vars?: Readonly<Record<string, string | number | Bilingual | Refusal>>;
}

type CaseRule = Exclude<CaseCommandName, 'rate'>;

/** Every key, so that a missing text in either language is a type error. */
export type RefusalKey =
  | `rejection.${RejectionCode}`
  | `case.rejection.${CaseRejectionCode}`
  | `risk.rejection.${RiskRejectionCode}`
  | `forbidden.command.${CommandName}`
  | `forbidden.case.${CaseRule}`
  | (typeof OTHER_KEYS)[number];

const OTHER_KEYS = [
  'forbidden.not_holder',
  'forbidden.case.rate',
  'forbidden.case.not_visible',
  'forbidden.case.personal',
  'forbidden.risk.report',
  'forbidden.risk.report_own',
  'forbidden.risk.other_unit',
  'forbidden.risk.handle_sign',
  'forbidden.risk.register',
  'forbidden.reports',
  'forbidden.admin',
  'forbidden.link_inactive',
  'auth.sign_in_first',
  'auth.wrong_password',
  'auth.throttled',
  'auth.csrf',
  'link.invalid',
  'link.expired',
  'link.used',
  'link.disabled',
  'link.throttled',
  'track.not_found',
  'track.throttled',
  'input.nul',
  'input.unknown_venue',
  'input.unknown_unit',
  'input.unknown_role',
  'input.unknown_person',
  'input.use_report',
  'input.use_attachments',
  'input.use_register',
  'input.use_risk_report',
  'input.media_type',
  'input.empty_change',
  'site_plan.type',
  'site_plan.too_large',
  'site_plan.dimensions',
  'site_plan.unknown',
  'drill.plan_changed',
  'drill.errors',
  'drill.too_long',
  'report.not_ended',
  'report.pdf_unavailable',
  'plan.errors',
  'plan.no_longer_fits',
  'case.personal_erased',
  'case.personal_none',
  'error.bad_request',
  'error.unauthenticated',
  'error.csrf',
  'error.forbidden',
  'error.not_found',
  'error.rejected',
  'error.invalid_plan',
  'error.invalid_scenario',
  'error.invalid_organization',
  'error.conflict',
  'error.rate_limited',
  'error.internal',
  'error.pdf_unavailable',
  'error.invalid_idempotency_key',
  'error.invalid_made_at',
  'error.idempotency_key_reused',
] as const;

const zh: Record<RefusalKey, string> = {
  // The engine's rejections of incident commands (409).
  'rejection.no_incident': '尚未报告事件',
  'rejection.already_reported': '该事件已报告',
  'rejection.closed': '事件已结束',
  'rejection.cleared': '人员已离开,现场处置阶段已结束',
  'rejection.already_activated': '预案已启动',
  'rejection.already_marked': '已作此认定',
  'rejection.not_summoned': '该角色未被通知到场',
  'rejection.already_acknowledged': '已确认过',
  'rejection.already_arrived': '已到场签到',
  'rejection.not_arrived': '尚未到场签到',
  'rejection.already_left': '已离开签退',
  'rejection.lingering': '上访人员仍滞留现场,责任单位主要负责同志须坚守现场,待人员撤离后方可离开(§4.1.1)',
  'rejection.unknown_measure': '没有该措施',
  'rejection.duplicate_measure': '措施编号已存在',
  'rejection.not_approver': '只有县委、县政府负责同志可以批准重大处置措施(§5.1)',
  'rejection.already_approved': '该措施已批准',
  'rejection.already_declined': '该措施已被否决',
  'rejection.already_taken': '该措施已实施',
  'rejection.declined_needs_reason': '县领导已不同意该措施;仍要实施,须写明理由,并将标记为未经批准(§5.1)',
  'rejection.stood_down': '现场处置已结束,该到场通知已解除,无需到场',
  'rejection.unknown_id': '未知的地点或单位',
  'rejection.duplicate_evidence': '该证据已记录',
  'rejection.marks_need_site_plan': '标注须注明所依据的现场平面图',
  // Case commands (409).
  'case.rejection.no_case': '没有该案件',
  'case.rejection.wrong_status': '案件当前所处阶段不能执行此操作',
  'case.rejection.wrong_route': '该案件的处理去向不适用此操作',
  'case.rejection.closed': '案件已办结',
  'case.rejection.not_head': '延期须由承办单位负责人批准(第三十四条)',
  'case.rejection.extension_too_long': '延期超过了规定的最长期限(第三十四条)',
  'case.rejection.already_extended': '办理期限只能延长一次(第三十四条)',
  'case.rejection.objection_closed': '提出异议的5个工作日已过(第二十三条)',
  'case.rejection.not_forwarded': '该案件不是转送给本单位的',
  'case.rejection.same_handler': '案件已在该单位',
  'case.rejection.accused_unit': '被反映的单位不能办理反映自己的检举控告(第三十条)',
  'case.rejection.not_allowed_target': '检举控告类事项只能转给规定的单位(巡视组信箱)',
  'case.rejection.unknown_unit': '未知的单位',
  'case.rejection.unknown_role': '未知的角色',
  'case.rejection.too_many_representatives': '集体来访推选代表人数超过规定(第二十条)',
  'case.rejection.channel_required': '请选择该事项应通过的法定途径(第三十一条)',
  'case.rejection.no_opinion': '请先填写处理意见(第三十二条)',
  'case.rejection.not_replied': '答复后才能评价',
  'case.rejection.already_rated': '本次答复已评价过',
  'case.rejection.review_window_closed': '申请复查的期限已过(第三十五条)',
  'case.rejection.procedure_concluded': '信访程序已终结,请记录移交(第三十六条第三款)',
  // The early-warning register (409).
  'risk.rejection.no_risk': '没有这个事项',
  'risk.rejection.already_reported': '事项已登记',
  'risk.rejection.resolved': '事项已化解;如再出现请重新登记',
  'risk.rejection.unknown_unit': '没有这个单位',
  'risk.rejection.not_screening_unit': '由乡镇和县直部门登记本地区、本部门的事项(§6)',
  'risk.rejection.unknown_role': '没有这个职位',
  'risk.rejection.same_leader': '该领导已包案',
  'risk.rejection.same_level': '风险等级未变',
  'risk.rejection.review_in_past': '复查日期不能早于今天',
  'risk.rejection.review_overdue': '复查已逾期:请先记录复查',
  'risk.rejection.no_open_sign': '没有待处置的苗头',
  'risk.rejection.sign_open': '有待处置的上访苗头:须先由工作小组处置',
  'risk.rejection.wrong_status': '事项已在化解中',
  'risk.rejection.personal_data': '登记只记事项,不记人:请删去个人信息',
  // Who may issue which incident command (403, permissions.ts).
  'forbidden.command.report': '由县信访局现场工作人员、公安民警或工作小组报告事件',
  'forbidden.command.headcount': '由县信访局现场工作人员、公安民警或工作小组更新现场人数',
  'forbidden.command.behavior': '由县信访局现场工作人员、公安民警或工作小组记录现场情况',
  'forbidden.command.guide': '由县信访局驻点工作人员劝导上访人员到县信访局反映诉求(§4.1)',
  'forbidden.command.persuade': '由责任单位主要负责同志劝返(§4.1)',
  'forbidden.command.escalate': '由工作小组启动应急预案(§4.1、§3)',
  'forbidden.command.ack': '只有被通知本人,或现场工作人员代为登记,才能确认收到到场通知',
  'forbidden.command.arrive': '只有被通知本人,或现场工作人员代为登记,才能到场签到',
  'forbidden.command.leave': '只有本人,或现场工作人员代为登记,才能离开签退',
  'forbidden.command.note': '由参与处置的人员报告现场动态(§5.1)',
  'forbidden.command.attach': '由参与处置的人员现场取证(§5.1)',
  'forbidden.command.mark_major': '由工作小组认定重大复杂事项(§4.2)',
  'forbidden.command.mark_concluded': '由工作小组认定信访程序已终结(§4.2)',
  'forbidden.command.request_measure': '由现场公安民警或工作小组提请处置措施(§5.1)',
  'forbidden.command.approve_measure': '只有县委、县政府负责同志可以批准重大处置措施(§5.1)',
  'forbidden.command.decline_measure': '只有县委、县政府负责同志可以决定重大处置措施(§5.1)',
  'forbidden.command.take_measure': '由公安民警实施处置措施(§4.1.2、§5.1)',
  'forbidden.command.clear': '由县信访局现场工作人员、公安民警或工作小组登记人员已离开',
  'forbidden.command.close': '由工作小组结束事件',
  'forbidden.command.place': '由现场工作人员、公安和工作小组在平面图上标注位置',
  'forbidden.not_holder': '您不担任{{role}};{{why}}',
  // Who may issue which case command (403, case.access.ts).
  'forbidden.case.register': '由县信访局或县联席办登记来访',
  'forbidden.case.accept': '由承办单位决定是否受理(第二十二条)',
  'forbidden.case.not_accept': '由承办单位决定是否受理(第二十二条)',
  'forbidden.case.forward': '由承办单位或县信访局转送案件(第二十三条)',
  'forbidden.case.object': '由收到转送的单位提出异议(第二十三条)',
  'forbidden.case.extend': '延期由承办单位负责人批准(第三十四条)',
  'forbidden.case.schedule_reception': '由承办单位或县联席办安排接访(§4.2)',
  'forbidden.case.record_reception': '由承办单位或县联席办记录接访(§4.2)',
  'forbidden.case.hand_over': '由承办单位记录移交(§4.2)',
  'forbidden.case.opinion': '由承办单位出具处理意见(第三十二条)',
  'forbidden.case.reply': '由承办单位答复(第三十二条)',
  'forbidden.case.request_review': '由承办单位或县信访局登记复查申请(第三十五条)',
  'forbidden.case.decide_review': '由上一级(县联席办或县领导)作出复查决定(第三十五条、第三十六条)',
  'forbidden.case.rate': '信访人在查询页面评价办理情况',
  'forbidden.case.not_visible': '您无权查看此案件',
  'forbidden.case.personal': '只有案件承办人员可以查看信访人的个人信息',
  // The early-warning register (403, risk.access.ts).
  'forbidden.risk.report': '由乡镇和县直部门登记本地区、本部门的事项({{clause}})',
  'forbidden.risk.report_own': '各单位只登记本地区、本部门的事项({{clause}})',
  'forbidden.risk.other_unit': '此事项属于其他单位',
  'forbidden.risk.handle_sign': '上访苗头由工作小组、县信访局或县领导处置({{clause}})',
  'forbidden.risk.register': '预警台账由乡镇和县直部门登记,工作小组统筹({{clause}})',
  'forbidden.reports': '只有管理员、工作小组、县领导和县信访局可以查看考核情况',
  'forbidden.admin': '只有管理员可以管理组织和预案',
  'forbidden.link_inactive': '此链接的接收人已停用',
  // Signing in.
  'auth.sign_in_first': '请先登录',
  'auth.wrong_password': '用户名或密码错误',
  'auth.throttled': '登录失败次数过多,请{{seconds}}秒后再试',
  'auth.csrf': '页面已过期,请刷新后重试',
  'link.invalid': '链接无效,请打开应急系统确认',
  'link.expired': '此链接已过期,请打开应急系统确认',
  'link.used': '此链接已使用过',
  'link.disabled': '本系统未启用确认链接',
  'link.throttled': '无效链接过多,请一分钟后再试',
  'track.not_found': '没有找到与该查询码对应的案件,请核对后重新输入',
  'track.throttled': '查询过于频繁,请一分钟后再试',
  // Input (400).
  'input.nul': '文字中不能含有空字符(U+0000)',
  'input.unknown_venue': '没有这个地点',
  'input.unknown_unit': '没有这个单位',
  'input.unknown_role': '没有这个职务',
  'input.unknown_person': '没有这个人员',
  'input.use_report': '请通过"报告事件"报告新事件',
  'input.use_attachments': '请通过"上传现场证据"提交证据',
  'input.use_register': '请通过"登记来访"登记案件',
  'input.use_risk_report': '请通过登记表登记事项',
  'input.media_type': '只能上传图片、视频或PDF文件',
  'input.empty_change': '没有要修改的内容',
  'site_plan.type': '平面图须为{{types}}图片,且文件内容与类型相符',
  'site_plan.too_large': '平面图文件不能超过{{mb}}兆字节',
  'site_plan.unknown': '没有这张平面图,请重新打开页面后再标注',
  'site_plan.dimensions': '平面图尺寸须在{{min}}至{{max}}像素之间,且不超过{{mp}}百万像素',
  'drill.plan_changed': '演练运行后启用的预案已变更,请重新运行后再保存',
  'drill.errors': '演练场景有{{n}}处错误',
  'drill.too_long': '一次演练最长{{days}}天,请缩短 run_until 或步骤',
  'report.not_ended': '现场处置尚未结束,事件处置报告在人员离开或事件结束后生成',
  'report.pdf_unavailable': '本服务器未安装排版软件,暂不能生成 PDF 文件,请下载可编辑版本',
  'plan.errors': '预案有{{n}}处错误',
  'plan.no_longer_fits': '此版本与现在的组织不符',
  'case.personal_erased': '个人信息已于保存期满后删除',
  'case.personal_none': '此案件未登记个人信息',
  // Any other error, by its code.
  'error.bad_request': '请求有误,未作任何更改',
  'error.unauthenticated': '请先登录',
  'error.csrf': '页面已过期,请刷新后重试',
  'error.forbidden': '您无权执行此操作',
  'error.not_found': '未找到所请求的内容',
  'error.rejected': '指令未被执行',
  'error.invalid_plan': '预案有错误',
  'error.invalid_scenario': '演练场景有错误',
  'error.invalid_organization': '组织数据有错误',
  'error.conflict': '与现有数据冲突',
  'error.rate_limited': '操作过于频繁,请稍后再试',
  'error.internal': '服务器内部错误,已记录',
  'error.pdf_unavailable': '无法生成 PDF',
  'error.invalid_idempotency_key': '指令的防重发键须为 8 至 64 个字母、数字、"-" 或 "_"',
  'error.invalid_made_at': '手机上记录的时间须带时区，且不早于到达前 30 天、不晚于到达后 1 天',
  'error.idempotency_key_reused': '此防重发键已用于另一条指令',
};

const en: Record<RefusalKey, string> = {
  'rejection.no_incident': 'no incident has been reported yet',
  'rejection.already_reported': 'the incident has already been reported',
  'rejection.closed': 'the incident is closed',
  'rejection.cleared': 'the people have left and the on-site phase has ended',
  'rejection.already_activated': 'the plan is already activated',
  'rejection.already_marked': 'the matter is already marked so',
  'rejection.not_summoned': 'this role has not been summoned to the incident',
  'rejection.already_acknowledged': 'already acknowledged',
  'rejection.already_arrived': 'already checked in',
  'rejection.not_arrived': 'not checked in yet',
  'rejection.already_left': 'already checked out',
  'rejection.lingering': "people are still lingering: the responsible unit's principal stays on site until they have left (§4.1.1)",
  'rejection.unknown_measure': 'no such measure',
  'rejection.duplicate_measure': 'a measure with this id exists',
  'rejection.not_approver': 'only a county party-committee or county-government leader may approve major measures (§5.1)',
  'rejection.already_approved': 'the measure is already approved',
  'rejection.already_declined': 'the measure was declined',
  'rejection.already_taken': 'the measure was already taken',
  'rejection.declined_needs_reason': 'a county leader declined this measure; taking it anyway needs a reason and is flagged as unapproved (§5.1)',
  'rejection.stood_down': 'the incident was cleared and this summons stood down: no need to come',
  'rejection.unknown_id': 'unknown venue or unit',
  'rejection.duplicate_evidence': 'this evidence is already recorded',
  'rejection.marks_need_site_plan': 'marks are placed on a site plan: name it',
  'case.rejection.no_case': 'there is no such case',
  'case.rejection.wrong_status': 'not possible at the case’s current stage',
  'case.rejection.wrong_route': 'not part of this case’s route',
  'case.rejection.closed': 'the case is closed',
  'case.rejection.not_head': 'the head of the handling unit approves an extension (Art. 34)',
  'case.rejection.extension_too_long': 'the extension is longer than allowed (Art. 34)',
  'case.rejection.already_extended': 'handling may be extended only once (Art. 34)',
  'case.rejection.objection_closed': 'the 5 working days for an objection have passed (Art. 23)',
  'case.rejection.not_forwarded': 'the case was not forwarded to this unit',
  'case.rejection.same_handler': 'the case is already with this unit',
  'case.rejection.accused_unit': 'a unit never handles a complaint about itself (Art. 30)',
  'case.rejection.not_allowed_target': 'a report against officials may only go to the units the plan names (the inspection team)',
  'case.rejection.unknown_unit': 'unknown unit',
  'case.rejection.unknown_role': 'unknown role',
  'case.rejection.too_many_representatives': 'too many representatives for a collective visit (Art. 20)',
  'case.rejection.channel_required': 'name the lawful channel the matter belongs to (Art. 31)',
  'case.rejection.no_opinion': 'record the handling opinion first (Art. 32)',
  'case.rejection.not_replied': 'the handling can be rated once the reply is out',
  'case.rejection.already_rated': 'this answer has already been rated',
  'case.rejection.review_window_closed': 'the time to ask for a review has passed (Art. 35)',
  'case.rejection.procedure_concluded': 'the petition procedure has concluded; record the hand-over instead (Art. 36 ¶3)',
  'risk.rejection.no_risk': 'No such matter',
  'risk.rejection.already_reported': 'The matter is already entered',
  'risk.rejection.resolved': 'The matter is resolved; enter it again if it returns',
  'risk.rejection.unknown_unit': 'No such unit',
  'risk.rejection.not_screening_unit': 'Townships and county departments enter the matters of their own areas (§6)',
  'risk.rejection.unknown_role': 'No such position',
  'risk.rejection.same_leader': 'This leader already has the case',
  'risk.rejection.same_level': 'The level is unchanged',
  'risk.rejection.review_in_past': 'A review date cannot lie before today',
  'risk.rejection.review_overdue': 'The review is overdue: record it first',
  'risk.rejection.no_open_sign': 'No sign is waiting',
  'risk.rejection.sign_open': 'A sign of a coming petition is open: the working group handles it first',
  'risk.rejection.wrong_status': 'Work on the matter is already under way',
  'risk.rejection.personal_data': 'The register records matters, not people: remove the personal data',
  'forbidden.command.report': 'venue staff, the police or the working group report incidents',
  'forbidden.command.headcount': 'venue staff, the police or the working group update the head count',
  'forbidden.command.behavior': 'venue staff, the police or the working group record what they observe',
  'forbidden.command.guide': 'the petition staff at the venue guide people to the petition bureau (§4.1)',
  'forbidden.command.persuade': "the responsible units' principals persuade people to go back (§4.1)",
  'forbidden.command.escalate': 'the working group activates the plan (§4.1, §3)',
  'forbidden.command.ack': 'only the summoned person, or venue staff on their behalf, acknowledges a summons',
  'forbidden.command.arrive': 'only the summoned person, or venue staff on their behalf, checks in',
  'forbidden.command.leave': 'only the person, or venue staff on their behalf, checks out',
  'forbidden.command.note': 'people handling the incident post on-site updates (§5.1)',
  'forbidden.command.attach': 'people handling the incident collect evidence (§5.1)',
  'forbidden.command.mark_major': 'the working group marks a matter major and complex (§4.2)',
  'forbidden.command.mark_concluded': "the working group records that a matter's procedure has concluded (§4.2)",
  'forbidden.command.request_measure': 'the police on site or the working group propose measures (§5.1)',
  'forbidden.command.approve_measure': 'only a county party-committee or county-government leader approves measures (§5.1)',
  'forbidden.command.decline_measure': 'only a county party-committee or county-government leader decides on measures (§5.1)',
  'forbidden.command.take_measure': 'the police carry out measures (§4.1.2, §5.1)',
  'forbidden.command.clear': 'venue staff, the police or the working group record that people have left',
  'forbidden.command.close': 'the working group closes an incident',
  'forbidden.command.place': 'venue staff, the police and the working group mark positions on the site plan',
  'forbidden.not_holder': 'you do not hold {{role}}; {{why}}',
  'forbidden.case.register': 'the petition bureau or the joint office registers visits',
  'forbidden.case.accept': 'the handling unit decides acceptance (Art. 22)',
  'forbidden.case.not_accept': 'the handling unit decides acceptance (Art. 22)',
  'forbidden.case.forward': 'the handling unit or the petition bureau forwards a case (Art. 23)',
  'forbidden.case.object': 'the unit the case was forwarded to may object (Art. 23)',
  'forbidden.case.extend': 'the head of the handling unit approves an extension (Art. 34)',
  'forbidden.case.schedule_reception': 'the handler or the joint office arranges receptions (§4.2)',
  'forbidden.case.record_reception': 'the handler or the joint office records receptions (§4.2)',
  'forbidden.case.hand_over': 'the handling unit records the hand-over (§4.2)',
  'forbidden.case.opinion': 'the handling unit gives the opinion (Art. 32)',
  'forbidden.case.reply': 'the handling unit replies (Art. 32)',
  'forbidden.case.request_review': 'the handling unit or the petition bureau records a review request (Art. 35)',
  'forbidden.case.decide_review': 'the next level — the joint office or a county leader — decides a review (Art. 35, 36)',
  'forbidden.case.rate': 'the petitioner rates the handling on the tracking page',
  'forbidden.case.not_visible': 'this case is not visible to you',
  'forbidden.case.personal': "only the case's handlers see the petitioner's personal data",
  'forbidden.risk.report': 'townships and county departments report the matters of their areas ({{clause}})',
  'forbidden.risk.report_own': 'a unit reports matters of its own area only ({{clause}})',
  'forbidden.risk.other_unit': 'this matter belongs to another unit',
  'forbidden.risk.handle_sign': 'the working group, the petition bureau or a county leader handles a sign of a coming petition ({{clause}})',
  'forbidden.risk.register': 'the early-warning register is kept by townships and county departments and overseen by the working group ({{clause}})',
  'forbidden.reports': 'only administrators, the working group, county leaders and the petition bureau read accountability reports',
  'forbidden.admin': 'only an administrator may manage the organization and plans',
  'forbidden.link_inactive': 'the person this link was sent to is no longer active',
  'auth.sign_in_first': 'sign in first',
  'auth.wrong_password': 'wrong user name or password',
  'auth.throttled': 'too many failed sign-ins; try again in {{seconds}} s',
  'auth.csrf': 'missing or wrong X-CSRF-Token header (the token is returned at sign-in and by GET /api/me)',
  'link.invalid': 'this link is not valid; open the app to acknowledge',
  'link.expired': 'this link has expired; open the app to acknowledge',
  'link.used': 'this link has already been used',
  'link.disabled': 'acknowledgement links are not enabled on this server',
  'link.throttled': 'too many invalid links; try again in a minute',
  'track.not_found': 'no case has this tracking code; check it and try again',
  'track.throttled': 'too many lookups; try again in a minute',
  'input.nul': 'text may not contain NUL characters (U+0000)',
  'input.unknown_venue': 'unknown venue "{{id}}"',
  'input.unknown_unit': 'unknown unit "{{id}}"',
  'input.unknown_role': 'unknown role "{{id}}"',
  'input.unknown_person': 'unknown person "{{id}}"',
  'input.use_report': 'use POST /api/incidents to report an incident',
  'input.use_attachments': 'send evidence with POST /api/incidents/:id/attachments',
  'input.use_register': 'use POST /api/cases to register a visit',
  'input.use_risk_report': 'use POST /api/risks to report a matter',
  'input.media_type': 'send a file of type {{types}}',
  'input.empty_change': 'send at least one field to change',
  'site_plan.type': 'a site plan is a {{types}} image whose content is of that type',
  'site_plan.too_large': 'a site plan may be at most {{mb}} MB',
  'site_plan.unknown': 'no such site plan: reload the page and mark again',
  'site_plan.dimensions': 'a site plan measures {{min}} to {{max}} pixels a side, at most {{mp}} megapixels',
  'drill.plan_changed': 'the active plan has changed since this drill ran; run it again before saving',
  'drill.errors': 'the scenario has {{n}} error(s)',
  'drill.too_long': 'a drill covers at most {{days}} days from its start; shorten run_until or the steps',
  'report.not_ended': 'the incident is still on site: its report is made once people have left or it is closed',
  'report.pdf_unavailable': 'LibreOffice is not installed on this server, so no PDF can be made; download the DOCX',
  'plan.errors': 'the plan has {{n}} error(s)',
  'plan.no_longer_fits': 'this version no longer fits the organization',
  'case.personal_erased': 'the personal data was erased after the retention period',
  'case.personal_none': 'no personal data was recorded for this case',
  'error.bad_request': 'bad request; nothing changed',
  'error.unauthenticated': 'sign in first',
  'error.csrf': 'the page has expired; reload it and try again',
  'error.forbidden': 'you may not do this',
  'error.not_found': 'not found',
  'error.rejected': 'the command was refused',
  'error.invalid_plan': 'the plan has errors',
  'error.invalid_scenario': 'the scenario has errors',
  'error.invalid_organization': 'the organization has errors',
  'error.conflict': 'this conflicts with what is stored',
  'error.rate_limited': 'too many requests; try again later',
  'error.internal': 'internal error; it has been logged',
  'error.pdf_unavailable': 'no PDF can be made here',
  'error.invalid_idempotency_key': 'Idempotency-Key must be 8 to 64 letters, digits, "-" or "_"',
  'error.invalid_made_at': 'X-Made-At must be an ISO 8601 time with its zone, at most 30 days before and 1 day after it arrives',
  'error.idempotency_key_reused': 'this Idempotency-Key was used for another command',
};

/** Every refusal text, by language. */
export const REFUSALS: Readonly<Record<Lang, Readonly<Record<RefusalKey, string>>>> = { zh, en };

/** A refusal with the values its text names. */
export const refusal = (key: RefusalKey, vars?: Refusal['vars']): Refusal => (vars ? { key, vars } : { key });

const isRefusal = (v: unknown): v is Refusal => typeof v === 'object' && v !== null && 'key' in v;

/** A refusal in words, in one language; a name given in both languages is taken in that language. Pure. */
export function say(lang: Lang, r: Refusal): string {
  const text = REFUSALS[lang][r.key] ?? r.key;
  return text.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => {
    const v = r.vars?.[name];
    if (v === undefined) return whole;
    if (typeof v === 'string' || typeof v === 'number') return String(v);
    return isRefusal(v) ? say(lang, v) : v[lang];
  });
}

/**
 * The language a request asks for, from its `Accept-Language` header: English when English is
 * preferred over Chinese, otherwise Chinese (the product's first language, also with no header). Pure.
 */
export function langOf(acceptLanguage: string | string[] | undefined): Lang {
  const header = Array.isArray(acceptLanguage) ? acceptLanguage.join(',') : (acceptLanguage ?? '');
  let best: { lang: Lang; q: number } | null = null;
  for (const part of header.split(',')) {
    const [tag = '', ...params] = part.trim().toLowerCase().split(';');
    const lang: Lang | null = tag.startsWith('zh') ? 'zh' : tag.startsWith('en') ? 'en' : null;
    if (!lang) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) continue;
    if (!best || q > best.q) best = { lang, q };
  }
  return best?.lang ?? 'zh';
}

/** One problem with a request's input (a zod issue as the API reports it). */
export interface InputIssue {
  path: string;
  code: string;
  message: string;
  params?: Record<string, unknown>;
}

const FIELDS: Record<string, string> = {
  venue: '地点',
  headcount: '人数',
  value: '人数',
  units: '责任单位',
  unit: '单位',
  matter: '事项',
  category: '类别',
  behaviors: '现场情况',
  kind: '类型',
  text: '内容',
  reason: '理由',
  basis: '依据',
  role: '角色',
  by: '批准人',
  id: '编号',
  name: '名称',
  username: '用户名',
  password: '密码',
  summary: '摘要',
  level: '等级',
  leader: '包案领导',
  review_on: '复查日期',
  days: '天数',
  to: '转送单位',
  note: '说明',
  phone: '电话',
  source: '场景内容',
  scenario: '演练场景',
};

/** Where in the input: the field's Chinese name when known (`/units/0` → 责任单位). Pure. */
function fieldZh(path: string): string {
  const parts = path.split('/').filter((p) => p && !/^\d+$/.test(p));
  const last = parts.at(-1);
  if (!last) return '';
  return FIELDS[last] ?? `「${last}」`;
}

/** A zod issue in Chinese: what is wrong, in words a person at the venue understands. Pure. */
function issueZh(i: InputIssue): string {
  const p = i.params ?? {};
  // A rule that names its refusal (`params: { refusal }` on a custom issue) is said in its own words.
  const named = (p.params as { refusal?: unknown } | undefined)?.refusal;
  if (typeof named === 'string' && named in zh) return zh[named as RefusalKey];
  // The register's schemas refuse fields about a person by saying so (src/engine/risk/commands.ts).
  if (i.code === 'unrecognized_keys' && /about people/.test(i.message)) return zh['risk.rejection.personal_data'];
  const origin = p.origin as string | undefined;
  const n = (p.maximum ?? p.minimum) as number | bigint | undefined;
  switch (i.code) {
    case 'invalid_type':
      return /received undefined/.test(i.message) ? '未填写' : '格式不对';
    case 'too_big':
      if (origin === 'string') return `最多${n}个字`;
      if (origin === 'array' || origin === 'set') return `最多${n}项`;
      return `不能大于${n}`;
    case 'too_small':
      if (origin === 'string') return Number(n) <= 1 ? '未填写' : `至少${n}个字`;
      if (origin === 'array' || origin === 'set') return Number(n) <= 1 ? '至少选择一项' : `至少${n}项`;
      return `不能小于${n}`;
    case 'invalid_value':
      return '不是可选的值';
    case 'invalid_format':
      return '格式不对';
    case 'unrecognized_keys':
      return `有不认识的字段:${((p.keys as string[] | undefined) ?? []).join('、')}`;
    case 'not_multiple_of':
      return '须为整数';
    case 'invalid_union':
      return '内容不符合要求';
    default:
      return '内容不符合要求';
  }
}

/** What is wrong with a request's input, in the language asked for: one line per problem. Pure. */
export function sayIssues(lang: Lang, issues: readonly InputIssue[]): string {
  if (lang === 'en') return issues.map((i) => `${i.path || '(body)'}: ${i.message}`).join('; ');
  return issues.map((i) => `${fieldZh(i.path) ? `${fieldZh(i.path)}:` : ''}${issueZh(i)}`).join(';');
}
