// `RUN --mount=…` values with BuildKit's rules (frontend/dockerfile/instructions/commands_runmount.go
// parseMount/validateMount, DOCKERFILE.md §3 "RUN --mount keys"), into a typed MountSpec.
import { readCsvRecord, type CsvField } from "./csv.js";
import { clampSpan, didYouMean, fail, ok, parseGoBool, parseGoUint, quote, type ValueResult } from "./result.js";
import { parseRamInBytes } from "./size.js";

/** The mount types BuildKit accepts. */
export const MOUNT_TYPES = ["bind", "cache", "tmpfs", "secret", "ssh"] as const;
/** A mount type. */
export type MountType = (typeof MOUNT_TYPES)[number];
/** Cache sharing modes. */
export const SHARING_MODES = ["shared", "private", "locked"] as const;
/** A cache sharing mode. */
export type SharingMode = (typeof SHARING_MODES)[number];

/** Every key `--mount` accepts (aliases included), for did-you-mean hints. */
export const MOUNT_KEYS = [
  "type", "target", "dst", "destination", "source", "src", "from", "ro", "readonly", "rw", "readwrite",
  "id", "sharing", "required", "size", "mode", "uid", "gid", "env",
] as const;

/** A parsed `--mount`. Optional fields are absent when not given. */
export interface MountSpec {
  type: MountType;
  /** Mount path (`target`/`dst`/`destination`). */
  target?: string;
  /** `source`/`src`. */
  source?: string;
  /** `from`: a stage name or index, image or named context. */
  from?: string;
  /** Effective read-only flag: explicit, else true for bind/secret/ssh and false for cache/tmpfs. */
  readOnly: boolean;
  /** `id`: cache id, secret id or ssh id. */
  id?: string;
  /** Cache sharing; "shared" by default for cache mounts, absent for other types. */
  sharing?: SharingMode;
  /** `required` (secret, ssh); false by default. */
  required: boolean;
  /** tmpfs `size` in bytes (units.RAMInBytes), exact up to 2^53. */
  size?: number;
  /** File mode (octal, < 2^32) for cache/secret/ssh. */
  mode?: number;
  uid?: number;
  gid?: number;
  /** secret `env`: expose the secret as this environment variable. */
  env?: string;
}

/** Options of {@link parseMount}. */
export interface ParseMountOptions {
  /**
   * Expands a field value (BuildKit expands every `key=value` value except that `from` may not
   * contain a variable). Called with the raw value and the lower-cased key; return the expanded
   * value. Without it values are taken literally.
   */
  expand?: (value: string, key: string) => string;
}

/**
 * Parses a `--mount` flag value. The value is one CSV record (Go encoding/csv, so fields may be
 * double-quoted); each field is `key=value` with a case-insensitive key, or a bare `ro`/`readonly`,
 * `rw`/`readwrite` or `required`. Fields apply in order, so `required` and `size` are checked
 * against the type given *before* them (put `type=` first, as BuildKit requires). Then:
 * mode/uid/gid only for cache/secret/ssh; a secret needs one of source/target/id/env, must not
 * have both source and id, nor from or sharing; sharing only for cache; `from` may not contain
 * `$` followed by a character. Offsets in errors point into `value`.
 */
export function parseMount(value: string, options: ParseMountOptions = NO_OPTIONS): ValueResult<MountSpec> {
  return clampSpan(value, parseMountImpl(value, options));
}

/** The default options: one shared object, not a new `{}` per mount. */
const NO_OPTIONS: ParseMountOptions = Object.freeze({});

function parseMountImpl(value: string, options: ParseMountOptions): ValueResult<MountSpec> {
  const rec = readCsvRecord(value);
  if (!rec.ok) return rec;
  let type: MountType = "bind";
  let readOnly = false;
  let roAuto = true;
  let required = false;
  const m: Partial<MountSpec> = {};
  let sharing: SharingMode | undefined;
  for (const field of rec.value) {
    const eq = field.value.indexOf("=");
    const key = (eq < 0 ? field.value : field.value.slice(0, eq)).toLowerCase();
    if (eq < 0) {
      switch (key) {
        case "readonly":
        case "ro":
          readOnly = true;
          roAuto = false;
          continue;
        case "readwrite":
        case "rw":
          readOnly = false;
          roAuto = false;
          continue;
        case "required":
          if (type === "secret" || type === "ssh") {
            required = true;
            continue;
          }
          return fail(`unexpected key '${key}' for mount type '${type}'`, { hint: "required applies to secret and ssh mounts; put type= first", ...fieldSpan(field) });
        default:
          return fail(`invalid field '${field.value}' must be a key=value pair`, { hint: hintForKey(key), ...fieldSpan(field) });
      }
    }
    let v = field.value.slice(eq + 1);
    if (key === "from" && /\$./s.test(v)) {
      return fail(`'${key}' doesn't support variable expansion, define alias stage instead`, fieldSpan(field));
    }
    if (options.expand && key !== "from") v = options.expand(v, key);
    switch (key) {
      case "type": {
        const t = v.toLowerCase();
        const i = (MOUNT_TYPES as readonly string[]).indexOf(t);
        if (i < 0) {
          const dym = didYouMean(t, MOUNT_TYPES);
          return fail(`unsupported mount type ${quote(v)}`, { hint: dym ? `did you mean ${dym}?` : `valid types: ${MOUNT_TYPES.join(", ")}`, ...fieldSpan(field) });
        }
        type = MOUNT_TYPES[i]!; // the constant, not a copy per mount kept in the IR
        break;
      }
      case "from":
        m.from = v;
        break;
      case "source":
      case "src":
        m.source = v;
        break;
      case "target":
      case "dst":
      case "destination":
        m.target = v;
        break;
      case "readonly":
      case "ro": {
        const b = parseGoBool(v);
        if (b === undefined) return fail(`invalid value for ${key}: ${v}`, { hint: "use true or false", ...fieldSpan(field) });
        readOnly = b;
        roAuto = false;
        break;
      }
      case "readwrite":
      case "rw": {
        const b = parseGoBool(v);
        if (b === undefined) return fail(`invalid value for ${key}: ${v}`, { hint: "use true or false", ...fieldSpan(field) });
        readOnly = !b;
        roAuto = false;
        break;
      }
      case "required": {
        if (type !== "secret" && type !== "ssh") {
          return fail(`unexpected key '${key}' for mount type '${type}'`, { hint: "required applies to secret and ssh mounts; put type= first", ...fieldSpan(field) });
        }
        const b = parseGoBool(v);
        if (b === undefined) return fail(`invalid value for ${key}: ${v}`, { hint: "use true or false", ...fieldSpan(field) });
        required = b;
        break;
      }
      case "size": {
        if (type !== "tmpfs") {
          return fail(`unexpected key '${key}' for mount type '${type}'`, { hint: "size applies to tmpfs mounts; put type=tmpfs first", ...fieldSpan(field) });
        }
        const s = parseRamInBytes(v);
        if (!s.ok || s.value > BigInt(Number.MAX_SAFE_INTEGER)) {
          return fail(`invalid value for ${key}: ${v}`, { hint: "e.g. size=64m (units b, k, m, g, t, p, binary)", ...fieldSpan(field) });
        }
        m.size = Number(s.value);
        break;
      }
      case "id":
        m.id = v;
        break;
      case "sharing": {
        const s = v.toLowerCase();
        const i = (SHARING_MODES as readonly string[]).indexOf(s);
        if (i < 0) {
          const dym = didYouMean(s, SHARING_MODES);
          return fail(`unsupported sharing value ${quote(v)}`, { hint: dym ? `did you mean ${dym}?` : `valid values: ${SHARING_MODES.join(", ")}`, ...fieldSpan(field) });
        }
        sharing = SHARING_MODES[i]!;
        break;
      }
      case "mode": {
        const n = parseGoUint(v, 8, 32);
        if (n === undefined) return fail(`invalid value ${v} for mode`, { hint: "an octal mode such as 0755", ...fieldSpan(field) });
        m.mode = n;
        break;
      }
      case "uid":
      case "gid": {
        const n = parseGoUint(v, 10, 32);
        if (n === undefined) return fail(`invalid value ${v} for ${key}`, { hint: "a decimal number between 0 and 4294967295", ...fieldSpan(field) });
        m[key] = n;
        break;
      }
      case "env":
        if (type !== "secret") return fail(`unexpected key '${key}' for mount type '${type}'`, { hint: "env applies to secret mounts; put type=secret first", ...fieldSpan(field) });
        m.env = v;
        break;
      default:
        return fail(`unexpected key '${key}' in '${field.value}'`, { hint: hintForKey(key), ...fieldSpan(field) });
    }
  }
  // validateMount
  const fileInfo = type === "secret" || type === "ssh" || type === "cache";
  if (!fileInfo) {
    for (const k of ["mode", "uid", "gid"] as const) {
      if (m[k] !== undefined) return fail(`${k} not allowed for ${quote(type)} type mounts`, { hint: "mode, uid and gid apply to cache, secret and ssh mounts", ...whole(value) });
    }
  }
  if (roAuto) readOnly = !(type === "cache" || type === "tmpfs");
  if (type === "secret") {
    if (m.from !== undefined && m.from !== "") return fail("secret mount should not have a from", whole(value));
    if (sharing !== undefined) return fail("secret mount should not define sharing", whole(value));
    if (!m.source && !m.target && !m.id && !m.env) return fail("invalid secret mount. one of source, target required", { hint: "e.g. type=secret,id=mytoken,target=/run/secrets/token", ...whole(value) });
    if (m.source && m.id) return fail("both source and id can't be set", whole(value));
  }
  if (sharing !== undefined && type !== "cache") return fail(`invalid cache sharing set for ${type} mount`, { hint: "sharing applies to cache mounts", ...whole(value) });
  const spec: MountSpec = { type, readOnly, required };
  if (m.target !== undefined) spec.target = m.target;
  if (m.source !== undefined) spec.source = m.source;
  if (m.from !== undefined) spec.from = m.from;
  if (m.id !== undefined) spec.id = m.id;
  if (type === "cache") spec.sharing = sharing ?? "shared";
  if (m.size !== undefined) spec.size = m.size;
  if (m.mode !== undefined) spec.mode = m.mode;
  if (m.uid !== undefined) spec.uid = m.uid;
  if (m.gid !== undefined) spec.gid = m.gid;
  if (m.env !== undefined) spec.env = m.env;
  return ok(spec);
}

/** Where an error about the whole mount points (made only for an error). */
function whole(value: string): { offset: number; length: number } {
  return { offset: 0, length: value.length };
}

/** Where an error about one field points (a field's span is never empty). */
function fieldSpan(field: CsvField): { offset: number; length: number } {
  return { offset: field.offset, length: Math.max(1, field.value.length) };
}

function hintForKey(key: string): string {
  const dym = didYouMean(key, MOUNT_KEYS);
  return dym ? `did you mean ${dym}?` : `valid keys: ${MOUNT_KEYS.join(", ")}`;
}
