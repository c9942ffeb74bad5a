// `make vendor`: copy the pinned npm packages installed in tools/vendor/node_modules (by
// `npm ci`, from package-lock.json) into vendor/, each file with its package's licence, and
// write vendor/versions.json and vendor/SHA256SUMS, which the tests check the copies against.
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, "node_modules");
const vendor = join(here, "..", "..", "vendor");
const COPIED = {
  // package: files copied, beside its LICENSE
  "world-atlas": ["countries-110m.json"],
  vega: ["build/vega.min.js"],
  "vega-lite": ["build/vega-lite.min.js"],
  "vega-embed": ["build/vega-embed.min.js"],
};

const versions = {};
const sums = [];
for (const [name, files] of Object.entries(COPIED)) {
  const manifest = JSON.parse(readFileSync(join(modules, name, "package.json"), "utf8"));
  versions[name] = manifest.version;
  mkdirSync(join(vendor, name), { recursive: true });
  for (const file of [...files, "LICENSE"]) {
    const target = `${name}/${file.split("/").pop()}`;
    copyFileSync(join(modules, name, file), join(vendor, target));
    const digest = createHash("sha256").update(readFileSync(join(vendor, target)));
    sums.push(`${digest.digest("hex")}  ${target}`);
  }
}
writeFileSync(join(vendor, "versions.json"), `${JSON.stringify(versions, null, 2)}\n`);
const byFile = (a, b) => (a.slice(66) < b.slice(66) ? -1 : 1); // "<hash>  <file>"
writeFileSync(join(vendor, "SHA256SUMS"), `${sums.sort(byFile).join("\n")}\n`);
console.log(`vendor/: ${Object.entries(versions).map(([n, v]) => `${n} ${v}`).join(", ")}`);
