import { Button, Card } from 'antd';
import type { TextAreaRef } from 'antd/es/input/TextArea';
import { useRef, useState } from 'react';
import { useT } from '../../shared/i18n';
import { jumpTo, LocatedErrors, YamlUpload, type UploadFailure } from '../../shared/yaml-upload';

/** The administrator's upload: a plan's YAML validated and stored (not yet active); the editor is cleared once it is stored. */
export function PlanUploadCard(props: { busy: boolean; onSubmit: (source: string, name: string) => Promise<boolean>; failure: UploadFailure | null; onDismiss: () => void }) {
  const { t } = useT();
  const editor = useRef<TextAreaRef>(null);
  const [source, setSource] = useState('');
  const [name, setName] = useState('plan.yaml');
  return (
    <Card size="small" title={t('plan.upload')}>
      <YamlUpload
        kind="plan"
        editor={editor}
        source={source}
        onSource={setSource}
        name={name}
        onName={setName}
        rows={10}
        action={
          <Button type="primary" loading={props.busy} disabled={!source.trim()} onClick={() => void props.onSubmit(source, name).then((stored) => stored && setSource(''))} data-testid="plan-upload-submit">
            {t('plan.validate')}
          </Button>
        }
      />
      {props.failure && <LocatedErrors kind="plan" failure={props.failure} onDismiss={props.onDismiss} onJump={(e) => jumpTo(editor, source, e)} />}
    </Card>
  );
}
