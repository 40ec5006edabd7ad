// The TypeScript emitter ("eject to code"): a spec → a TypeScript module, generated with ts-morph and
// formatted with prettier, that builds the same IR through the typed builder (tooling/builder).
import * as prettier from "prettier";
import { Project, VariableDeclarationKind, type WriterFunction } from "ts-morph";
import type { Instruction } from "../../compiler/ast/types.js";
import type { CompileOptions } from "../../compiler/compile.js";
import { SpecBuilder } from "../builder/spec.js";
import { buildLayout, type InstructionLayout } from "../prettier-plugin-vmspec/layout.js";
import { astOf, sameMeaning } from "../prettier-plugin-vmspec/verify.js";
import { callFor, Lit, plain, type BuilderCall } from "./calls.js";

/** Options of {@link emitTypeScript}. */
export interface EmitOptions {
  /** The spec's path: the builder compiles as this path (INCLUDEs resolve against it). */
  path: string;
  /** Compile options the emitted `toIR()` uses by default (`--target`, `--build-arg`, `--platform`). */
  compileOptions?: CompileOptions;
  /** Module specifier the emitted code imports `spec` from. Default: this checkout's builder module. */
  builderImport?: string;
}

/** Default import of the emitted code: the builder module of this installation, as a file URL. */
export function defaultBuilderImport(): string {
  return new URL("../builder/index.js", import.meta.url).href;
}

function literal(v: unknown): string {
  return JSON.stringify(v);
}

/** TypeScript source for a call argument: JSON, with Lit words as `literal("…")` calls. */
function tsValue(v: unknown): string {
  if (v instanceof Lit) return `literal(${JSON.stringify(v.text)})`;
  if (Array.isArray(v)) return `[${v.map(tsValue).join(", ")}]`;
  if (v !== null && typeof v === "object") return `{ ${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${tsValue(x)}`).join(", ")} }`;
  return JSON.stringify(v);
}

function usesLit(v: unknown): boolean {
  if (v instanceof Lit) return true;
  if (Array.isArray(v)) return v.some(usesLit);
  if (v !== null && typeof v === "object") return Object.values(v).some(usesLit);
  return false;
}

/** Builder calls for a spec, each checked to write an instruction that means the original. */
export function builderCalls(text: string): { calls: BuilderCall[]; escape: "\\" | "`"; directives: Record<string, string> } {
  const ast = astOf(text);
  const layout = buildLayout(text);
  const layouts = (layout?.nodes.filter((n) => n.kind === "instruction") ?? []) as InstructionLayout[];
  const directives: Record<string, string> = {};
  for (const d of ast.directives) if (!(d.key in directives)) directives[d.key] = d.value;
  const escapeLine = ast.escape === "`" ? "# escape=`\n" : "";
  const calls = ast.instructions.map((n: Instruction, i): BuilderCall => {
    const c = n.kind === "onbuild" ? null : callFor(n);
    if (c !== null && writesSame(c, n, ast.escape, escapeLine)) return c;
    const l = layouts[i];
    if (l === undefined) return { method: "raw", args: [n.keyword] };
    const hs = n.heredocs.length > 0 ? [n.heredocs.map((h) => ({ name: h.name, content: h.content }))] : [];
    if (n.kind === "onbuild") {
      const trig = n.trigger?.heredocs ?? [];
      const text = [l.nested ?? "", l.args].filter((s) => s.length > 0).join(" ");
      return trig.length > 0 ? { method: "raw", args: ["ONBUILD", text, trig.map((h) => ({ name: h.name, content: h.content }))] } : { method: "onbuild", args: [text] };
    }
    const kw = n.kind === "unknown" ? l.keyword : n.keyword;
    return { method: "raw", args: hs.length > 0 ? [kw, l.args, ...hs] : l.args.length > 0 ? [kw, l.args] : [kw] };
  });
  return { calls, escape: ast.escape, directives };
}

function writesSame(c: BuilderCall, n: Instruction, escape: "\\" | "`", escapeLine: string): boolean {
  try {
    const b = new SpecBuilder({ escape }) as unknown as Record<string, (...a: unknown[]) => SpecBuilder>;
    const written = (b[c.method]!(...(plain(c.args) as unknown[])) as SpecBuilder).toSpec();
    const lines = written.split("\n");
    const body = escape === "`" ? lines.slice(1).join("\n") : written;
    const back = astOf(escapeLine + body).instructions;
    return back.length === 1 && sameMeaning(back[0], n);
  } catch {
    return false;
  }
}

/** The module text before prettier (ts-morph's own printing). */
export function emitTypeScriptUnformatted(text: string, options: EmitOptions): string {
  const { calls, escape, directives } = builderCalls(text);
  const project = new Project({ useInMemoryFileSystem: true });
  const file = project.createSourceFile("spec.ts");
  const names = calls.some((c) => usesLit(c.args)) ? ["spec", "literal"] : ["spec"];
  file.addImportDeclaration({ namedImports: [...names, "type BuildOptions", "type Ir"], moduleSpecifier: options.builderImport ?? defaultBuilderImport() });
  file.addImportDeclaration({ namedImports: ["pathToFileURL"], moduleSpecifier: "node:url" });
  const specOpts: Record<string, string> = { path: options.path };
  if (escape === "`") specOpts.escape = "`";
  if (directives.syntax !== undefined) specOpts.syntax = directives.syntax;
  if (directives.check !== undefined) specOpts.check = directives.check;
  const chain: WriterFunction = (w) => {
    w.write(`spec(${literal(specOpts)})`);
    w.indent(() => {
      for (const c of calls) w.newLine().write(`.${c.method}(${c.args.map(tsValue).join(", ")})`);
    });
  };
  file.addVariableStatement({
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    declarations: [{ name: "builder", initializer: chain }],
    docs: ["The spec as a builder chain."],
  });
  file.addFunction({
    isExported: true,
    name: "toIR",
    parameters: [{ name: "options", type: "BuildOptions", initializer: "{}" }],
    returnType: "Ir",
    docs: ["The IR (what `vmspec compile` prints for the spec); `options` override the defaults it was compiled with."],
    statements: [
      Object.keys(options.compileOptions ?? {}).length === 0
        ? "return builder.toIR(options);"
        : `return builder.toIR({ ...${literal(options.compileOptions)}, ...options });`,
    ],
  });
  file.addStatements([
    `if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {`,
    `  process.stdout.write(JSON.stringify(toIR(), null, 2) + "\\n");`,
    `}`,
  ]);
  const header =
    `// Generated by \`vmspec compile ${options.path} --emit ts\`: builds the same IR as the spec through the typed\n` +
    `// builder API (docs/tooling.md). Run it to print the IR as JSON.\n`;
  return header + file.getFullText();
}

/**
 * Emits a TypeScript module that builds the same IR as the spec `text` (compiled as `options.path`
 * with `options.compileOptions`): `builder` (the chain), `toIR(options?)`, and a main that prints
 * the IR JSON. Instructions the typed calls cannot write exactly are emitted as `.raw(...)`.
 */
export async function emitTypeScript(text: string, options: EmitOptions): Promise<string> {
  return prettier.format(emitTypeScriptUnformatted(text, options), { parser: "typescript", printWidth: 110 });
}
