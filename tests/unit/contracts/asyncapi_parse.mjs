// Parse an AsyncAPI document with the official parser; print errors as JSON lines.
// Usage: node asyncapi_parse.mjs <asyncapi.json>. Exit 0 when valid, 1 otherwise.
import { readFile } from "node:fs/promises";
import { Parser } from "@asyncapi/parser";

const text = await readFile(process.argv[2], "utf-8");
const { document, diagnostics } = await new Parser().parse(text);
const errors = [...new Set(
  diagnostics
    .filter((d) => d.severity === 0)
    .map((d) => `${d.path.join("/")}: ${d.message}`),
)];
for (const error of errors) console.log(error);
if (document === undefined || errors.length > 0) process.exit(1);
console.log(`ok: ${document.channels().length} channels, ${document.operations().length} operations`);
