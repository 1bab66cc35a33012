// Runs in a fresh Node process from the function's package folder, as Lambda runs a handler from
// /var/task: `node invoke.mjs <bundle.mjs> <input.json>`. Prints one JSON line with the results.
//
// The bundle is imported under a poisoned environment (links, config file and DynamoDB endpoint
// that all fail when touched), then the real environment is put in place and the handler is
// called: a module that reads settings, links, the config or the table at import time fails here.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [bundle, inputFile] = process.argv.slice(2);
if (!bundle || !inputFile) throw new Error("usage: node invoke.mjs <bundle.mjs> <input.json>");
const input = JSON.parse(readFileSync(inputFile, "utf8"));

Object.assign(process.env, input.poison);
const importStarted = performance.now();
const mod = await import(pathToFileURL(bundle).href);
const importMs = performance.now() - importStarted;
if (typeof mod.handler !== "function") throw new Error(`${bundle} exports no handler`);

for (const key of Object.keys(input.poison)) delete process.env[key];
Object.assign(process.env, input.env);

const results = [];
for (const [i, event] of input.events.entries()) {
  const context = {
    awsRequestId: `request-${i}`,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    getRemainingTimeInMillis: () => 10_000,
  };
  const started = performance.now();
  const result = await mod.handler(event, context);
  results.push({ result, ms: Math.round(performance.now() - started) });
}
process.stdout.write(
  `${JSON.stringify({ importMs: Math.round(importMs), arity: mod.handler.length, results })}\n`,
);
