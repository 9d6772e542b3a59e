import { Button, Card, Empty, Popconfirm, Space, Tag, Typography } from 'antd';
import { useEffect, useRef } from 'react';
import { useT } from '../../shared/i18n';

/** A version shown against the active one: its metadata, its source and the active source. */
export interface Candidate {
  id: string;
  plan_id: string;
  version: string;
  digest?: string;
  active: boolean;
  uploaded: boolean;
  diff: DiffLine[];
}

/** A stored version against the active one: line diff, and for administrators the Activate button. */
export function CandidateCard(props: { candidate: Candidate; activeVersion: string; admin: boolean; busy: boolean; onActivate: () => Promise<void>; onClose: () => void }) {
  const { t } = useT();
  const { candidate: c } = props;
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  }, [c]);
  const added = c.diff.filter((d) => d.kind === '+').length;
  const removed = c.diff.filter((d) => d.kind === '-').length;
  return (
    <Card
      ref={ref}
      size="small"
      data-testid="plan-candidate"
      title={
        <Space wrap>
          {c.uploaded ? <Tag color="blue">{t('plan.saved')}</Tag> : <Tag>{t('plan.stored')}</Tag>}
          <span>
            {c.plan_id} <b>{c.version}</b>
          </span>
          <Typography.Text type="secondary">{t('plan.diffAgainst', { version: props.activeVersion })}</Typography.Text>
          <Tag color="green">+{added}</Tag>
          <Tag color="red">−{removed}</Tag>
        </Space>
      }
      extra={
        <Space>
          {props.admin && !c.active && (
            <Popconfirm title={t('plan.activateConfirm', { version: c.version })} onConfirm={props.onActivate} okButtonProps={{ 'data-testid': 'confirm-ok' } as never}>
              <Button type="primary" danger loading={props.busy} data-testid="plan-activate">
                {t('plan.activate')}
              </Button>
            </Popconfirm>
          )}
          <Button onClick={props.onClose}>{t('common.close')}</Button>
        </Space>
      }
    >
      {added + removed === 0 ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('plan.noChanges')} data-testid="plan-diff" /> : <DiffView lines={c.diff} />}
    </Card>
  );
}

/** + and - lines with three lines of context; longer unchanged runs fold into one line. */
function DiffView({ lines }: { lines: DiffLine[] }) {
  const { t } = useT();
  const CONTEXT = 3;
  const rows: { key: string; cls: string; text: string }[] = [];
  const changed = lines.map((l) => l.kind !== ' ');
  const near = (i: number) => changed.slice(Math.max(0, i - CONTEXT), i + CONTEXT + 1).some(Boolean);
  let skipped = 0;
  lines.forEach((l, i) => {
    if (l.kind === ' ' && !near(i)) {
      skipped++;
      return;
    }
    if (skipped) rows.push({ key: `s${i}`, cls: 'skip', text: `  ⋯ ${t('plan.unchanged', { n: skipped })}` });
    skipped = 0;
    rows.push({ key: `l${i}`, cls: l.kind === '+' ? 'add' : l.kind === '-' ? 'del' : '', text: `${l.kind === ' ' ? ' ' : l.kind} ${l.text}` });
  });
  if (skipped) rows.push({ key: 'end', cls: 'skip', text: `  ⋯ ${t('plan.unchanged', { n: skipped })}` });
  return (
    <pre className="diff" data-testid="plan-diff" style={{ margin: 0 }}>
      {rows.map((r) => (
        <span key={r.key} className={r.cls} style={r.cls === 'skip' ? { display: 'block', color: '#999' } : r.cls ? undefined : { display: 'block' }}>
          {r.text}
        </span>
      ))}
    </pre>
  );
}

export interface DiffLine {
  kind: ' ' | '+' | '-';
  text: string;
}

/**
 * A line diff of two texts by longest common subsequence: `-` lines only in `a`, `+` lines
 * only in `b`. Common head and tail are trimmed first; a middle too large for the table
 * (over 4 million cells) shows as all removed, then all added.
 */
export function lineDiff(a: string, b: string): DiffLine[] {
  const x = a === '' ? [] : a.replace(/\n$/, '').split('\n');
  const y = b === '' ? [] : b.replace(/\n$/, '').split('\n');
  let head = 0;
  while (head < x.length && head < y.length && x[head] === y[head]) head++;
  let tail = 0;
  while (tail < x.length - head && tail < y.length - head && x[x.length - 1 - tail] === y[y.length - 1 - tail]) tail++;
  const xs = x.slice(head, x.length - tail);
  const ys = y.slice(head, y.length - tail);
  const same = (text: string): DiffLine => ({ kind: ' ', text });
  const out: DiffLine[] = x.slice(0, head).map(same);
  const n = xs.length;
  const m = ys.length;
  if (n * m > 4_000_000) {
    out.push(...xs.map((text): DiffLine => ({ kind: '-', text })), ...ys.map((text): DiffLine => ({ kind: '+', text })));
  } else {
    // lcs[i * w + j]: length of the longest common subsequence of xs[i..] and ys[j..].
    const w = m + 1;
    const lcs = new Uint32Array((n + 1) * w);
    const at = (i: number, j: number) => lcs[i * w + j] ?? 0;
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) lcs[i * w + j] = xs[i] === ys[j] ? at(i + 1, j + 1) + 1 : Math.max(at(i + 1, j), at(i, j + 1));
    }
    let i = 0;
    let j = 0;
    while (i < n && j < m) {
      if (xs[i] === ys[j]) {
        out.push(same(xs[i++]!));
        j++;
      } else if (at(i + 1, j) >= at(i, j + 1)) out.push({ kind: '-', text: xs[i++]! });
      else out.push({ kind: '+', text: ys[j++]! });
    }
    while (i < n) out.push({ kind: '-', text: xs[i++]! });
    while (j < m) out.push({ kind: '+', text: ys[j++]! });
  }
  out.push(...x.slice(x.length - tail).map(same));
  return out;
}
