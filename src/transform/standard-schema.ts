// Transform layer: the Standard Schema v1 interface (standardschema.dev), written out here so that
// any validator that implements it (zod, valibot, arktype, ...) works without a runtime dependency.

/**
 * A schema of any Standard Schema v1 validator: zod, valibot, arktype and others implement it.
 * wsflow reads only its `~standard` property.
 *
 * @example
 * ```ts
 * const Chat = z.object({ text: z.string() }); // a StandardSchemaV1<unknown, { text: string }>
 * const chat = json().validate(Chat);
 * ```
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  /** The validator's standard properties. */
  readonly '~standard': StandardSchemaV1Props<Input, Output>;
}

/** The standard properties of a {@link StandardSchemaV1}. */
export interface StandardSchemaV1Props<Input = unknown, Output = Input> {
  /** The version of the standard: 1. */
  readonly version: 1;
  /** The validator library's name, e.g. 'zod' or 'valibot'. */
  readonly vendor: string;
  /** Checks a value: its typed output, or the issues found (synchronously or as a promise). */
  readonly validate: (
    value: unknown,
  ) => StandardSchemaV1Result<Output> | Promise<StandardSchemaV1Result<Output>>;
  /** The schema's input and output types, for inference only (no value at run time). */
  readonly types?: StandardSchemaV1Types<Input, Output> | undefined;
}

/** What {@link StandardSchemaV1Props.validate} finds: the value, or the issues. */
export type StandardSchemaV1Result<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: readonly StandardSchemaV1Issue[] };

/** One thing a validator found wrong. */
export interface StandardSchemaV1Issue {
  /** What is wrong, in the validator's words. */
  readonly message: string;
  /** Where: the keys from the root to the failing value. */
  readonly path?: readonly (PropertyKey | StandardSchemaV1PathSegment)[] | undefined;
}

/** One key of an issue's path, as some validators give it. */
export interface StandardSchemaV1PathSegment {
  /** The key. */
  readonly key: PropertyKey;
}

/** The input and output types a schema declares. */
export interface StandardSchemaV1Types<Input = unknown, Output = Input> {
  /** What the schema takes. */
  readonly input: Input;
  /** What it gives once valid. */
  readonly output: Output;
}

/** The type of a schema's valid values: what a validated transformer hands the flow. */
export type InferSchemaOutput<Schema extends StandardSchemaV1> = NonNullable<
  Schema['~standard']['types']
>['output'];
