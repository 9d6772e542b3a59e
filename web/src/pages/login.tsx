import { Alert, Button, Card, Form, Input } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { setLang, useT } from '../i18n';
import { useSession } from '../session';

export function LoginPage() {
  const { t, lang } = useT();
  const { signIn } = useSession();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <div style={{ maxWidth: 380, margin: '10vh auto', padding: 16 }}>
      <Card
        title={`${t('app.name')} · ${t('login.title')}`}
        extra={<Button size="small" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')} data-testid="lang-switch">{t('nav.language')}</Button>}
      >
        <Form
          layout="vertical"
          onFinish={async (v: { username: string; password: string }) => {
            setBusy(true);
            setError(null);
            try {
              await signIn(v.username, v.password);
            } catch (err) {
              setError((err as Error).message);
            } finally {
              setBusy(false);
            }
          }}
        >
          <Form.Item name="username" label={t('login.username')} rules={[{ required: true }]}>
            <Input autoComplete="username" autoCapitalize="none" data-testid="username" />
          </Form.Item>
          <Form.Item name="password" label={t('login.password')} rules={[{ required: true }]}>
            <Input.Password autoComplete="current-password" data-testid="password" />
          </Form.Item>
          {error && <Alert type="error" message={`${t('login.failed')}: ${error}`} style={{ marginBottom: 12 }} />}
          <Button type="primary" htmlType="submit" block loading={busy} data-testid="login-submit">
            {t('login.submit')}
          </Button>
        </Form>
      </Card>
      {/* Petitioners look up their case without an account. */}
      <div style={{ textAlign: 'center', marginTop: 16 }}>
        <Link to="/track" data-testid="track-link">
          {t('login.track')}
        </Link>
      </div>
    </div>
  );
}
