/**
 * What the CLI prints must not drive the terminal. Node ids, types, labels, file names and
 * whatever a proxy answers are untrusted: a raw ESC or C1 byte in them can clear the screen,
 * set the window title (OSC), hide text or rewrite the line; bidi overrides can reorder what
 * a line appears to say. Every such character is shown as a `\uXXXX` escape instead.
 *
 * The same escape is valid inside a JSON string and means the same character there, so JSON
 * output (which JSON.stringify already escapes for C0, but not for DEL, C1 or bidi controls)
 * passes through unchanged in meaning: `JSON.parse` gives back the original value.
 */
import type { CliIO } from "./io";

/** C0 controls except tab and newline, DEL, C1 controls, and the bidi embedding/override/isolate marks. */
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
/** The same, plus tab and newline: inside one field of a one-line message, those are hostile too. */
const CONTROLS_AND_BREAKS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

const escapeChar = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;

/** Text whose line structure is ours (tabs and newlines kept): every other control is made visible. */
export function terminalText(text: string): string {
  return text.replace(CONTROLS, escapeChar);
}

/** One untrusted value inside a line (an id, a label, a path): newlines and tabs are escaped too. */
export function inline(value: string): string {
  return value.replace(CONTROLS_AND_BREAKS, escapeChar);
}

/** Wraps an IO so that nothing written through it can carry a terminal control character. */
export function terminalSafeIO(io: CliIO): CliIO {
  const safe: CliIO = {
    stdout: (text) => io.stdout(terminalText(text)),
    stderr: (text) => io.stderr(terminalText(text)),
    read: (path, maxBytes) => io.read(path, maxBytes),
  };
  if (io.readPrefix) safe.readPrefix = io.readPrefix.bind(io);
  const redraw = io.redrawLine;
  if (redraw) safe.redrawLine = (text) => redraw(inline(text));
  return safe;
}
