import { useEffect, useRef } from 'react';

/**
 * Live countdowns without re-rendering: every countdown element registers here and one timer
 * rewrites all of them each second. Colour: green, amber in the last third, red when missed.
 */
interface Entry {
  el: HTMLElement;
  issued: number;
  deadline: number;
  done: boolean;
}
const entries = new Set<Entry>();
let timer: ReturnType<typeof setInterval> | null = null;

function format(ms: number): string {
  const s = Math.floor(Math.abs(ms) / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const body = `${h ? `${h}:` : ''}${String(m).padStart(h ? 2 : 1, '0')}:${String(sec).padStart(2, '0')}`;
  return ms < 0 ? `-${body}` : body;
}

function paint(e: Entry, now: number): void {
  const left = e.deadline - now;
  const text = e.done ? '' : format(left);
  if (e.el.textContent !== text) e.el.textContent = text;
  const third = (e.deadline - e.issued) / 3;
  const state = e.done ? 'done' : left < 0 ? 'missed' : left <= third ? 'amber' : 'green';
  if (e.el.dataset.state !== state) {
    e.el.dataset.state = state;
    e.el.className = `countdown countdown-${state}`;
  }
}

function tick(): void {
  const now = Date.now();
  for (const e of entries) paint(e, now);
}

export function Countdown({ issued, deadline, done }: { issued: string; deadline: string; done: boolean }) {
  const ref = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    const entry: Entry = { el: ref.current!, issued: Date.parse(issued), deadline: Date.parse(deadline), done };
    entries.add(entry);
    paint(entry, Date.now());
    timer ??= setInterval(tick, 1000);
    return () => {
      entries.delete(entry);
      if (!entries.size && timer) {
        clearInterval(timer);
        timer = null;
      }
    };
  }, [issued, deadline, done]);
  return <span ref={ref} className="countdown" data-testid="countdown" />;
}
