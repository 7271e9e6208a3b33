// The web reader: photograph or pick a page, follow its reading, listen and read along.

import { ApiError, configure, result as fetchResult, waitForResult } from "./api.js";
import { t, translate } from "./i18n.js";
import { follow as readAlong, loadTimings, renderText } from "./readalong.js";
import { forget, recentPages, remember } from "./recent.js";
import { shrink } from "./shrink.js";
import { sendPhoto } from "./staged.js";
import { addPage, currentBook, loadBook, newBook, reorder, waitForBook } from "./book.js";

const $ = (id) => document.getElementById(id);
// How far along the bar each step stands (the upload fills the first fifth).
const STEP_VALUE = { QUEUED: 25, READING_PAGE: 45, FINDING_TEXT: 70, SPEAKING: 85 };
const RETRYABLE = new Set(["FAILED", "BUSY", "OFFLINE", "UPLOAD_REFUSED"]);
const SPEED_KEY = "storytime.speed";
const LANGUAGE_KEY = "storytime.pageLanguage";
let busy = false;
let retryAction = null;
let stopReadingAlong = () => {};

function say(message) {
  $("status").textContent = message;
}

function progress(message, value) {
  say(message);
  const bar = $("progress-bar");
  bar.hidden = false;
  if (value === undefined) bar.removeAttribute("value");
  else bar.value = value;
}

function endProgress(message = "") {
  $("progress-bar").hidden = true;
  say(message);
}

function reasonText(reason) {
  if (reason === "TEXT_TOO_LONG" || reason === "PAGE_TOO_LARGE") return t("reasonTextTooLong");
  if (reason === "UNREADABLE_IMAGE") return t("reasonUnreadable");
  if (/^SPEECH/.test(reason || "")) return t("reasonSpeech");
  return t("reasonOther", { code: reason || "?" });
}

// A page that failed for good (422) fails again the same way: only a new photo helps.
const finalFailure = (error) => error.code === "FAILED" && error.status >= 400 && error.status < 500;

export function messageFor(error) {
  switch (error.code) {
    case "PAYLOAD_TOO_LARGE":
    case "IMAGE_TOO_LARGE":
      return t("tooLarge");
    case "UNSUPPORTED_MEDIA_TYPE":
      return t("notImage");
    case "CORRUPT_IMAGE":
      return t("corrupt");
    case "EMPTY_UPLOAD":
      return t("empty");
    case "NO_TEXT":
      return t("noText");
    case "FAILED":
      return t(finalFailure(error) ? "failedFinal" : "failed", { reason: reasonText(error.reason) });
    case "NOT_FOUND":
      return t("gone");
    case "FORBIDDEN":
      return t("forbidden");
    case "UPLOAD_REFUSED":
      return t("uploadRefused", { code: error.reason || error.status });
    case "OFFLINE":
      return t("offline");
    case "BUSY":
      return t("busy");
  }
  if (error.status === 429 || error.status >= 500) return t("busy");
  return t("unknown", { code: error.code || error.message });
}

function showProblem(error, retry) {
  const code = error instanceof ApiError ? error.code : "OFFLINE";
  const canRetry = (RETRYABLE.has(code) || error.status === 429 || error.status >= 500) && !finalFailure(error);
  endProgress();
  $("problem-text").textContent = messageFor(error instanceof ApiError ? error : new ApiError(0, "OFFLINE"));
  $("problem").dataset.code = code;
  $("problem").hidden = false;
  $("retry").hidden = !canRetry;
  retryAction = canRetry ? retry : null;
}

function clearProblem() {
  $("problem").hidden = true;
  $("problem-text").textContent = "";
  delete $("problem").dataset.code;
  retryAction = null;
}

async function show(page) {
  stopReadingAlong();
  const timings = await loadTimings(page.timingsUrl);
  $("reader").hidden = false;
  $("photo").src = page.imageUrl;
  const lit = renderText($("text"), page.text, page.language, timings);
  $("text").dataset.timed = String(lit.sentences.length > 0);
  const audio = $("audio");
  audio.src = page.audioUrl;
  stopReadingAlong = readAlong(audio, lit);
  audio.playbackRate = Number($("speed").value);
  $("reader").dataset.page = page.id;
  delete $("reader").dataset.book;
  $("reader-heading").textContent = t("readerHeading");
  renderRecent(remember(page));
  endProgress(t("ready"));
  $("reader-heading").focus();
}

// Work on one thing at a time; the buttons stay usable but a second request waits its turn.
async function exclusive(work) {
  if (busy) return;
  busy = true;
  clearProblem();
  try {
    await work();
  } finally {
    busy = false;
  }
}

async function follow(id, firstWait = 0, step = "QUEUED") {
  progress(t(step), STEP_VALUE[step]);
  try {
    const page = await waitForResult(id, (body) => {
      const step = body.step in STEP_VALUE ? body.step : "READING_PAGE";
      progress(t(step), STEP_VALUE[step]);
    }, { firstWait });
    await show(page);
  } catch (error) {
    if (error.code === "NOT_FOUND") renderRecent(forget(id));
    showProblem(error, () => exclusive(() => follow(id)));
  }
}

async function readPhoto(file) {
  progress(t("preparing"));
  let sent;
  try {
    const blob = await shrink(file);
    let shown = -1;
    progress(t("uploading", { percent: 0 }), 0);
    sent = await sendPhoto(blob, (fraction) => {
      const percent = Math.round(fraction * 100);
      $("progress-bar").value = fraction * 20;
      // Tell the live region in tens, not at every packet (and anew when a second step starts over).
      if (percent < shown || percent - shown >= 10 || percent === 100) {
        shown = percent;
        say(t("uploading", { percent }));
      }
    }, $("page-language").value);
  } catch (error) {
    return showProblem(error, () => exclusive(() => readPhoto(file)));
  }
  if (sent.status === 200 && sent.body.status === "COMPLETE") return show(sent.body);
  if (sent.status === 200 && sent.body.status === "NO_TEXT") return showProblem(new ApiError(422, "NO_TEXT"));
  return follow(sent.body.id, sent.retryAfter, sent.body.status === "PROCESSING" ? "READING_PAGE" : "QUEUED");
}

async function openRecent(id) {
  progress(t("loading"));
  try {
    const answer = await fetchResult(id);
    if (answer.status === 200) return show(answer.body);
    if (answer.status === 503) return follow(id, answer.retryAfter);
    if (answer.status === 404) renderRecent(forget(id));
    showProblem(new ApiError(answer.status, answer.body.error || `HTTP_${answer.status}`, answer.body.message),
      () => exclusive(() => openRecent(id)));
  } catch (error) {
    showProblem(error, () => exclusive(() => openRecent(id)));
  }
}

function renderRecent(pages = recentPages()) {
  const list = $("recent-list");
  list.replaceChildren();
  $("recent-empty").hidden = pages.length > 0;
  for (const page of pages) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "recent-page";
    const when = new Date(page.at).toLocaleString(document.documentElement.lang);
    const title = page.title || t("recentUntitled", { when });
    button.textContent = title;
    button.setAttribute("aria-label", t("recentPlay", { title }));
    if (page.language) button.lang = page.language;
    button.dataset.page = page.id;
    button.addEventListener("click", () => exclusive(() => openRecent(page.id)));
    item.append(button);
    list.append(item);
  }
}

function choose(input) {
  input.addEventListener("change", () => {
    const [file] = input.files;
    input.value = ""; // the same photo may be chosen again
    if (file) exclusive(() => readPhoto(file));
  });
}

function dropping(zone) {
  const over = (on) => {
    zone.classList.toggle("over", on);
    $("drop").textContent = t(on ? "dropActive" : "drop");
  };
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    over(true);
  });
  zone.addEventListener("dragleave", (event) => {
    if (!zone.contains(event.relatedTarget)) over(false);
  });
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    over(false);
    const file = [...(event.dataTransfer?.files || [])][0];
    if (file) exclusive(() => readPhoto(file));
  });
}

function speed() {
  const select = $("speed");
  const saved = localStorage.getItem(SPEED_KEY);
  if (saved && [...select.options].some((o) => o.value === saved)) select.value = saved;
  const apply = () => {
    $("audio").playbackRate = Number(select.value);
    localStorage.setItem(SPEED_KEY, select.value);
  };
  select.addEventListener("change", apply);
  // A new source resets the rate; keep the person's choice.
  $("audio").addEventListener("loadedmetadata", () => {
    $("audio").playbackRate = Number(select.value);
  });
}

// The language every photo from here is read in ("" = Automatic), kept for the next visit.
function pageLanguage() {
  const select = $("page-language");
  const saved = localStorage.getItem(LANGUAGE_KEY);
  if (saved !== null && [...select.options].some((o) => o.value === saved)) select.value = saved;
  select.addEventListener("change", () => localStorage.setItem(LANGUAGE_KEY, select.value));
}

// ---- Books ----

function renderBook(book) {
  const list = $("book-pages");
  list.replaceChildren();
  const pages = book?.pages || [];
  $("book-play").disabled = pages.length === 0;
  pages.forEach((page, index) => {
    const n = index + 1;
    const item = document.createElement("li");
    item.dataset.page = page.id;
    const label = document.createElement("span");
    label.textContent = t("bookPage", { n, status: t(`pageStatus_${page.status}`) });
    item.append(label);
    for (const [key, symbol, to] of [["bookUp", "↑", index - 1], ["bookDown", "↓", index + 1]]) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = key === "bookUp" ? "up" : "down";
      button.textContent = symbol;
      button.setAttribute("aria-label", t(key, { n }));
      button.disabled = to < 0 || to >= pages.length;
      button.addEventListener("click", () => exclusive(() => movePage(book, index, to)));
      item.append(button);
    }
    list.append(item);
  });
}

async function movePage(book, from, to) {
  const order = book.pages.map((p) => p.id);
  const [moved] = order.splice(from, 1);
  order.splice(to, 0, moved);
  try {
    const turned = await reorder(book.id, order);
    renderBook(turned);
    // Keep the keyboard where it was: on the moved page's same button.
    const item = $("book-pages").children[to];
    item?.querySelector(to < from ? ".up:not([disabled])" : ".down:not([disabled])")?.focus()
      || item?.querySelector("button:not([disabled])")?.focus();
  } catch (error) {
    showProblem(error, () => exclusive(() => movePage(book, from, to)));
  }
}

async function addPages(files) {
  let book;
  try {
    const id = currentBook();
    book = id ? await loadBook(id).catch((error) => (error.code === "NOT_FOUND" ? newBook() : Promise.reject(error)))
      : await newBook();
    for (const [index, file] of files.entries()) {
      progress(t("bookAdding", { n: index + 1, total: files.length }), (index / files.length) * 100);
      // A big photo's two-step upload moves the bar within its page's share.
      book = await addPage(book.id, await shrink(file), $("page-language").value, (fraction) => {
        $("progress-bar").value = ((index + fraction) / files.length) * 100;
      });
      renderBook(book);
    }
    endProgress();
  } catch (error) {
    showProblem(error, () => exclusive(() => addPages(files)));
  }
}

async function playBook() {
  const id = currentBook();
  if (!id) return;
  try {
    const book = await waitForBook(id, (waiting) => {
      renderBook(waiting);
      const done = waiting.pages.filter((p) => p.status === "COMPLETE" || p.status === "NO_TEXT").length;
      progress(t("bookWaiting", { done, total: waiting.pages.length }), (done / waiting.pages.length) * 100);
    });
    renderBook(book);
    // The pages' texts, in order: the book's timings mark their sentences one after another.
    const pages = [];
    for (const page of book.pages) {
      const answer = await fetchResult(page.id);
      if (answer.status === 200) pages.push(answer.body);
    }
    stopReadingAlong();
    const timings = await loadTimings(book.timingsUrl);
    $("reader").hidden = false;
    $("photo").src = pages[0]?.imageUrl || "";
    const lit = renderText($("text"), pages.map((p) => p.text).join("\n\n"), pages[0]?.language, timings);
    $("text").dataset.timed = String(lit.sentences.length > 0);
    const audio = $("audio");
    audio.src = book.audioUrl;
    stopReadingAlong = readAlong(audio, lit);
    audio.playbackRate = Number($("speed").value);
    $("reader").dataset.page = "";
    $("reader").dataset.book = book.id;
    $("reader-heading").textContent = t("bookReaderHeading");
    endProgress(t("bookReady"));
    $("reader-heading").focus();
  } catch (error) {
    showProblem(error, () => exclusive(playBook));
  }
}

async function books() {
  $("book-files").addEventListener("change", () => {
    const files = [...$("book-files").files];
    $("book-files").value = "";
    if (files.length) exclusive(() => addPages(files));
  });
  $("book-play").addEventListener("click", () => exclusive(playBook));
  $("book-new").addEventListener("click", () => exclusive(async () => {
    try {
      renderBook(await newBook());
    } catch (error) {
      showProblem(error, () => $("book-new").click());
    }
  }));
  const id = currentBook();
  if (id) renderBook(await loadBook(id).catch(() => null));
}

async function start() {
  translate();
  await configure();
  $("retry").addEventListener("click", () => retryAction?.());
  choose($("camera"));
  choose($("file"));
  dropping(document.body);
  speed();
  pageLanguage();
  renderRecent();
  await books();
  document.body.dataset.ready = "true";
}

start();
