// Browser client: the moments a waiting retry is worth making at once: the browser says the
// network is back ('online'), or the page is shown again. Both only shorten a wait that a timer
// already bounds, so a browser that never fires them loses nothing; nothing here closes a socket.

interface Target {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

interface PageGlobals {
  addEventListener?: Target['addEventListener'];
  removeEventListener?: Target['removeEventListener'];
  document?: Target & { readonly visibilityState?: string };
}

/**
 * Calls `wake` when the page goes online or becomes visible, until the returned function is called.
 * Where there is no window (Node, a worker without `document`) it watches what exists, or nothing.
 */
export function watchWake(wake: () => void): () => void {
  const page = globalThis as PageGlobals;
  const stops: (() => void)[] = [];
  if (typeof page.addEventListener === 'function') {
    const target = page as Target;
    target.addEventListener('online', wake);
    stops.push(() => target.removeEventListener('online', wake));
  }
  const document = page.document;
  if (document !== undefined && typeof document.addEventListener === 'function') {
    const shown = (): void => {
      if (document.visibilityState === 'visible') wake();
    };
    document.addEventListener('visibilitychange', shown);
    stops.push(() => document.removeEventListener('visibilitychange', shown));
  }
  return () => {
    for (const stop of stops) stop();
  };
}
