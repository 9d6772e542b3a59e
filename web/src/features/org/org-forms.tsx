import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Form, Modal, Space, Upload } from 'antd';
import { useState, type ReactNode } from 'react';
import { api, ApiError } from '../../shared/http';
import { useT } from '../../shared/i18n';
import { usePlan } from '../../shared/plan-context';
import { SearchSelect } from '../../shared/search-select';

import type { CsvKind, Person, RoleOption } from './org-model';

/** Export as a plain download link; for administrators, import a picked file (all rows or none). */
export function CsvTools({ kind, admin, onImported }: { kind: CsvKind; admin: boolean; onImported: () => Promise<void> }) {
  const { t } = useT();
  const { message } = App.useApp();
  const [failure, setFailure] = useState<{ message: string; errors: string[] } | null>(null);
  const [busy, setBusy] = useState(false);

  const importFile = async (file: File) => {
    setBusy(true);
    setFailure(null);
    try {
      const res = await api<{ imported: number }>('POST', `/api/org/${kind}.csv`, await file.text());
      message.success(t('org.importedCount', { n: res.imported }));
      await onImported();
    } catch (err) {
      const errors = err instanceof ApiError && Array.isArray(err.body.errors) ? (err.body.errors as unknown[]).map(String) : [];
      setFailure({ message: (err as Error).message, errors });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Space wrap>
      <a href={`/api/org/${kind}.csv`} download={`${kind}.csv`} data-testid={`csv-export-${kind}`}>
        <DownloadOutlined /> {t('org.export')}
      </a>
      {admin && (
        <Upload
          accept=".csv,text/csv"
          showUploadList={false}
          beforeUpload={(file) => {
            void importFile(file);
            return Upload.LIST_IGNORE;
          }}
        >
          <Button icon={<UploadOutlined />} loading={busy} data-testid={`csv-import-${kind}`}>
            {t('org.import')}
          </Button>
        </Upload>
      )}
      {failure && (
        <Modal open title={t('org.importFailed')} onCancel={() => setFailure(null)} footer={<Button onClick={() => setFailure(null)}>{t('common.close')}</Button>}>
          <Alert
            type="error"
            showIcon
            data-testid="csv-errors"
            title={failure.message}
            description={
              failure.errors.length > 0 && (
                <ul style={{ margin: 0, paddingLeft: 20, maxHeight: 320, overflow: 'auto' }}>
                  {failure.errors.map((e, i) => (
                    <li key={i} data-testid="csv-error">
                      {e}
                    </li>
                  ))}
                </ul>
              )
            }
          />
        </Modal>
      )}
    </Space>
  );
}

/** A modal with a form: submits, shows the server's refusal, closes on success. */
export function FormModal<V extends object>(props: { open: boolean; title: string; testid: string; initialValues?: Partial<V>; onClose: () => void; onSubmit: (values: V) => Promise<void>; children: ReactNode }) {
  const { t } = useT();
  const [form] = Form.useForm<V>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const close = () => {
    setError(null);
    props.onClose();
  };
  return (
    <Modal
      open={props.open}
      title={props.title}
      onCancel={close}
      onOk={() => form.submit()}
      okText={t('org.save')}
      confirmLoading={busy}
      destroyOnHidden
      okButtonProps={{ 'data-testid': `${props.testid}-submit` } as never}
    >
      <Form<V>
        form={form}
        layout="vertical"
        initialValues={props.initialValues}
        data-testid={props.testid}
        onFinish={async (values) => {
          setBusy(true);
          setError(null);
          try {
            await props.onSubmit(values);
            close();
          } catch (err) {
            setError((err as Error).message);
          } finally {
            setBusy(false);
          }
        }}
      >
        {props.children}
        {error && <Alert type="error" showIcon title={error} style={{ marginTop: 12 }} data-testid={`${props.testid}-error`} />}
      </Form>
    </Modal>
  );
}

export function RoleSelect({ roles, testid, ...rest }: { roles: RoleOption[]; testid: string; value?: string; onChange?: (v: string) => void }) {
  const { lang } = useT();
  const { role } = usePlan();
  return <SearchSelect {...rest} options={roles.map((r) => ({ value: r.role, label: role(r.role, lang) }))} data-testid={testid} />;
}

export function PersonSelect({ people, testid, ...rest }: { people: Person[]; testid: string; value?: string; onChange?: (v: string) => void }) {
  const { lang } = useT();
  const { unit } = usePlan();
  const options = people.filter((p) => p.active).map((p) => ({ value: p.id, label: `${p.name} · ${unit(p.unit_id, lang)}` }));
  return <SearchSelect {...rest} options={options} data-testid={testid} />;
}
