import { HttpClient } from '../support/process.js';

/** What `seedCounty` made, for the pages to open. */
export interface Seeded {
  /** Open: a township and a county department summoned; the township's principal arrived. */
  guided: string;
  /** Open, tier 3: the plan activated, the police summoned, a removal awaiting a county leader's approval. */
  activated: string;
  /** Open, tier 4: sixty people. */
  crowd: string;
  /** Cleared before anyone arrived: its summonses stood down. */
  cleared: string;
  /** A walk-in visit registered at the petition bureau: its case and the petitioner's tracking code. */
  caseId: string;
  trackingCode: string;
  /** An early-warning matter of 汤沟镇. */
  risk: string;
  /** A summons link (`/a/…`) of 横埠镇's principal, not yet used. */
  ackLink: string;
}

async function ok(res: Promise<{ status: number; body: any }>): Promise<any> {
  const r = await res;
  if (r.status >= 300) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/**
 * A county mid-morning, over the API as each role would do it: several incidents at every
 * stage, a follow-up case, the early-warning register with a sign on the board. Long Chinese
 * unit names (县自然资源和规划局, 县人社局…) and long English ones are among the summoned.
 */
export async function seedCounty(base: string): Promise<Seeded> {
  const [staff, group, police, tanggou, hengbu] = (await Promise.all(
    ['petition-bureau.staff', 'working-group.leader', 'police-bureau.principal', 'town-tanggou.principal', 'town-hengbu.principal'].map((u) => HttpClient.login(base, u)),
  )) as [HttpClient, HttpClient, HttpClient, HttpClient, HttpClient];
  const report = async (body: object) => (await ok(staff.post('/api/incidents', body))).id as string;
  const command = (client: HttpClient, id: string, body: object) => ok(client.post(`/api/incidents/${id}/commands`, body));

  const guided = await report({ venue: 'residence', headcount: 8, units: ['town-tanggou', 'dept-natural-resources'], matter: '征地补偿款未发放,要求县自然资源和规划局当面答复补偿标准和发放时间' });
  await command(staff, guided, { do: 'guide', result: 'failed' });
  await command(tanggou, guided, { do: 'ack', role: 'town-tanggou/principal' });
  await command(tanggou, guided, { do: 'arrive', role: 'town-tanggou/principal' });

  const activated = await report({ venue: 'venue-1', headcount: 35, units: ['dept-housing', 'dept-human-resources', 'town-hengbu'], matter: '安置房质量问题长期未解决,拖欠农民工工资' });
  await command(staff, activated, { do: 'guide', result: 'failed' });
  await command(group, activated, { do: 'escalate' });
  await command(police, activated, { do: 'request_measure', id: 'm1', kind: 'removal', basis: '《治安管理处罚法》第二十三条' });

  const crowd = await report({ venue: 'residence', headcount: 60, units: ['town-zongyang', 'dept-education'], matter: '学校撤并后子女上学路远' });
  await command(group, crowd, { do: 'escalate' });

  const cleared = await report({ venue: 'venue-2', headcount: 12, units: ['town-fushan'], matter: '宅基地纠纷' });
  await command(staff, cleared, { do: 'guide', result: 'failed' });
  await command(staff, cleared, { do: 'clear' });

  const registered = await ok(staff.post('/api/cases', { matter: '反映宅基地确权登记迟迟未办', units: ['town-tanggou', 'dept-natural-resources'], headcount: 3 }));
  const risk = (await ok(tanggou.post('/api/risks', { kind: 'matter', unit: 'town-tanggou', matter: '工业园区企业拖欠工资,工人多次到镇政府反映', place: '汤沟镇工业园', affected: 40, level: 'high' }))).id as string;
  await ok(tanggou.post('/api/risks', { kind: 'sign', unit: 'town-tanggou', matter: '工业园欠薪工人相约明日到巡视组驻地反映', place: '汤沟镇工业园', affected: 35 }));

  const inbox = await hengbu.get<{ kind: string; link?: string }[]>('/api/my/inbox');
  const ackLink = new URL(inbox.find((m) => m.kind === 'summons' && m.link)!.link!).pathname;
  return { guided, activated, crowd, cleared, caseId: registered.id, trackingCode: registered.tracking_code, risk, ackLink };
}
