// prettier-plugin-vmspec: a prettier plugin (languages `vmspec` and `dockerfile`) whose printer is
// the meaning-checked formatter of format.ts. Use it as `plugins: [vmspecPlugin]` with
// `parser: "vmspec"` (or "dockerfile"); prettier's `endOfLine` option applies.
import type { AstPath, Doc, Plugin } from "prettier";
import { doc } from "prettier";
import { formatVmspec } from "./format.js";

/** The AST handed from the plugin's parser to its printer: the source text itself. */
export interface VmspecRoot {
  type: "vmspec-root";
  text: string;
}

const AST_FORMAT = "vmspec-text";

function parse(text: string): VmspecRoot {
  return { type: "vmspec-root", text };
}

function print(path: AstPath<VmspecRoot>): Doc {
  const formatted = formatVmspec(path.node.text);
  if (formatted.length === 0) return "";
  const lines = formatted.replace(/\n$/, "").split("\n");
  return [doc.builders.join(doc.builders.hardline, lines), doc.builders.hardline];
}

const parser = {
  parse,
  astFormat: AST_FORMAT,
  locStart: () => 0,
  locEnd: (node: VmspecRoot) => node.text.length,
};

/** The plugin object (prettier 3 plugin API). */
export const vmspecPlugin: Plugin<VmspecRoot> = {
  languages: [
    { name: "vmspec", parsers: ["vmspec"], extensions: [".vmspec", ".inc"], vscodeLanguageIds: ["vmspec"] },
    { name: "Dockerfile", parsers: ["dockerfile"], filenames: ["Dockerfile", "Containerfile"], extensions: [".dockerfile"], vscodeLanguageIds: ["dockerfile"] },
  ],
  parsers: { vmspec: parser, dockerfile: parser },
  printers: { [AST_FORMAT]: { print } },
};

/** Picks the plugin's parser for a file name: `dockerfile` for Dockerfile/Containerfile/*.dockerfile, else `vmspec`. */
export function parserFor(fileName: string): "vmspec" | "dockerfile" {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  return /^(Dockerfile|Containerfile)(\..*)?$|\.dockerfile$/i.test(base) ? "dockerfile" : "vmspec";
}
