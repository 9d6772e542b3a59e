import { InboxOutlined } from '@ant-design/icons';
import { Alert, Button, Input, Space, Typography, Upload } from 'antd';
import type { TextAreaRef } from 'antd/es/input/TextArea';
import type { ReactNode, RefObject } from 'react';
import { ApiError } from './http';
import { useT } from './i18n';

/**
 * Uploading YAML (a plan, a drill scenario) and showing where it is wrong: the same form and the
 * same located errors for both, so a person who fixed one kind of file knows how to fix the other.
 */

/** A located problem in uploaded YAML, as the CLI prints it: FILE:LINE:COL: message. */
export interface LocatedError {
  file: string;
  line: number;
  column: number;
  message: string;
}

/** A refused upload: the server's message and its located errors (none when the refusal is not about a place in the file). */
export interface UploadFailure {
  message: string;
  errors: LocatedError[];
  /** The errors point into the editor's text, so each can put the cursor there. */
  editable: boolean;
}

/** The located errors of a refused upload; plans report a column as `col`, scenarios as `column`. */
export function uploadFailure(err: unknown, editable: boolean): UploadFailure {
  const raw = err instanceof ApiError && Array.isArray(err.body.errors) ? (err.body.errors as (Omit<LocatedError, 'column'> & { column?: number; col?: number })[]) : [];
  const errors = raw.map((e) => ({ file: e.file, line: e.line, column: e.column ?? e.col ?? 1, message: e.message }));
  return { message: (err as Error).message, errors, editable };
}

/** Which upload: its texts (`plan.*`, `drill.*`) and test ids (`plan-upload-text`, `drill-errors`…). */
type Kind = 'plan' | 'drill';

/** Puts the editor's cursor on the place a located error names. */
export function jumpTo(editor: RefObject<TextAreaRef | null>, source: string, e: LocatedError): void {
  const area = editor.current?.resizableTextArea?.textArea;
  if (!area) return;
  const lines = source.split('\n');
  const at = lines.slice(0, e.line - 1).reduce((n, l) => n + l.length + 1, 0) + Math.max(0, e.column - 1);
  const end = at + Math.max(1, (lines[e.line - 1]?.length ?? 0) - (e.column - 1));
  area.focus();
  area.setSelectionRange(at, end);
}

/**
 * The YAML form: a file dropped or picked (read as text), or pasted; its file name, which the
 * errors are located in; and the action (validate, run) beside it.
 */
export function YamlUpload(props: {
  kind: Kind;
  editor: RefObject<TextAreaRef | null>;
  source: string;
  onSource: (source: string) => void;
  name: string;
  onName: (name: string) => void;
  rows: number;
  action: ReactNode;
}) {
  const { kind } = props;
  const { t } = useT();
  return (
    <div>
      <Upload.Dragger
        accept=".yaml,.yml"
        showUploadList={false}
        beforeUpload={(file) => {
          void file.text().then((text) => {
            props.onSource(text);
            props.onName(file.name);
          });
          return Upload.LIST_IGNORE;
        }}
        data-testid={`${kind}-upload-file`}
      >
        <p className="ant-upload-drag-icon">
          <InboxOutlined />
        </p>
        <p className="ant-upload-text">{t(`${kind}.dropHint`)}</p>
      </Upload.Dragger>
      <Typography.Text type="secondary" style={{ display: 'block', margin: '8px 0 4px' }}>
        {t(`${kind}.pasteHint`)}
      </Typography.Text>
      <Input.TextArea
        ref={props.editor}
        value={props.source}
        onChange={(e) => props.onSource(e.target.value)}
        rows={props.rows}
        spellCheck={false}
        placeholder={t(`${kind}.source`)}
        style={{ fontFamily: 'monospace', fontSize: 12 }}
        data-testid={`${kind}-upload-text`}
      />
      <Space style={{ marginTop: 8 }} wrap>
        <Space.Compact>
          <Button disabled>{t(`${kind}.fileName`)}</Button>
          <Input value={props.name} onChange={(e) => props.onName(e.target.value)} style={{ width: 240 }} data-testid={`${kind}-upload-name`} />
        </Space.Compact>
        {props.action}
      </Space>
    </div>
  );
}

/** Why an upload was refused: each located error as FILE:LINE:COL, a link to the place when it is in the editor. */
export function LocatedErrors({ kind, failure, onDismiss, onJump }: { kind: Kind; failure: UploadFailure; onDismiss: () => void; onJump: (e: LocatedError) => void }) {
  const { t } = useT();
  return (
    <Alert
      type="error"
      showIcon
      style={{ marginTop: 12 }}
      closable={{ onClose: onDismiss }}
      data-testid={`${kind}-errors`}
      title={failure.errors.length ? t(`${kind}.errorsCount`, { n: failure.errors.length }) : t(kind === 'plan' ? 'error.invalid_plan' : 'error.invalid_scenario')}
      description={
        failure.errors.length ? (
          <ul style={{ margin: 0, paddingLeft: 20 }}>
            {failure.errors.map((e, i) => (
              <li key={i} data-testid={`${kind}-error`}>
                {failure.editable ? (
                  <Typography.Link onClick={() => onJump(e)}>
                    <Typography.Text code>{`${e.file}:${e.line}:${e.column}`}</Typography.Text>
                  </Typography.Link>
                ) : (
                  <Typography.Text code>{`${e.file}:${e.line}:${e.column}`}</Typography.Text>
                )}{' '}
                {e.message}
              </li>
            ))}
          </ul>
        ) : (
          failure.message
        )
      }
    />
  );
}
