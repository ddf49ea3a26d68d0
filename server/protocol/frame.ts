/**
 * LSP base framing: `Content-Length: N\r\n\r\n` + the UTF-8 JSON body, as one
 * buffer (one write). Shared by the daemon's writer and the CLI's raw client;
 * dependency-free so the CLI's fast path can import it without the contract's
 * schemas.
 */
export function encodeFrame(message: unknown): Uint8Array {
  const body = utf8.encode(JSON.stringify(message));
  const head = utf8.encode(`Content-Length: ${body.length}\r\n\r\n`);
  const frame = new Uint8Array(head.length + body.length);
  frame.set(head);
  frame.set(body, head.length);
  return frame;
}

// The contract uses no Node APIs (test/unit/boundaries.test.ts): TextEncoder, not Buffer.
const utf8 = new TextEncoder();

/**
 * The largest frame body either side accepts (64 MiB): a bigger one is
 * refused before it is buffered — the daemon answers INVALID_REQUEST (id
 * null) and skips its body; the CLI ends the connection with an error.
 */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;

/** A frame header longer than this (no blank line yet) is not LSP framing. */
export const MAX_FRAME_HEADER_BYTES = 8 * 1024;
