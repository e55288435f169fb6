/**
 * The one place a request path becomes a file path. A URL path is decoded once, split into
 * segments, and refused (null) unless every segment is a plain name: no `..`, no `.`, no empty
 * segment in the middle, no backslash, no NUL or other control characters, no dotfile. The caller
 * then joins the segments under its root and checks the real path stays inside it (symlinks).
 */

/** Segments of a safe relative path, or null when the path could climb out or name a hidden file. */
export function safeSegments(urlPath: string): string[] | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null; // malformed percent-encoding
  }
  if (!decoded.startsWith('/')) return null;
  // Backslash is a separator on Windows; control characters (NUL above all) have no business in a name.
  if (/[\\\u0000-\u001f\u007f]/.test(decoded)) return null;
  const segments = decoded.slice(1).split('/');
  if (segments.length > 0 && segments[segments.length - 1] === '') segments.pop(); // trailing slash
  for (const segment of segments) {
    if (segment === '' || segment.startsWith('.')) return null; // '', '.', '..', '.git', '.env' …
  }
  return segments;
}

/** Whether `child` (an absolute, resolved path) is `root` or inside it. */
export function isInside(root: string, child: string, separator = '/'): boolean {
  const base = root.endsWith(separator) ? root : root + separator;
  return child === root || child.startsWith(base);
}
