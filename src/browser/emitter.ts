// Browser client: typed listeners without EventTarget, so that each event's payload type follows
// from its name and the client runs the same in a page, a worker and Node.

/** A function called with an event's payload. */
export type Listener<T> = (event: T) => void;

/**
 * Listeners per event name, called in the order they were added; one listener is kept once per
 * name, as EventTarget does. A listener that throws does not stop the others or the socket: its
 * error is thrown again in a microtask, where the page's error reporting sees it.
 */
export class Emitter<Events extends object> {
  readonly #listeners = new Map<keyof Events, Set<Listener<never>>>();

  /**
   * Calls `listener` on each `type` event until the returned function (or `off`) is
   * called.
   *
   * @returns a function that removes the listener.
   * @example
   * ```ts
   * const stop = socket.on('message', ({ data }) => console.log(data));
   * stop();
   * ```
   */
  on<K extends keyof Events>(type: K, listener: Listener<Events[K]>): () => void {
    let set = this.#listeners.get(type);
    if (set === undefined) this.#listeners.set(type, (set = new Set()));
    set.add(listener);
    return () => this.off(type, listener);
  }

  /**
   * Calls `listener` on the next `type` event only.
   *
   * @returns a function that removes the listener before it is called.
   * @example
   * ```ts
   * socket.once('open', () => socket.sendJson({ hello: 'world' }));
   * ```
   */
  once<K extends keyof Events>(type: K, listener: Listener<Events[K]>): () => void {
    const wrapper: Listener<Events[K]> = (event) => {
      this.off(type, wrapper);
      listener(event);
    };
    return this.on(type, wrapper);
  }

  /** Removes a listener added with `on`; does nothing for one not added. */
  off<K extends keyof Events>(type: K, listener: Listener<Events[K]>): void {
    this.#listeners.get(type)?.delete(listener);
  }

  /** Whether any listener waits for `type`. */
  protected listens(type: keyof Events): boolean {
    return (this.#listeners.get(type)?.size ?? 0) > 0;
  }

  /** Calls each listener of `type` with `event`. */
  protected emit<K extends keyof Events>(type: K, event: Events[K]): void {
    const set = this.#listeners.get(type);
    if (set === undefined) return;
    for (const listener of [...set] as Listener<Events[K]>[]) {
      try {
        listener(event);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
