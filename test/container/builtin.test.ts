// The built-in runtime against the shared runtime suite (real namespaces; needs root and a C compiler).
import { runtimeSuite } from "./scenarios.js";

runtimeSuite("builtin", ["cc"]);
