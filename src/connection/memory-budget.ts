// Connection layer: one bound on the bytes buffered by many connections together (a server's, or
// several servers' sharing one budget). Each connection reports what it holds where its buffers
// already change; when the total reaches the bound, the connections that hold the most are shed
// with 1013 until it is back under seven eighths of it.

/** Options of a {@link MemoryBudget}. */
export interface MemoryBudgetOptions {
  /**
   * The most bytes the connections may buffer together, sending and receiving (docs/operations.md
   * lists what counts). A positive number.
   */
  bytes: number;
}

/** What a budget needs of a connection it counts (the connection engine). */
export interface BudgetHolder {
  /** The bytes it buffers now, measured (a few reads, no scan). */
  measureHeldBytes(): number;
  /**
   * Closes it with 1013 and frees what it holds: its transport is destroyed when the Close
   * cannot be written at once.
   */
  shedForBudget(): void;
}

/** A holder's entry in its budget: what was last accounted for it. */
export class BudgetAccount {
  readonly budget: MemoryBudget;
  readonly holder: BudgetHolder;
  /** The bytes accounted for it in the budget's total. */
  held = 0;
  /** Shed already, or gone: never chosen again. */
  shed = false;

  constructor(budget: MemoryBudget, holder: BudgetHolder) {
    this.budget = budget;
    this.holder = holder;
  }

  /** Measures its holder again and updates the budget (which sheds when it is full). */
  report(): void {
    reportHeld(this.budget, this, this.holder.measureHeldBytes());
  }

  /**
   * Its holder buffered `bytes` more, and nothing else changed (a frame rendered, to be written
   * at the end of the tick): counted without measuring it again.
   */
  grow(bytes: number): void {
    reportHeld(this.budget, this, this.held + bytes);
  }

  /** Its connection is gone: what it held is no longer counted. */
  leave(): void {
    leaveBudget(this.budget, this);
  }
}

// Friend access for the accounts, set in the budget's static block: the budget's public face is
// its gauges.
let reportHeld: (budget: MemoryBudget, account: BudgetAccount, bytes: number) => void;
let leaveBudget: (budget: MemoryBudget, account: BudgetAccount) => void;
let joinBudget: (budget: MemoryBudget, holder: BudgetHolder) => BudgetAccount;

/**
 * Counts a connection in a budget from now on, until its account leaves.
 *
 * @param budget - The server's budget.
 * @param holder - The connection engine.
 * @returns Its account, for its reports.
 * @example
 * const account = joinMemoryBudget(budget, core);
 * account.report(); // where its buffers changed
 * account.leave(); // once it is gone
 */
export function joinMemoryBudget(budget: MemoryBudget, holder: BudgetHolder): BudgetAccount {
  return joinBudget(budget, holder);
}

/** Once shedding starts, it goes on until the total is under this share of the budget. */
const SHED_DOWN_TO = 7 / 8;

/**
 * A bound on the bytes a server's connections buffer together: what waits to be sent (the
 * socket's buffer, frames not yet written, queued sends and a hub's queued messages) and what was
 * received and not yet taken by the handlers (a message being collected, messages queued for the
 * handler, a Streamed body's unread parts, the socket's unread input). When the total reaches
 * `bytes`, the connections that hold the most (the slowest readers) are closed with 1013 "memory
 * budget exceeded", largest first, until it is back under seven eighths of it; a connection
 * holding no more than its share (`bytes` / connections) is never shed for that. A shed
 * connection whose Close cannot be written at once (the peer stopped reading) has its transport
 * destroyed, which frees what it held.
 *
 * Pass one to several servers (`serve({ memoryBudget })`) to bound them together; a server given
 * `{ bytes }` makes its own.
 *
 * @example
 * ```ts
 * const budget = new MemoryBudget({ bytes: 256 * 1024 * 1024 });
 * const chat = await serve({ port: 8080, handler: chatRoutes, memoryBudget: budget });
 * const feed = await serve({ port: 8081, handler: feedRoutes, memoryBudget: budget });
 * setInterval(() => console.log(budget.bufferedBytes, budget.shedConnections), 10_000);
 * ```
 */
export class MemoryBudget {
  /** The bound, in bytes. */
  readonly bytes: number;
  /** The sum of what the accounts hold, as last reported. */
  #total = 0;
  /** The most the total was once a report was handled (and shedding done). */
  #peak = 0;
  #shed = 0;
  /** Connections counted (each has an account), holding or not. */
  #members = 0;
  /** The accounts holding bytes: the only ones measured again when the budget fills. */
  readonly #holding = new Set<BudgetAccount>();
  #enforcing = false;

  /**
   * @param options - The bound.
   * @throws {RangeError} For a `bytes` that is not a positive number.
   */
  constructor(options: MemoryBudgetOptions) {
    const { bytes } = options;
    if (typeof bytes !== 'number' || !(bytes > 0)) {
      throw new RangeError(`memoryBudget.bytes must be a positive number, not ${String(bytes)}`);
    }
    this.bytes = bytes;
  }

  /**
   * The bytes the connections buffer now, measured afresh (what drained since the last report
   * is no longer counted).
   */
  get bufferedBytes(): number {
    let bytes = 0;
    for (const account of this.#holding) bytes += account.holder.measureHeldBytes();
    return bytes;
  }

  /**
   * The most bytes accounted at once since the budget was made, once each report was handled
   * (and shedding done): never more than `bytes`.
   */
  get peakBufferedBytes(): number {
    return this.#peak;
  }

  /** Connections closed with 1013 to keep under the bound, since the budget was made. */
  get shedConnections(): number {
    return this.#shed;
  }

  /** Connections counted now. */
  get connections(): number {
    return this.#members;
  }

  static {
    joinBudget = (budget, holder) => {
      budget.#members++;
      return new BudgetAccount(budget, holder);
    };
    leaveBudget = (budget, account) => {
      budget.#members--;
      budget.#set(account, 0);
      account.shed = true;
    };
    reportHeld = (budget, account, bytes) => budget.#report(account, bytes);
  }

  /**
   * A connection's buffers changed: `bytes` is what it holds now. Sheds the largest holders at
   * once when the total passes the bound.
   */
  #report(account: BudgetAccount, bytes: number): void {
    if (bytes === account.held) return;
    this.#set(account, bytes);
    if (this.#enforcing) return; // a shed connection's own report, while shedding
    if (this.#total > this.bytes) this.#enforce();
    if (this.#total > this.#peak) this.#peak = this.#total;
  }

  #set(account: BudgetAccount, bytes: number): void {
    const before = account.held;
    this.#total += bytes - before;
    account.held = bytes;
    if (before === 0 && bytes > 0) this.#holding.add(account);
    else if (before > 0 && bytes === 0) this.#holding.delete(account);
  }

  /** Measures every holding account again: bytes drained since their last report go. */
  #refresh(): void {
    for (const account of this.#holding) this.#set(account, account.holder.measureHeldBytes());
  }

  /**
   * The total passed the bound (as reported: drained bytes may still count). Measured afresh;
   * then, while it is over seven eighths of the bound, the largest holder above its share is shed.
   */
  #enforce(): void {
    this.#enforcing = true;
    try {
      this.#refresh();
      const target = this.bytes * SHED_DOWN_TO;
      if (this.#total <= target) return;
      const share = this.bytes / Math.max(1, this.#members);
      const largestFirst = [...this.#holding].sort((a, b) => b.held - a.held);
      for (const account of largestFirst) {
        if (this.#total <= target || account.held <= share) break;
        if (account.shed) continue;
        account.shed = true;
        this.#shed++;
        account.holder.shedForBudget();
        this.#set(account, account.holder.measureHeldBytes());
      }
    } finally {
      this.#enforcing = false;
    }
  }
}

/**
 * The budget of a server's options: the one given, or one made for `{ bytes }`.
 *
 * @param option - `memoryBudget` as given.
 * @returns The budget, or undefined when none was asked for.
 * @throws {RangeError} For a `bytes` that is not a positive number.
 * @example
 * const budget = memoryBudgetOf({ bytes: 64 * 1024 * 1024 });
 */
export function memoryBudgetOf(
  option: MemoryBudget | MemoryBudgetOptions | undefined,
): MemoryBudget | undefined {
  if (option === undefined || option instanceof MemoryBudget) return option;
  return new MemoryBudget(option);
}
