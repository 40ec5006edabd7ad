// Variable scopes for expansion (DOCKERFILE.md §7): ENV overrides ARG; ARGs are visible from their
// declaration on; every lookup is recorded so unused ARGs can be reported.
import type { ExpandEnv } from "../words/expand.js";
import type { Span } from "../ast/types.js";
import { fit } from "../arrays.js";

/** A declared ARG: its effective value (undefined = declared without value) and use tracking. */
export interface ArgBinding {
  name: string;
  value: string | undefined;
  span: Span;
  used: boolean;
  /** Automatic/predefined args are never reported as unused. */
  automatic: boolean;
}

/** An ordered environment (ENV), as OCI `K=V` strings on output. */
export class EnvMap {
  /** Name → its position in `values` and `entries` (definition order; a redefinition keeps it). */
  private readonly index: Map<string, number>;
  private readonly values: string[];
  /**
   * The `K=V` string of each name, made when the name is set: every `toList()` is a copy of this
   * array (one native slice, no iteration) sharing the strings of the names no ENV changed since
   * (e.g. PATH), rather than each list holding its own copies.
   */
  private readonly entries: string[];
  /** Cached `toList()` result, dropped on every change (RUN ops share it). */
  private list: string[] | null = null;
  constructor(from?: EnvMap) {
    this.index = new Map(from?.index);
    this.values = from === undefined ? [] : from.values.slice();
    this.entries = from === undefined ? [] : from.entries.slice();
  }
  get(name: string): string | undefined {
    const i = this.index.get(name);
    return i === undefined ? undefined : this.values[i];
  }
  has(name: string): boolean {
    return this.index.has(name);
  }
  set(name: string, value: string): void {
    const entry = `${name}=${value}`;
    const i = this.index.get(name);
    if (i === undefined) {
      this.index.set(name, this.values.length);
      this.values.push(value);
      this.entries.push(entry);
    } else {
      this.values[i] = value;
      this.entries[i] = entry;
    }
    this.list = null;
  }
  /** Number of names defined. Names are never removed, so it changes exactly when a name is added. */
  get size(): number {
    return this.values.length;
  }
  /** `K=V` in definition order (a redefinition keeps its first position). Do not mutate the result. */
  toList(): string[] {
    // Exactly sized (slice), kept by every RUN op until the next ENV.
    return (this.list ??= fit(this.entries));
  }
}

/** The lookup scope of one stage (or of the global FROM context when `env` is empty). */
export class Scope implements ExpandEnv {
  readonly args = new Map<string, ArgBinding>();
  /**
   * True when every variable in scope is known at compile time (no base image whose ENV the compiler
   * cannot see), so a reference to an unknown name deserves an "undefined variable" warning.
   */
  strict = true;
  constructor(readonly env: EnvMap) {}

  /** ExpandEnv: ENV first, then ARGs in scope; records ARG use. */
  get(name: string): string | undefined {
    const e = this.env.get(name);
    if (e !== undefined) return e;
    const a = this.args.get(name);
    if (a === undefined) return undefined;
    a.used = true;
    return a.value;
  }

  /** True if the name is bound by ENV or a declared ARG (even one without a value). */
  knows(name: string): boolean {
    return this.env.has(name) || this.args.has(name);
  }

  /** Declares (or re-declares) an ARG. */
  declare(binding: ArgBinding): void {
    this.args.set(binding.name, binding);
    this.argList = null;
  }

  /**
   * Cached `argEnv()`, and the number of ENV names it was computed against: ENV shadows an ARG by
   * name only, and ENV names are never removed, so the list stays valid until an ENV adds a name.
   */
  private argList: string[] | null = null;
  private argListEnvSize = -1;

  /** Marks ARGs referenced by name (e.g. `$X` seen in a RUN command the shell will expand). */
  markUsed(name: string): void {
    const a = this.args.get(name);
    if (a !== undefined) a.used = true;
  }

  /** ARG values not shadowed by ENV, as sorted `K=V` (what a RUN sees besides ENV). Do not mutate. */
  argEnv(): string[] {
    if (this.argList !== null && this.argListEnvSize === this.env.size) return this.argList;
    // Collected in a list reused by every call (a new one grew to 17 slots for its first entry),
    // then kept as an exactly-sized sorted copy of its first `count` entries.
    const out = ARG_SCRATCH;
    let count = 0;
    this.args.forEach((a) => {
      if (a.value !== undefined && !this.env.has(a.name)) out[count++] = `${a.name}=${a.value}`;
    });
    this.argListEnvSize = this.env.size;
    return (this.argList = count === 0 ? fit([]) : out.slice(0, count).sort());
  }
}

/**
 * Scratch list of `argEnv`, filled from index 0 with a count of its own (setting `length = 0` would
 * drop its storage); holds the last list's strings until the next call.
 */
const ARG_SCRATCH: string[] = [];

/** The list `shellRefs` returns for text without `$` (most RUN lines): shared, frozen. */
const NO_REFS: readonly string[] = Object.freeze([]);

/** Variable names a shell would expand in `text` (`$NAME`, `${NAME…`), for ARG use tracking. */
export function shellRefs(text: string): readonly string[] {
  if (text.indexOf("$") < 0) return NO_REFS;
  const out: string[] = [];
  const re = /\$\{?([A-Za-z_][A-Za-z0-9_]*)/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) out.push(m[1]!);
  return out;
}
