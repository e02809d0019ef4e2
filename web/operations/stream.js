// The live figures over server-sent events; the session cookie authenticates the EventSource.

const RETRY_MS = 5000;

/**
 * Follows the figures of `crisis` ('all' or a slug): `onFigures(payload)` at each new read,
 * `onState('open' | 'closed' | 'refused')`. Returns the function that stops following.
 */
export function followFigures(crisis, onFigures, onState) {
  let source = null;
  let retry = null;
  let stopped = false;
  const open = () => {
    source = new window.EventSource(`/api/operations/events?crisis=${encodeURIComponent(crisis)}`);
    source.addEventListener('open', () => onState('open'));
    source.addEventListener('figures', (event) => onFigures(JSON.parse(event.data)));
    source.addEventListener('error', () => {
      source.close();
      if (stopped) return;
      onState('closed');
      retry = window.setTimeout(open, RETRY_MS);
    });
  };
  open();
  return () => {
    stopped = true;
    window.clearTimeout(retry);
    source?.close();
  };
}
