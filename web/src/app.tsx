import { App as AntApp, Alert, Button, ConfigProvider, Dropdown, Grid, Layout, Menu, Spin, Tag } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { lazy, Suspense, useEffect } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import { setLang, useT } from './shared/i18n';
import { live, useOnline } from './shared/live';
import { outbox } from './shared/outbox';
import { OutboxBadge, OutboxSignIn } from './shared/outbox-ui';
import { Only } from './shared/not-allowed';
import { PlanProvider, usePlan } from './shared/plan-context';
import { SessionProvider, useSession } from './features/auth/session';
import { BoardPage } from './features/board/board';
import { LoginPage } from './features/auth/login';

// The board is the first screen; every other screen loads when opened, so the first load on a
// slow network stays small (main.tsx shows the sign-in form before any of this arrives).
const AckPage = lazy(() => import('./features/summons/ack').then((m) => ({ default: m.AckPage })));
const ApprovalsPage = lazy(() => import('./features/approvals/approvals').then((m) => ({ default: m.ApprovalsPage })));
const CasePage = lazy(() => import('./features/cases/case').then((m) => ({ default: m.CasePage })));
const CasesPage = lazy(() => import('./features/cases/cases').then((m) => ({ default: m.CasesPage })));
const IncidentPage = lazy(() => import('./features/incident/incident').then((m) => ({ default: m.IncidentPage })));
const MySummonsPage = lazy(() => import('./features/summons/my-summons').then((m) => ({ default: m.MySummonsPage })));
const ReportPage = lazy(() => import('./features/incident/report').then((m) => ({ default: m.ReportPage })));
const PendingIncidentPage = lazy(() => import('./features/incident/pending').then((m) => ({ default: m.PendingIncidentPage })));
const TrackPage = lazy(() => import('./features/track/track').then((m) => ({ default: m.TrackPage })));
const PlanPage = lazy(() => import('./features/plan/plan').then((m) => ({ default: m.PlanPage })));
const OrgPage = lazy(() => import('./features/org/org').then((m) => ({ default: m.OrgPage })));
const DrillsPage = lazy(() => import('./features/drills/drills').then((m) => ({ default: m.DrillsPage })));
const AccountabilityPage = lazy(() => import('./features/accountability/accountability').then((m) => ({ default: m.AccountabilityPage })));
const RisksPage = lazy(() => import('./features/risks/risks').then((m) => ({ default: m.RisksPage })));

export function App() {
  const { lang } = useT();
  dayjs.locale(lang === 'zh' ? 'zh-cn' : 'en');
  return (
    <ConfigProvider locale={lang === 'zh' ? zhCN : enUS} theme={{ token: { colorPrimary: '#b71c1c' } }}>
      <AntApp>
        <BrowserRouter>
          <Suspense fallback={<Spin style={{ display: 'block', marginTop: 120 }} />}>
            <Routes>
              {/* The petitioner's tracking page needs no account (Art. 18, 21): outside the sign-in guard. */}
              <Route path="/track/:code?" element={<TrackPage />} />
              {/* A summons message's one-button page: the signed, single-use link is the credential. */}
              <Route path="/a/:token" element={<AckPage />} />
              <Route
                path="*"
                element={
                  <SessionProvider>
                    <Shell />
                  </SessionProvider>
                }
              />
            </Routes>
          </Suspense>
        </BrowserRouter>
      </AntApp>
    </ConfigProvider>
  );
}

function Shell() {
  const { me, loading } = useSession();
  if (loading) return <Spin style={{ display: 'block', marginTop: 120 }} />;
  if (!me) return <LoginPage />;
  return (
    <PlanProvider>
      <Frame />
    </PlanProvider>
  );
}

function Frame() {
  const { t, lang } = useT();
  const { me, signOut } = useSession();
  const online = useOnline();
  const navigate = useNavigate();
  const location = useLocation();
  const { role } = usePlan();
  const section = `/${location.pathname.split('/')[1] ?? ''}`;
  const current = section === '/incidents' ? '/' : section;
  // On a phone the sections move to a tab bar at the bottom, within reach of a thumb.
  const phone = !Grid.useBreakpoint().md;
  // Only the screens the signed-in user can use (`me.can`: the server's own rules, src/server/auth/screens.ts).
  const can = me!.can;
  // The phone's queue is the signed-in user's: another user's commands stay unsent.
  useEffect(() => {
    void outbox.setUser(me!.username);
    const off = outbox.onSent((_item, view) => live.put(view));
    return () => {
      off();
      void outbox.setUser(null);
    };
  }, [me]);
  const items = [
    { key: '/', label: t('nav.board') },
    { key: '/report', label: t('nav.report'), show: can.report },
    { key: '/my', label: t('nav.my'), show: can.my },
    { key: '/cases', label: t('nav.cases'), show: can.cases },
    { key: '/approvals', label: t('nav.approvals'), show: can.approvals },
    { key: '/risks', label: t('nav.risks'), show: can.register },
    { key: '/plan', label: t('nav.plan') },
    { key: '/org', label: t('nav.org') },
    { key: '/drills', label: t('nav.drills') },
    { key: '/accountability', label: t('nav.accountability'), show: can.reports },
  ]
    .filter((item) => item.show !== false)
    .map(({ key, label }) => ({ key, label }));
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <header className="yj-header">
        <span className="yj-brand">
          {t('app.name')}
          <small>{t('app.subtitle')}</small>
        </span>
        {phone ? <span style={{ flex: 1 }} /> : <Menu className="yj-menu" mode="horizontal" selectedKeys={[current]} items={items} onClick={(e) => navigate(e.key)} />}
        <Tag color={online ? 'green' : 'red'} data-testid="live-status" title={online ? undefined : t('live.offline')}>
          {/* On a phone the header has room for a word; the banner below says the rest. */}
          {online ? t('live.online') : phone ? t('live.offlineShort') : t('live.offline')}
        </Tag>
        <Button size="small" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')} data-testid="lang-switch">
          {t('nav.language')}
        </Button>
        <Dropdown
          menu={{
            items: [
              { key: 'roles', type: 'group', label: t('nav.roles'), children: [...me!.roles.map((r) => ({ key: r, label: role(r, lang) })), ...(me!.admin ? [{ key: 'admin', label: t('nav.admin') }] : [])] },
              { type: 'divider' },
              { key: 'signout', label: t('nav.signout'), onClick: () => void signOut() },
            ],
          }}
        >
          <Button size="small" data-testid="user-menu">{me!.username}</Button>
        </Dropdown>
      </header>
      {!online && <Alert className="offline-banner" type="warning" banner message={t('live.offline')} />}
      <OutboxBadge />
      <OutboxSignIn onSignIn={() => void signOut().catch(() => window.location.assign('/'))} />
      <main className="yj-content">
        <Suspense fallback={<Spin />}>
          <Routes>
            <Route path="/" element={<BoardPage />} />
            <Route path="/report" element={<Only when={can.report} screen="nav.report"><ReportPage /></Only>} />
            <Route path="/incidents/:id" element={<IncidentPage />} />
            <Route path="/pending/:key" element={<PendingIncidentPage />} />
            <Route path="/my" element={<Only when={can.my} screen="nav.my"><MySummonsPage /></Only>} />
            <Route path="/cases" element={<Only when={can.cases} screen="nav.cases"><CasesPage /></Only>} />
            <Route path="/cases/:id" element={<CasePage />} />
            <Route path="/approvals" element={<Only when={can.approvals} screen="nav.approvals"><ApprovalsPage /></Only>} />
            <Route path="/plan" element={<PlanPage />} />
            <Route path="/org" element={<OrgPage />} />
            <Route path="/drills" element={<DrillsPage />} />
            <Route path="/accountability" element={<Only when={can.reports} screen="nav.accountability"><AccountabilityPage /></Only>} />
            <Route path="/risks" element={<Only when={can.register} screen="nav.risks"><RisksPage /></Only>} />
            <Route path="*" element={<Navigate to="/" />} />
          </Routes>
        </Suspense>
      </main>
      {phone && (
        <nav className="yj-tabbar" data-testid="tabbar">
          {/* Drills are rehearsed at a desk: the phone's tab bar keeps to the sections used on site. */}
          {items.filter((item) => item.key !== '/drills').map((item) => (
            <button key={item.key} type="button" className={item.key === current ? 'active' : ''} onClick={() => navigate(item.key)}>
              {item.label}
            </button>
          ))}
        </nav>
      )}
    </Layout>
  );
}
