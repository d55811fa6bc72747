#!/usr/bin/env node
// Writes src/infra/kafka-jar-pins.ts from a Maven resolution of the broker's classpath: each jar's path in the
// repository layout and its SHA-256, so the CLI can fetch the jars over HTTPS without Maven and verify them.
// Usage: node .ci/pin-kafka-jars.mjs <kafka version>   (needs Maven; run it when the pinned Kafka version changes)
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join, relative } from "node:path";

const version = process.argv[2];
if (!version) throw new Error("usage: node .ci/pin-kafka-jars.mjs <kafka version>");
const { kafkaPom } = await import("../dist/infra/kafka-jars.js");
const work = mkdtempSync(join(tmpdir(), "pin-kafka-"));
const local = join(homedir(), ".m2", "repository");
try {
  writeFileSync(join(work, "pom.xml"), kafkaPom(version));
  // copy-dependencies with useRepositoryLayout keeps each jar's groupId path, which a flat lib/ loses.
  execFileSync('mvn', ['-q', '-B', '-f', join(work, 'pom.xml'), 'dependency:copy-dependencies', '-DincludeScope=runtime', '-Dmdep.useRepositoryLayout=true', `-DoutputDirectory=${join(work, 'repo')}`], { stdio: 'inherit' });
  const walk = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
  const jars = walk(join(work, "repo")).filter((file) => file.endsWith(".jar")).sort();
  const lines = jars.map((file) => {
    const sha256 = createHash("sha256").update(readFileSync(file)).digest("hex");
    return `    { path: "${relative(join(work, 'repo'), file).split('\\').join('/')}", sha256: "${sha256}" },`;
  });
  const pinsFile = join(import.meta.dirname, "..", "src", "infra", "kafka-jar-pins.ts");
  const existing = readFileSync(pinsFile, "utf8");
  const block = `  "${version}": [\n${lines.join('\n')}\n  ],\n`;
  const others = existing.replace(new RegExp(`  "${version.replace(/\./g, '\\.')}": \\[\\n[^]*?\\n  \\],\\n`), '');
  writeFileSync(pinsFile, others.replace("export const PINNED_KAFKA_JARS: Record<string, PinnedJar[]> = {\n", (head) => head + block));
  console.log(`pinned ${jars.length} jars for Kafka ${version} (local repository: ${local})`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
