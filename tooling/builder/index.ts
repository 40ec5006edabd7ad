// The typed builder API's entry point (what `vmspec compile --emit ts` modules import): build a
// vmspec in TypeScript, get the IR the compiler would produce for the same spec.
export { spec, literal, fsReader, SpecBuilder } from "./spec.js";
export type {
  SpecOptions, BuildOptions, HeredocBody, Mount, RunOptions, CopyOptions, HealthcheckOptions, MachineOptions,
  KernelOptions, PackagesOptions, Pairs, OneOrMany,
} from "./spec.js";
export { BuilderError, type BuilderErrorCode } from "./errors.js";
export type { Ir } from "../../compiler/ir/types.js";
