/**
 * Object keys → relative paths that cannot leave the folder or prefix they are joined to.
 * @module
 */

/**
 * A relative path for an object key: empty, `.` and `..` segments are dropped, segments starting with
 * a dot get a `_` in front (so nothing can land in the worker's `.logik/` state area), and control
 * characters and backslashes become `_`. Never empty and never absolute.
 *
 * @example
 * ```ts
 * safeRelativePath("a/../../etc/passwd"); // "a/etc/passwd"
 * safeRelativePath("scans/Jane Doe/é.dcm"); // "scans/Jane Doe/é.dcm"
 * ```
 */
export function safeRelativePath(key: string): string {
  // Control characters are exactly what this must catch.
  // deno-lint-ignore no-control-regex
  const segments = key.replace(/[\u0000-\u001f\u007f\\]/g, "_").split("/")
    .map((segment) => segment.trim())
    .filter((segment) => segment !== "" && segment !== "." && segment !== "..")
    .map((segment) => segment.startsWith(".") ? `_${segment}` : segment)
    .map((segment) => truncateUtf8(segment, 200));
  return segments.length === 0 ? "_" : segments.join("/");
}

/**
 * Join a normalised prefix (`""` or ending in `/`) and a relative path, refusing anything that would
 * resolve outside the prefix.
 *
 * @example
 * ```ts
 * joinUnderPrefix("deid/", "a/b.jpeg"); // "deid/a/b.jpeg"
 * joinUnderPrefix("deid/", "../x"); // throws
 * ```
 */
export function joinUnderPrefix(prefix: string, relativePath: string): string {
  const segments = relativePath.split("/");
  if (
    relativePath.startsWith("/") ||
    segments.some((segment) => segment === ".." || segment === "." || segment === "")
  ) {
    throw new RangeError("relative path would leave the destination prefix");
  }
  return prefix + relativePath;
}

function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= maxBytes) return text;
  return new TextDecoder().decode(bytes.slice(0, maxBytes)).replace(/\uFFFD+$/, "");
}
