// Formatting through prettier's own API with the vmspec plugin (what `vmspec fmt` and the language
// server use).
import * as prettier from "prettier";
import { parserFor, vmspecPlugin } from "./index.js";

/** Formats `text` (named `fileName`, which picks the parser) with prettier and the vmspec plugin. */
export async function prettierFormat(text: string, fileName = "spec.vmspec", endOfLine: "lf" | "crlf" = "lf"): Promise<string> {
  return prettier.format(text, { parser: parserFor(fileName), plugins: [vmspecPlugin], endOfLine });
}
