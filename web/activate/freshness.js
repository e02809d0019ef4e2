// Whether opening or ending a service needs a code now: not while the sign-in that gave one is
// fresh (the server says until when), again as soon as that window ends or the server asks for one.

import { useEffect, useState } from '/shared/vendor/preact-htm.js';
import { attempt, needsCode } from '../shared/session.js';

/** [needed, codeNeeded()]: the second marks a code as needed, when the server refused an act for want of one. */
export function useCodeNeeded(freshUntil) {
  const left = () => (freshUntil ? Date.parse(freshUntil) - Date.now() : 0);
  const [needed, setNeeded] = useState(left() <= 0);
  useEffect(() => {
    setNeeded(left() <= 0);
    if (left() <= 0) return undefined;
    const timer = setTimeout(() => setNeeded(true), left());
    return () => clearTimeout(timer);
  }, [freshUntil]);
  return [needed, () => setNeeded(true)];
}

/** Runs an act as `attempt` does; a refusal for want of a code calls `onCodeNeeded` (the field appears). */
export function attemptWithCode(what, action, onCodeNeeded) {
  return attempt(what, async () => {
    try {
      return await action();
    } catch (error) {
      if (needsCode(error)) onCodeNeeded();
      throw error;
    }
  });
}
