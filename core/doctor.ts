/**
 * What `gatekeeper doctor` reports, one line per check: `ok` (verified), `fix` (wrong: the line
 * says what to do; the command exits 1), or `warn` (could not be checked, or worth a look).
 */
export interface Finding {
  level: "ok" | "fix" | "warn";
  text: string;
}

export const ok = (text: string): Finding => ({ level: "ok", text });
export const fix = (text: string): Finding => ({ level: "fix", text });
export const warn = (text: string): Finding => ({ level: "warn", text });
