// Photos too big for a direct POST /upload (a HEIC or a big scan the browser could not shrink) go
// in two steps: a ticket (POST /uploads), the bytes PUT to its signed uploadUrl (S3 on AWS, the
// local server on one machine), then POST its completeUrl, which answers exactly as /upload does.

import { ApiError, apiUrl, directLimit, keyedHeaders, parse, send, upload, uploadAnswer } from "./api.js";

// Headers the browser sets itself and refuses from a page (it sends the body's exact length anyway).
const BROWSER_OWN = new Set(["content-length", "host", "connection"]);

async function ticket(blob) {
  // The size goes with the request: the server refuses an oversized photo before any byte is sent,
  // and S3's signature then takes exactly that many bytes.
  const request = { bytes: blob.size, ...(blob.type.startsWith("image/") ? { contentType: blob.type } : {}) };
  const answer = await send("POST", apiUrl("/uploads"), JSON.stringify(request),
    keyedHeaders({ "Content-Type": "application/json" }));
  const body = parse(answer.text);
  if (answer.status !== 201) throw new ApiError(answer.status, body.error || `HTTP_${answer.status}`, body.message);
  return body;
}

// The storage's refusal of the PUT: JSON from the local server, XML from S3 (<Code>AccessDenied</Code>).
function refusal(answer) {
  const code = parse(answer.text).error || /<Code>([^<]+)<\/Code>/.exec(answer.text)?.[1] || `HTTP_${answer.status}`;
  if (answer.status === 413 || code === "EntityTooLarge") return new ApiError(413, "PAYLOAD_TOO_LARGE");
  if (answer.status >= 500) return new ApiError(answer.status, code);
  // Expired, not signed by us, or gone: a new ticket is the way on (so "Try again" is offered).
  const error = new ApiError(answer.status, "UPLOAD_REFUSED");
  error.reason = code;
  return error;
}

async function put(blob, place, onProgress) {
  const headers = Object.fromEntries(Object.entries(place.headers || {})
    .filter(([name]) => !BROWSER_OWN.has(name.toLowerCase())));
  if (blob.type && !Object.keys(headers).some((name) => name.toLowerCase() === "content-type")) {
    headers["Content-Type"] = blob.type;
  }
  // No API key here: the signature is the permission (and S3 would not expect the header).
  const answer = await send(place.method || "PUT", apiUrl(place.uploadUrl), blob, headers, onProgress);
  if (answer.status < 200 || answer.status >= 300) throw refusal(answer);
}

async function complete(place, language) {
  const answer = await send("POST", apiUrl(place.completeUrl), JSON.stringify(language ? { language } : {}),
    keyedHeaders({ "Content-Type": "application/json" }));
  if (answer.status === 404) {  // the staged bytes are gone (expired): only a new upload helps
    const error = new ApiError(404, "UPLOAD_REFUSED");
    error.reason = parse(answer.text).error || "NOT_FOUND";
    throw error;
  }
  return uploadAnswer(answer);
}

// The two steps; resolves as upload() does: {status, body, retryAfter}.
export async function stagedUpload(blob, onProgress, language = "") {
  const place = await ticket(blob);
  onProgress(0);
  await put(blob, place, onProgress);
  return complete(place, language);
}

// A direct body refused for its size (PAYLOAD_TOO_LARGE, or the gateway's own REQUEST_TOO_LARGE),
// not a picture with too many pixels, which no way of sending helps.
export const overDirectLimit = (error) => error.status === 413 && error.code !== "IMAGE_TOO_LARGE";

// Too big for the direct limit, or refused by it (a server with a lower limit): two steps.
export async function sendPhoto(blob, onProgress, language = "") {
  if (blob.size <= directLimit()) {
    try {
      return await upload(blob, onProgress, language);
    } catch (error) {
      if (!overDirectLimit(error)) throw error;
    }
  }
  return stagedUpload(blob, onProgress, language);
}
