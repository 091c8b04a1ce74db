import { useEffect, useRef, useState } from 'react';

/**
 * Tells screen readers about a change that happened on its own (a live update, not the user's
 * action): a polite status region that is always in the page, empty until `value` changes, then
 * holding `message(value)`. The first value is what the page loaded with, so it is not read out.
 */
export function Announcer<T>({ value, message }: { value: T; message: (value: T) => string | null }) {
  const [text, setText] = useState('');
  const previous = useRef(value);
  const latestMessage = useRef(message);
  latestMessage.current = message;
  useEffect(() => {
    if (Object.is(previous.current, value)) return;
    previous.current = value;
    setText(latestMessage.current(value) ?? '');
  }, [value]);
  return (
    <p role="status" aria-live="polite" className="sr-only">
      {text}
    </p>
  );
}
