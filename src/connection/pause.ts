// Connection layer: why reading the transport is paused. Each stage that can hold input back owns
// one bit; reading resumes when no bit is left.

/** Why reading is paused; reading resumes when no reason is left. */
export const PauseReason = {
  Incoming: 1,
  Assembler: 2,
  Handler: 4,
  Write: 8,
  Inflate: 16,
} as const;

/** One of the {@link PauseReason} bits. */
export type PauseReason = (typeof PauseReason)[keyof typeof PauseReason];
