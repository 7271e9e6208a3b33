// Books: pages added one by one or many at once, reordered, played as one narration.

import { ApiError, apiUrl, directLimit, keyedHeaders, withLanguage } from "./api.js";
import { overDirectLimit, stagedUpload } from "./staged.js";

const BOOK_KEY = "storytime.book";

async function call(method, path, body, contentType = "application/json") {
  let answer;
  try {
    answer = await fetch(apiUrl(path), {
      method, body, headers: keyedHeaders({ Accept: "application/json", ...(body ? { "Content-Type": contentType } : {}) }),
    });
  } catch {
    throw new ApiError(0, "OFFLINE");
  }
  let json = {};
  try {
    json = await answer.json();
  } catch {
    json = {};
  }
  if (!answer.ok) throw new ApiError(answer.status, json.error || `HTTP_${answer.status}`, json.message);
  return json;
}

export function currentBook() {
  return localStorage.getItem(BOOK_KEY) || "";
}

export async function newBook() {
  const book = await call("POST", "/books", JSON.stringify({}));
  localStorage.setItem(BOOK_KEY, book.id);
  return book;
}

export async function loadBook(id) {
  return call("GET", `/books/${encodeURIComponent(id)}`);
}

// One page's photo into the book: uploaded (and deduplicated) as /upload does, appended.
// A photo over the direct limit goes up in two steps first, then joins the book by its page id.
export async function addPage(id, blob, language = "", onProgress = () => {}) {
  const pages = `/books/${encodeURIComponent(id)}/pages`;
  if (blob.size <= directLimit()) {
    try {
      return await call("POST", withLanguage(pages, language), blob, blob.type || "application/octet-stream");
    } catch (error) {
      if (!overDirectLimit(error)) throw error;
    }
  }
  let pageId;
  try {
    pageId = (await stagedUpload(blob, onProgress, language)).body.id;
  } catch (error) {
    // A page sent before that ended without text or failed: in the book all the same, as a direct add does.
    pageId = error.body?.id;
    if (!pageId) throw error;
  }
  return call("POST", pages, JSON.stringify({ pageId }));
}

export async function reorder(id, pages) {
  return call("PUT", `/books/${encodeURIComponent(id)}/pages`, JSON.stringify({ pages }));
}

const sleep = (seconds) => new Promise((done) => setTimeout(done, seconds * 1000));

// Ask until every page is read and the book has one MP3; onStep(book) sees each "not yet".
export async function waitForBook(id, onStep, { every = 2, giveUpAfter = 30 * 60 } = {}) {
  const started = Date.now();
  for (;;) {
    const book = await loadBook(id);
    if (book.audioUrl) return book;
    if (book.status === "FAILED") throw new ApiError(503, "FAILED");
    if (book.status === "EMPTY" || book.status === "NO_TEXT") throw new ApiError(422, "NO_TEXT");
    onStep(book);
    if ((Date.now() - started) / 1000 > giveUpAfter) throw new ApiError(503, "BUSY");
    await sleep(every);
  }
}
