import { useFetcher } from '@remix-run/react';
import { type RefObject, useCallback, useState } from 'react';

/**
 * The fetcher of a dialog's form, whose last answer is set aside when the dialog closes: a keyed
 * fetcher outlives the dialog and keeps its answer, so a reopened dialog would show the errors
 * of the last attempt. `close` also resets the form.
 */
export function useDialogFetcher<T>(key: string, formRef: RefObject<HTMLFormElement | null>, onClose: () => void) {
  const fetcher = useFetcher<T>({ key });
  const [dismissed, setDismissed] = useState<unknown>(undefined);
  const result = fetcher.state === 'idle' && fetcher.data !== dismissed ? fetcher.data : undefined;
  const close = useCallback(() => {
    setDismissed(fetcher.data);
    formRef.current?.reset();
    onClose();
  }, [fetcher.data, formRef, onClose]);
  return { fetcher, result, close };
}
