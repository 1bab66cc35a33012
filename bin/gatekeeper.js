#!/usr/bin/env node
// The `gatekeeper` command. Runs the TypeScript sources through tsx, so there is no build step.
import { register } from "tsx/esm/api";

// The AWS SDK warns on every start that its 2027 releases need Node 22. The README says so once;
// Lambda runs Node 22+. Set the variable yourself to see the warning again.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
register();
const { main } = await import("../cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
