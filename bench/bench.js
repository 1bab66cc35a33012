#!/usr/bin/env node
// `npm run bench`: runs bench/run.ts through tsx (no build step), like bin/gatekeeper.js.
import { register } from "tsx/esm/api";

// The AWS SDK warns once per process that its 2027 releases need Node 22 (see bin/gatekeeper.js).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
register();
await import("./run.ts");
