// The storytime HTTP API: upload with progress, and the result polled as Retry-After asks.

let apiBase = "";
let apiKey = "";
// The largest photo sent with a direct POST /upload; bigger ones take the two-step upload.
// AWS's direct limit (~4.4 MB: a base64 body in Lambda's 6 MB payload) is the lower of the two
// platforms', so it is safe on both; config.json's directMaxBytes may say otherwise.
export const DIRECT_MAX_BYTES = 4_400_000;
let directMaxBytes = DIRECT_MAX_BYTES;

// config.json says where the API is: "" is this page's own origin (the local server);
// a deployment behind CloudFront writes the API Gateway address there, and the usage plan's
// key when the API asks for one (a public page's key is no secret: it only meters and throttles).
export async function configure() {
  try {
    const answer = await fetch(new URL("config.json", import.meta.url), { cache: "no-cache" });
    if (answer.ok) {
      const config = await answer.json();
      apiBase = config.api || "";
      apiKey = config.apiKey || "";
      if (Number.isInteger(config.directMaxBytes) && config.directMaxBytes > 0) directMaxBytes = config.directMaxBytes;
    }
  } catch {
    apiBase = "";
  }
}

function keyed(headers = {}) {
  return apiKey ? { ...headers, "x-api-key": apiKey } : headers;
}

export const keyedHeaders = keyed;

export const directLimit = () => directMaxBytes;

export function apiUrl(path) {
  return new URL(path, apiBase || location.origin).href;
}

// An answer the page can act on: HTTP status, JSON body, and seconds to wait before asking again.
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code);
    this.status = status;
    this.code = code;
  }
}

export function parse(text) {
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}

function retryAfter(value, fallback) {
  const seconds = Number.parseFloat(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : fallback;
}

// A photo's path with the page language its sender named ("" or none: the server finds it).
export function withLanguage(path, language) {
  return language ? `${path}?language=${encodeURIComponent(language)}` : path;
}

// One request by XMLHttpRequest, because fetch cannot report upload progress.
// Resolves with {status, text, header(name)} whatever the status; rejects only when nothing came back.
export function send(method, url, body, headers = {}, onProgress = () => {}) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open(method, url);
    for (const [name, value] of Object.entries(headers)) request.setRequestHeader(name, value);
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    });
    request.addEventListener("load", () => resolve({
      status: request.status, text: request.responseText, header: (name) => request.getResponseHeader(name),
    }));
    request.addEventListener("error", () => reject(new ApiError(0, "OFFLINE")));
    request.addEventListener("timeout", () => reject(new ApiError(0, "OFFLINE")));
    request.send(body);
  });
}

// What POST /upload (and a two-step upload's complete) answered: {status, body, retryAfter} for a
// page taken (202) or already finished (200); an ApiError, with the answer's body, for anything else.
export function uploadAnswer(answer) {
  const body = parse(answer.text);
  if (answer.status === 200 || answer.status === 202) {
    return { status: answer.status, body, retryAfter: retryAfter(answer.header("Retry-After"), 2) };
  }
  const error = new ApiError(answer.status, body.error || `HTTP_${answer.status}`, body.message);
  error.body = body;
  throw error;
}

// POST /upload with the picture as the body.
export async function upload(blob, onProgress, language = "") {
  const headers = keyed({ "Content-Type": blob.type || "application/octet-stream" });
  return uploadAnswer(await send("POST", apiUrl(withLanguage("/upload", language)), blob, headers, onProgress));
}

// GET /result/{id} once: {status, body, retryAfter}.
export async function result(id) {
  let answer;
  try {
    answer = await fetch(apiUrl(`/result/${encodeURIComponent(id)}`), { headers: keyed({ Accept: "application/json" }) });
  } catch {
    throw new ApiError(0, "OFFLINE");
  }
  const body = parse(await answer.text());
  return { status: answer.status, body, retryAfter: retryAfter(answer.headers.get("Retry-After"), 5) };
}

const sleep = (seconds) => new Promise((done) => setTimeout(done, seconds * 1000));

// Ask until the page is finished, waiting as long as each answer's Retry-After says.
// onStep(body) sees every "not yet" answer. Resolves with a finished result (200);
// rejects with an ApiError for no text (422), a failed page (code FAILED, reason its error code),
// or any other error.
export async function waitForResult(id, onStep, { firstWait = 0, giveUpAfter = 30 * 60 } = {}) {
  const started = Date.now();
  let wait = firstWait;
  for (;;) {
    if (wait > 0) await sleep(wait);
    const answer = await result(id);
    if (answer.status === 200) return answer.body;
    if (answer.body && answer.body.status === "FAILED") {
      // A page that failed for good: 422 when the page itself can't be read, 500 when storytime gave up.
      const error = new ApiError(answer.status, "FAILED", answer.body.message);
      error.reason = answer.body.error || "";
      throw error;
    }
    if (answer.status === 503) {
      onStep(answer.body);
      if ((Date.now() - started) / 1000 > giveUpAfter) throw new ApiError(503, "BUSY");
      wait = answer.retryAfter;
      continue;
    }
    const error = new ApiError(answer.status, answer.body.error || `HTTP_${answer.status}`, answer.body.message);
    error.body = answer.body;
    throw error;
  }
}
