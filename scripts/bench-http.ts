/** HTTP interaction answer times; filled in once the Slack and Discord fakes exist. */
export async function benchHttp(_endpoint: string, _rounds: number): Promise<string[]> {
  return ["(no http benchmarks yet)"];
}
