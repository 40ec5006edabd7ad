// Benchmark: throughput (MB/s of input) of expandWords / expandWord / parseExecForm on large
// generated inputs. Prints numbers; asserts nothing. Run: npm run build && node dist/bench/words.js
import { performance } from "node:perf_hooks";
import { expandWord, expandWords, type ExpandEnv } from "../compiler/words/expand.js";
import { parseExecForm } from "../compiler/words/execForm.js";

const vars: Record<string, string> = { PWD: "/home/user", VERSION: "1.2.3", ARCH: "amd64", EMPTY: "", LIST: "a b c" };
const env: ExpandEnv = { get: (k) => vars[k] };

function repeatTo(unit: string, bytes: number): string {
  return unit.repeat(Math.ceil(bytes / unit.length));
}

const SIZE = 4 * 1024 * 1024;
// Word lists as a Dockerfile's expanded instructions (COPY/ENV/LABEL/WORKDIR arguments) have them:
// mostly plain, some references, a few quotes. Each entry is expanded as one call, like the compiler does.
const typicalWords = [
  "/usr/src/app", "package.json", "--chown=node:node", "PATH=/usr/local/bin:$PATH", "/app/${VERSION}",
  '"org.opencontainers.image.title=My App"', "requirements.txt", "./src", "/opt/tool-$ARCH", "DEBIAN_FRONTEND=noninteractive",
  "app.jar", "${PWD}/build", "NODE_ENV=production", "/etc/nginx/conf.d/default.conf", "8080/tcp",
];

const inputs: [string, string][] = [
  ["plain words (no specials)", repeatTo("usr/local/bin/tool --flag=value ", SIZE)],
  ["realistic mix ($v, ${v:-d}, quotes)", repeatTo('app-$VERSION.${ARCH:-x86}.tar.gz "$PWD/x y" \'lit $x\' ${EMPTY:+no} ', SIZE)],
  ["dense references", repeatTo("$PWD$VERSION${ARCH}$LIST ", SIZE)],
  ["patterns (#, %, //)", repeatTo("${PWD##*/} ${VERSION%.*} ${PWD//\\//-} ", SIZE)],
  ["escapes", repeatTo("a\\ b\\$c\\\\d ", SIZE)],
];

function measure(label: string, fn: () => void, bytes: number): void {
  fn(); // warm-up
  const runs = 5;
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  const mbs = bytes / (1024 * 1024) / (best / 1000);
  console.log(`${label.padEnd(56)} ${(bytes / 1048576).toFixed(1).padStart(5)} MB  ${best.toFixed(1).padStart(8)} ms  ${mbs.toFixed(1).padStart(7)} MB/s`);
}

console.log(`node ${process.version}, best of 5 runs`);
{
  const words: string[] = [];
  let bytes = 0;
  while (bytes < SIZE) {
    const w = typicalWords[words.length % typicalWords.length];
    words.push(w);
    bytes += w.length;
  }
  measure("expandWord: typical Dockerfile words, one call each", () => {
    for (const w of words) expandWord(w, env, "\\");
  }, bytes);
  measure("expandWords: typical Dockerfile words, one call each", () => {
    for (const w of words) expandWords(w, env, "\\");
  }, bytes);
}
for (const [label, text] of inputs) {
  measure(`expandWords: ${label}`, () => void expandWords(text, env, "\\"), text.length);
  measure(`expandWord:  ${label}`, () => void expandWord(text, env, "\\"), text.length);
}
const depth = 100_000;
const nested = "${U:-".repeat(depth) + "x" + "}".repeat(depth);
measure(`expandWord: ${depth} nested \${U:-…}`, () => void expandWord(nested, env, "\\"), nested.length);
const json = "[" + repeatTo('"arg-\\u00e9 x",', SIZE) + '"end"]';
measure("parseExecForm: JSON string array", () => void parseExecForm(json), json.length);
