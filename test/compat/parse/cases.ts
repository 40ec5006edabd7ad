// Dockerfile compatibility cases, written from the Dockerfile reference and BuildKit's behaviour
// (DOCKERFILE.md): each case is a small Dockerfile and what a user observes after compiling it.

/** What a case expects. Every given field is checked; absent fields are not. */
export interface Expect {
  /** argv of each RUN op of the target stage, in order. */
  run?: string[][];
  /** The final image config's CMD / ENTRYPOINT. */
  cmd?: string[] | null;
  entrypoint?: string[] | null;
  /** Selected ENV values of the final config (PATH excluded unless named). */
  env?: Record<string, string>;
  labels?: Record<string, string>;
  /** Diagnostic codes in report order, warnings included. When absent: no errors (warnings allowed). */
  codes?: string[];
  /** COPY/ADD sources of the target stage (paths or inline contents). */
  copy?: string[][];
  volumes?: string[];
  ports?: string[];
  user?: string;
  workdir?: string;
  shell?: string[];
}

/** One case. */
export interface Case {
  name: string;
  input: string;
  expect: Expect;
}

const SH = ["/bin/sh", "-c"];
const cases: Case[] = [];
const add = (name: string, input: string, expect: Expect) => cases.push({ name, input, expect });

// ---- exec form vs shell form (J1–J4) ----
add("exec simple", 'FROM scratch\nCMD ["a", "b"]\n', { cmd: ["a", "b"] });
add("exec no spaces", 'FROM scratch\nCMD ["a","b"]\n', { cmd: ["a", "b"] });
add("exec extra spaces", 'FROM scratch\nCMD [  "a" ,  "b"  ]\n', { cmd: ["a", "b"] });
add("exec empty array", "FROM scratch\nCMD []\n", { cmd: [] });
add("exec single quotes is shell", "FROM scratch\nCMD ['a', 'b']\n", { cmd: [...SH, "['a', 'b']"] });
add("exec trailing comma is shell", 'FROM scratch\nCMD ["a",]\n', { cmd: [...SH, '["a",]'] });
add("exec trailing text is shell", 'FROM scratch\nCMD ["a"] b\n', { cmd: [...SH, '["a"] b'] });
add("exec unterminated is shell", 'FROM scratch\nCMD ["a"\n', { cmd: [...SH, '["a"'] });
add("exec object is shell", 'FROM scratch\nCMD {"a": 1}\n', { cmd: [...SH, '{"a": 1}'] });
add("exec json escapes", 'FROM scratch\nCMD ["a\\"b", "c\\\\d", "\\u0041", "\\t"]\n', { cmd: ['a"b', "c\\d", "A", "\t"] });
add("exec number is error", 'FROM scratch\nCMD ["a", 1]\n', { codes: ["VS1011"] });
add("exec null is error", "FROM scratch\nCMD [null]\n", { codes: ["VS1011"] });
add("exec nested array is error", 'FROM scratch\nCMD ["a", ["b"]]\n', { codes: ["VS1011"] });
add("exec bool is error", "FROM scratch\nRUN [true]\n", { codes: ["VS1011"] });
add("exec no variable expansion", 'FROM scratch\nENV X=1\nCMD ["echo", "$X"]\n', { cmd: ["echo", "$X"] });
add("shell keeps text verbatim", "FROM scratch\nCMD echo $HOME   'q'  \"d\"\n", { cmd: [...SH, "echo $HOME   'q'  \"d\""] });
add("shell trailing spaces trimmed", "FROM scratch\nCMD echo hi   \n", { cmd: [...SH, "echo hi"] });
add("run exec", 'FROM scratch\nRUN ["/bin/echo", "x"]\n', { run: [["/bin/echo", "x"]] });
add("run shell", "FROM scratch\nRUN echo x && echo y\n", { run: [[...SH, "echo x && echo y"]] });
add("run shell uses SHELL", 'FROM scratch\nSHELL ["/bin/bash", "-c"]\nRUN echo x\n', { run: [["/bin/bash", "-c", "echo x"]] });
add("entrypoint exec", 'FROM scratch\nENTRYPOINT ["/app", "--flag"]\n', { entrypoint: ["/app", "--flag"] });
add("entrypoint shell", "FROM scratch\nENTRYPOINT exec /app\n", { entrypoint: [...SH, "exec /app"] });
add("entrypoint empty exec is null", "FROM scratch\nENTRYPOINT []\n", { entrypoint: null });
add("entrypoint resets inherited cmd", 'FROM scratch AS a\nCMD ["x"]\nFROM a\nENTRYPOINT ["y"]\n', { cmd: null, entrypoint: ["y"] });
add("entrypoint keeps own-stage cmd", 'FROM scratch\nCMD ["x"]\nENTRYPOINT ["y"]\n', { cmd: ["x"], entrypoint: ["y"] });
add("cmd last wins", 'FROM scratch\nCMD ["1"]\nCMD ["2"]\n', { cmd: ["2"] });
add("shell requires json", "FROM scratch\nSHELL /bin/sh -c\n", { codes: ["VS1012"] });
add("shell empty array error", "FROM scratch\nSHELL []\n", { codes: ["VS2027"] });
add("shell sets config", 'FROM scratch\nSHELL ["pwsh", "-Command"]\n', { shell: ["pwsh", "-Command"] });
add("volume json", 'FROM scratch\nVOLUME ["/a", "/b"]\n', { volumes: ["/a", "/b"] });
add("volume words", "FROM scratch\nVOLUME /a /b\n", { volumes: ["/a", "/b"] });
add("copy json with spaces", 'FROM scratch\nCOPY ["a b", "/c d/"]\n', { copy: [["a b"]] });
add("copy words ignore quotes for splitting", 'FROM scratch\nCOPY "a" /dst/\n', { copy: [["a"]] });
add("exec leading whitespace", 'FROM scratch\nCMD    ["a"]\n', { cmd: ["a"] });
add("exec unicode", 'FROM scratch\nCMD ["héllo", "日本"]\n', { cmd: ["héllo", "日本"] });

// ---- continuation (L4) ----
add("continuation joins without newline", "FROM scratch\nRUN echo a \\\nb\n", { run: [[...SH, "echo a b"]] });
add("continuation keeps indentation", "FROM scratch\nRUN echo a \\\n    b\n", { run: [[...SH, "echo a     b"]] });
add("continuation trailing blanks after escape", "FROM scratch\nRUN echo a \\   \nb\n", { run: [[...SH, "echo a b"]] });
add("continuation tab after escape", "FROM scratch\nRUN echo a \\\t\nb\n", { run: [[...SH, "echo a b"]] });
add("escaped escape does not continue", "FROM scratch\nRUN echo a\\\\\nRUN echo b\n", { run: [[...SH, "echo a\\\\"], [...SH, "echo b"]] });
add("three escapes do not continue", "FROM scratch\nRUN echo a\\\\\\\nRUN echo b\n", { run: [[...SH, "echo a\\\\\\"], [...SH, "echo b"]] });
add("comment inside continuation dropped", "FROM scratch\nRUN echo a \\\n# comment\n  b\n", { run: [[...SH, "echo a   b"]] });
add("indented comment inside continuation dropped", "FROM scratch\nRUN echo a \\\n   # comment\nb\n", { run: [[...SH, "echo a b"]] });
add("empty continuation line warns", "FROM scratch\nRUN echo a \\\n\nb\n", { run: [[...SH, "echo a b"]], codes: ["VS1001"] });
add("blank continuation line warns", "FROM scratch\nRUN echo a \\\n   \nb\n", { run: [[...SH, "echo a b"]], codes: ["VS1001"] });
add("continuation at EOF", "FROM scratch\nRUN echo a \\", { run: [[...SH, "echo a"]] });
add("continuation swallows next instruction", "FROM scratch\nRUN echo a \\\nRUN echo b\n", { run: [[...SH, "echo a RUN echo b"]] });
add("line of only escape continues", "FROM scratch\nRUN echo a \\\n\\\nb\n", { run: [[...SH, "echo a b"]] });
add("continuation in ENV", "FROM scratch\nENV A=1 \\\n    B=2\n", { env: { A: "1", B: "2" } });
add("continuation in LABEL value", 'FROM scratch\nLABEL a="x \\\ny"\n', { labels: { a: "x y" } });
add("continuation in exec form", 'FROM scratch\nCMD ["a", \\\n     "b"]\n', { cmd: ["a", "b"] });
add("continuation mid-word", "FROM scratch\nRUN ec\\\nho x\n", { run: [[...SH, "echo x"]] });
add("continuation of keyword", "FROM scratch\nRU\\\nN echo x\n", { run: [[...SH, "echo x"]] });
add("backtick escape continuation", "# escape=`\nFROM scratch\nRUN echo a `\nb\n", { run: [[...SH, "echo a b"]] });
add("backtick escape leaves backslash literal", "# escape=`\nFROM scratch\nRUN echo a\\\nRUN echo b\n", { run: [[...SH, "echo a\\"], [...SH, "echo b"]] });
add("backslash in middle is literal", "FROM scratch\nRUN echo a\\b\n", { run: [[...SH, "echo a\\b"]] });
add("continuation crlf", "FROM scratch\r\nRUN echo a \\\r\nb\r\n", { run: [[...SH, "echo a b"]] });
add("continuation then comment then eof", "FROM scratch\nRUN echo a \\\n# c\n", { run: [[...SH, "echo a"]] });
add("continuation in COPY", "FROM scratch\nCOPY a \\\n  b /d/\n", { copy: [["a", "b"]] });
add("multiple empty continuation lines warn once", "FROM scratch\nRUN a \\\n\n\nb\n", { codes: ["VS1001"] });

// ---- heredocs (H1–H4) ----
add("heredoc run body", "FROM scratch\nRUN <<EOF\necho hi\nEOF\n", { run: [[...SH, "echo hi\n"]] });
add("heredoc run shebang", "FROM scratch\nRUN <<EOF\n#!/bin/bash\necho hi\nEOF\n", { run: [["/dev/pipes/EOF"]] });
add("heredoc chomp strips tabs", "FROM scratch\nRUN <<-EOF\n\t\techo hi\n\tEOF\n", { run: [[...SH, "echo hi\n"]] });
add("heredoc no chomp keeps tabs", "FROM scratch\nRUN <<EOF\n\techo hi\nEOF\n", { run: [[...SH, "\techo hi\n"]] });
add("heredoc chomp terminator needs dash", "FROM scratch\nRUN <<EOF\necho\n\tEOF\nEOF\n", { run: [[...SH, "echo\n\tEOF\n"]] });
add("heredoc with command", "FROM scratch\nRUN <<EOF bash\necho hi\nEOF\n", { run: [[...SH, "<<EOF bash\necho hi\nEOF\n"]] });
add("heredoc two per line", "FROM scratch\nRUN cat <<A <<B\na\nA\nb\nB\n", { run: [[...SH, "cat <<A <<B\na\nA\nb\nB\n"]] });
add("heredoc fd prefix", "FROM scratch\nRUN cat 3<<EOF\nx\nEOF\n", { run: [[...SH, "cat 3<<EOF\nx\nEOF\n"]] });
add("quoted heredoc word is not heredoc", 'FROM scratch\nRUN echo "<<EOF"\n', { run: [[...SH, 'echo "<<EOF"']] });
add("heredoc with space is not heredoc", "FROM scratch\nRUN cat << EOF\n", { run: [[...SH, "cat << EOF"]] });
add("heredoc empty body", "FROM scratch\nRUN <<EOF\nEOF\n", { run: [[...SH, ""]] });
add("heredoc unterminated", "FROM scratch\nRUN <<EOF\necho\n", { codes: ["VS1003"] });
add("heredoc then next instruction", "FROM scratch\nRUN <<EOF\na\nEOF\nCMD [\"x\"]\n", { cmd: ["x"], run: [[...SH, "a\n"]] });
add("heredoc crlf body", "FROM scratch\r\nRUN <<EOF\r\necho hi\r\nEOF\r\n", { run: [[...SH, "echo hi\n"]] });
add("copy heredoc expands", "FROM scratch\nARG N=w\nCOPY <<EOF /f\nhi $N\nEOF\n", { copy: [["hi w\n"]] });
add("copy heredoc double-quoted no expand", 'FROM scratch\nARG N=w\nCOPY <<"EOF" /f\nhi $N\nEOF\n', { copy: [["hi $N\n"]], codes: ["VS3006"] });
add("copy heredoc single-quoted no expand", "FROM scratch\nARG N=w\nCOPY <<'EOF' /f\nhi $N\nEOF\n", { copy: [["hi $N\n"]], codes: ["VS3006"] });
add("copy heredoc partly quoted no expand", 'FROM scratch\nARG N=w\nCOPY <<E"OF" /f\nhi $N\nEOF\n', { copy: [["hi $N\n"]], codes: ["VS3006"] });
add("copy two heredocs", "FROM scratch\nCOPY <<A <<B /d/\na\nA\nb\nB\n", { copy: [["a\n", "b\n"]] });
add("copy heredoc and file", "FROM scratch\nCOPY f <<A /d/\na\nA\n", { copy: [["f", "a\n"]] });
add("heredoc as dest is error", "FROM scratch\nCOPY a <<EOF\nx\nEOF\n", { codes: ["VS1013"] });
add("add heredoc", "FROM scratch\nADD <<EOF /f\ncontent\nEOF\n", { copy: [["content\n"]] });
add("onbuild heredoc allowed", "FROM scratch\nONBUILD RUN <<EOF\necho\nEOF\n", {});
add("heredoc not for ENV", "FROM scratch\nENV A=<<EOF\n", { env: { A: "<<EOF" } });
add("heredoc terminator must match exactly", "FROM scratch\nRUN <<EOF\nEOF \nEOF\n", { run: [[...SH, "EOF \n"]] });
add("heredoc lowercase delimiter", "FROM scratch\nRUN <<end\nx\nend\n", { run: [[...SH, "x\n"]] });

// ---- directives (D1–D4) ----
add("escape backtick", "# escape=`\nFROM scratch\nCOPY c:\\x /d\n", { copy: [["c:\\x"]] });
add("escape backslash explicit", "# escape=\\\nFROM scratch\nRUN a \\\nb\n", { run: [[...SH, "a b"]] });
add("escape invalid", "# escape=x\nFROM scratch\n", { codes: ["VS1006"] });
add("escape duplicate", "# escape=`\n# escape=`\nFROM scratch\n", { codes: ["VS1004"] });
add("directive key case-insensitive", "# ESCAPE=`\nFROM scratch\nRUN a `\nb\n", { run: [[...SH, "a b"]] });
add("directive spaces around =", "#   escape   =   `\nFROM scratch\nRUN a `\nb\n", { run: [[...SH, "a b"]] });
add("directive after comment is comment", "# hello\n# escape=`\nFROM scratch\nRUN a `\nRUN b\n", { run: [[...SH, "a `"], [...SH, "b"]] });
add("directive after blank line is comment", "\n# escape=`\nFROM scratch\nRUN a `\nRUN b\n", { run: [[...SH, "a `"], [...SH, "b"]] });
add("directive after instruction is comment", "FROM scratch\n# escape=`\nRUN a `\nRUN b\n", { run: [[...SH, "a `"], [...SH, "b"]] });
add("unknown directive ends scanning", "# foo=bar\n# escape=`\nFROM scratch\nRUN a `\nRUN b\n", { run: [[...SH, "a `"], [...SH, "b"]] });
add("syntax directive accepted", "# syntax=docker/dockerfile:1\nFROM scratch\n", {});
add("syntax and escape", "# syntax=docker/dockerfile:1\n# escape=`\nFROM scratch\nRUN a `\nb\n", { run: [[...SH, "a b"]] });
add("check directive", "# check=skip=all;error=true\nFROM scratch\n", {});
add("duplicate syntax", "# syntax=a\n# syntax=b\nFROM scratch\n", { codes: ["VS1004"] });

// ---- CRLF and BOM (L5, L7) ----
add("crlf lines", "FROM scratch\r\nRUN echo a\r\nENV A=1\r\n", { run: [[...SH, "echo a"]], env: { A: "1" } });
add("crlf exec form", 'FROM scratch\r\nCMD ["a"]\r\n', { cmd: ["a"] });
add("bom stripped", "\ufeffFROM scratch\nCMD [\"a\"]\n", { cmd: ["a"] });
add("bom then directive", "\ufeff# escape=`\nFROM scratch\nRUN a `\nb\n", { run: [[...SH, "a b"]] });
add("crlf directive", "# escape=`\r\nFROM scratch\r\nRUN a `\r\nb\r\n", { run: [[...SH, "a b"]] });
add("no trailing newline", "FROM scratch\nCMD [\"a\"]", { cmd: ["a"] });
add("crlf heredoc terminator", "FROM scratch\r\nRUN <<EOF\r\nx\r\nEOF\r\nCMD [\"c\"]\r\n", { cmd: ["c"] });
add("mixed line endings", "FROM scratch\r\nRUN a\nRUN b\r\n", { run: [[...SH, "a"], [...SH, "b"]] });
add("crlf env legacy", "FROM scratch\r\nENV A b c\r\n", { env: { A: "b c" } });
add("lone cr inside line", "FROM scratch\nRUN a\rb\n", { run: [[...SH, "a\rb"]] });

// ---- keywords, comments, whitespace (L1–L3, L8, L9) ----
add("lowercase keywords", "from scratch\nrun echo a\ncmd [\"a\"]\n", { run: [[...SH, "echo a"]], cmd: ["a"] });
add("mixed-case keywords", "FrOm scratch\nRuN echo a\n", { run: [[...SH, "echo a"]] });
add("leading whitespace before keyword", "   FROM scratch\n\t RUN echo a\n", { run: [[...SH, "echo a"]] });
add("tab after keyword", "FROM scratch\nRUN\techo a\n", { run: [[...SH, "echo a"]] });
add("comment lines ignored", "# c1\nFROM scratch\n# c2\n   # c3\nRUN a\n", { run: [[...SH, "a"]] });
add("hash mid-line literal", "FROM scratch\nRUN echo a # b\n", { run: [[...SH, "echo a # b"]] });
add("empty file", "", { codes: ["VS1007"] });
add("only comments", "# a\n# b\n", { codes: ["VS1007"] });
add("instruction before from", "RUN x\nFROM scratch\n", { codes: ["VS3001"] });
add("arg before from ok", "ARG A=1\nFROM scratch\nARG A\nENV B=$A\n", { env: { B: "1" } });
add("unknown instruction suggests", "FROM scratch\nRNU x\n", { codes: ["VS1008"] });
add("as case-insensitive", "FROM scratch As Base\nFROM base\nRUN x\n", { run: [[...SH, "x"]] });

// ---- flags (§3) ----
add("flag equals value", "FROM scratch AS a\nFROM scratch\nCOPY --from=a /x /y\n", { copy: [["/x"]] });
add("flag value with space rejected", "FROM scratch\nCOPY --from a /x /y\n", { codes: ["VS2003"] });
add("double dash ends flags", "FROM scratch\nCOPY -- --x /y\n", { copy: [["--x"]] });
add("bool flag bare", "FROM scratch\nCOPY --link a /b\n", {});
add("bool flag false", "FROM scratch\nCOPY --link=false a /b\n", {});
add("bool flag empty error", "FROM scratch\nCOPY --link= a /b\n", { codes: ["VS2004"] });
add("unknown flag", "FROM scratch\nCOPY --frm=a x y\n", { codes: ["VS2001"] });
add("duplicate flag", "FROM scratch\nCOPY --chown=1 --chown=2 x /y\n", { codes: ["VS2002"] });
add("repeatable exclude", "FROM scratch\nCOPY --exclude=a --exclude=b x /y/\n", {});
add("quoted flag value", 'FROM scratch\nCOPY --chown="1000:1000" x /y\n', {});
add("flags only leading", "FROM scratch\nRUN echo --mount=x\n", { run: [[...SH, "echo --mount=x"]] });
add("cmd flag is error", "FROM scratch\nCMD --help\n", { codes: ["VS1009", "VS2001"] });

// ---- ENV / LABEL / ARG parsing ----
add("env legacy form", "FROM scratch\nENV A hello world\n", { env: { A: "hello world" } });
add("env quoted value", 'FROM scratch\nENV A="a b" B=\'c d\'\n', { env: { A: "a b", B: "c d" } });
add("env escaped space", "FROM scratch\nENV A=a\\ b\n", { env: { A: "a b" } });
add("env uses previous value", "FROM scratch\nENV A=1\nENV A=2 B=$A\n", { env: { A: "2", B: "1" } });
add("env empty value", "FROM scratch\nENV A=\n", { env: { A: "" } });
add("env single word error", "FROM scratch\nENV A\n", { codes: ["VS2006"] });
add("label legacy", "FROM scratch\nLABEL a b c\n", { labels: { a: "b c" } });
add("label quoted key", 'FROM scratch\nLABEL "my key"=v\n', { labels: { "my key": "v" } });
add("arg default and env", "FROM scratch\nARG A=x\nENV B=$A\n", { env: { B: "x" } });
add("arg without default is empty", "FROM scratch\nARG A\nENV B=${A:-unset}\n", { env: { B: "unset" } });
add("env overrides arg", "FROM scratch\nARG A=arg\nENV A=env\nENV B=$A\n", { env: { B: "env" } });
add("global arg needs redeclare", "ARG G=g\nFROM scratch\nENV B=x$G\n", { env: { B: "x" }, codes: ["VS3006", "VS3007"] });
add("arg before declaration empty", "FROM scratch\nENV B=x$A\nARG A=1\nENV C=$A\n", { env: { B: "x", C: "1" }, codes: ["VS3007"] });
add("arg not inherited by unrelated stage", "FROM scratch AS a\nARG A=1\nRUN echo $A\nFROM scratch\nENV B=x$A\n", { env: { B: "x" }, codes: ["VS3007"] });
add("workdir relative", "FROM scratch\nWORKDIR /a\nWORKDIR b\n", { workdir: "/a/b" });
add("workdir expands env", "FROM scratch\nENV D=/x\nWORKDIR $D/y\n", { workdir: "/x/y" });
add("user expands", "FROM scratch\nARG U=app\nUSER $U\n", { user: "app" });
add("expose sorted", "FROM scratch\nEXPOSE 443 80/udp 80\n", { ports: ["80/tcp", "80/udp", "443/tcp"] });
add("expose expands", "FROM scratch\nARG P=8080\nEXPOSE $P\n", { ports: ["8080/tcp"] });
add("copy from variable", "ARG S=a\nFROM scratch AS a\nFROM scratch\nARG S\nCOPY --from=$S /x /y\n", { copy: [["/x"]] });

// ---- variable substitution (§6), S=hello.tar.gz, E= (set, empty), U unset ----
const SUBST: [string, string][] = [
  ["$S", "hello.tar.gz"],
  ["${S}", "hello.tar.gz"],
  ["x${S}y", "xhello.tar.gzy"],
  ["${U}", ""],
  ["${S:-d}", "hello.tar.gz"],
  ["${E:-d}", "d"],
  ["${U:-d}", "d"],
  ["${S-d}", "hello.tar.gz"],
  ["${E-d}", ""],
  ["${U-d}", "d"],
  ["${S:+a}", "a"],
  ["${E:+a}", ""],
  ["${U:+a}", ""],
  ["${S+a}", "a"],
  ["${E+a}", "a"],
  ["${U+a}", ""],
  ["${S:?m}", "hello.tar.gz"],
  ["${E?m}", ""],
  ["${S#*.}", "tar.gz"],
  ["${S##*.}", "gz"],
  ["${S%.*}", "hello.tar"],
  ["${S%%.*}", "hello"],
  ["${S#hello}", ".tar.gz"],
  ["${S%gz}", "hello.tar."],
  ["${S#nomatch}", "hello.tar.gz"],
  ["${S/l/L}", "heLlo.tar.gz"],
  ["${S//l/L}", "heLLo.tar.gz"],
  ["${S/.*/}", "hello"],
  ["${S/?/X}", "Xello.tar.gz"],
  ["\\$S", "$S"],
  ["'$S'", "$S"],
  ['"$S"', "hello.tar.gz"],
  ['"\\$S"', "$S"],
  ["$", "$"],
  ["a$", "a$"],
  ["${S:-${U:-nested}}", "hello.tar.gz"],
  ["${U:-${S}}", "hello.tar.gz"],
  ['"${U:-a b}"', "a b"],
  ["$S$S", "hello.tar.gzhello.tar.gz"],
  ["${S}_x", "hello.tar.gz_x"],
  ["$S_x", ""],
];
SUBST.forEach(([expr, want], i) => {
  add(`substitution ${expr}`, `FROM scratch\nARG S=hello.tar.gz E= U2\nENV R${i}=${expr} KEEP=$S$E$U2\n`, { env: { [`R${i}`]: want } });
});
add("substitution ${} is error", "FROM scratch\nENV A=${}\n", { codes: ["VS2009"] });
add("substitution missing brace is error", "FROM scratch\nENV A=${B\n", { codes: ["VS2009"] });
add("substitution :? unset is error", "FROM scratch\nARG U\nENV A=${U:?needed}\n", { codes: ["VS2009"] });
add("substitution missing slash is error", "FROM scratch\nARG S=x\nENV A=${S/x}\n", { codes: ["VS3006", "VS2009"] });
add("substitution :# is error", "FROM scratch\nARG S=x\nENV A=${S:#x}\n", { codes: ["VS3006", "VS2009"] });
add("unquoted space in substitution splits the word (as BuildKit)", "FROM scratch\nENV A=${U:-a b}\n", { codes: ["VS2009", "VS2006"] });
add("substitution in copy dest", "FROM scratch\nARG D=/opt\nCOPY a $D/\n", {});
add("run body not expanded", "FROM scratch\nARG A=1\nRUN echo $A\n", { run: [[...SH, "echo $A"]] });

/** All cases. */
export const CASES: readonly Case[] = cases;
