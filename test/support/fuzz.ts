import fc from "fast-check";

/**
 * Fuzzing helpers: valid payloads with one part replaced by an arbitrary JSON value (or removed),
 * so the fuzz reaches past the first check of a parser instead of dying at the door.
 */

type Path = (string | number)[];

/** Every path into a JSON value (objects and arrays), the root included. */
export function pathsOf(value: unknown, prefix: Path = []): Path[] {
  const here: Path[] = [prefix];
  if (Array.isArray(value)) return here.concat(value.flatMap((v, i) => pathsOf(v, [...prefix, i])));
  if (value && typeof value === "object")
    return here.concat(Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...prefix, k])));
  return here;
}

const REMOVE = Symbol("remove");

/** A copy of `value` with the part at `path` replaced (or removed). */
export function replaceAt(value: unknown, path: Path, replacement: unknown): unknown {
  if (path.length === 0) return replacement === REMOVE ? undefined : replacement;
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...value];
    if (rest.length === 0 && replacement === REMOVE) copy.splice(Number(head), 1);
    else copy[Number(head)] = replaceAt(copy[Number(head)], rest, replacement);
    return copy;
  }
  if (value && typeof value === "object") {
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    const key = String(head);
    if (rest.length === 0 && replacement === REMOVE) delete copy[key];
    else copy[key] = replaceAt(copy[key], rest, replacement);
    return copy;
  }
  return value;
}

/** Values that tend to break parsers that trust their input. */
const nasty = fc.constantFrom<unknown>(
  null,
  0,
  -1,
  1e308,
  "",
  "\u0000",
  [],
  {},
  [null],
  { id: null },
  true,
  "__proto__",
);

/** `base` with one part (at any depth) replaced by an arbitrary or nasty JSON value, or removed. */
export function mutated(base: unknown): fc.Arbitrary<unknown> {
  const paths = pathsOf(base);
  return fc
    .tuple(
      fc.constantFrom(...paths),
      fc.oneof(
        { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
        { weight: 2, arbitrary: nasty },
        { weight: 1, arbitrary: fc.constant<unknown>(REMOVE) },
      ),
    )
    .map(([path, replacement]) => replaceAt(base, path, replacement) ?? null);
}
